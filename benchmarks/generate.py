"""Write N realistic synthetic reply letters and proposal forms for benchmarks.

Letters are assembled from patterns and word lists — agencies of many regions and levels,
policy documents with numbers in every bracket style, amounts in Arabic, mixed and Chinese
numerals, nested sections (一、 （一） 1. 一是), 抄送 and 公开方式 footers, dates in several
styles — never copied from the seed letters. About one file in ten is a proposal form whose
numbered reply is also in the corpus (cross-letter linking); the rest are replies of
roughly seed size (~10 KB). The same ``--seed`` always gives the same files.

Example::

    python benchmarks/generate.py 1000 /tmp/letters
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

REGIONS = [
    ("深圳市", "市"), ("广州市", "市"), ("杭州市", "市"), ("成都市", "市"), ("武汉市", "市"),
    ("南京市", "市"), ("苏州市", "市"), ("西安市", "市"), ("长沙市", "市"), ("宁波市", "市"),
    ("广西壮族自治区", "自治区"), ("浙江省", "省"), ("江苏省", "省"), ("四川省", "省"),
    ("湖北省", "省"), ("福建省", "省"), ("山东省", "省"), ("河南省", "省"),
]  # fmt: skip
DEPARTMENTS = [
    "工业和信息化局", "财政局", "发展和改革委员会", "科学技术局", "商务局", "人力资源和社会保障局",
    "住房和城乡建设局", "交通运输局", "生态环境局", "市场监督管理局", "地方金融监督管理局",
    "农业农村局", "教育局", "卫生健康委员会", "自然资源局", "文化广电旅游体育局", "税务局",
]  # fmt: skip
PROV_DEPARTMENTS = [
    "工业和信息化厅", "财政厅", "发展和改革委员会", "科学技术厅", "商务厅", "人力资源和社会保障厅",
    "住房和城乡建设厅", "交通运输厅", "生态环境厅", "市场监督管理局", "地方金融监督管理局",
]  # fmt: skip
CODES = ["工信", "财", "发改", "科", "商", "人社", "建", "交", "环", "市监", "金融", "农", "教", "卫"]
ISSUER_PREFIX = {"深圳市": "深", "广州市": "穗", "杭州市": "杭", "成都市": "成", "武汉市": "武",
                 "南京市": "宁", "苏州市": "苏", "西安市": "市", "长沙市": "长", "宁波市": "甬",
                 "广西壮族自治区": "桂", "浙江省": "浙", "江苏省": "苏", "四川省": "川", "湖北省": "鄂",
                 "福建省": "闽", "山东省": "鲁", "河南省": "豫"}  # fmt: skip
CENTRAL = [("国务院", "国发"), ("国务院办公厅", "国办发"), ("财政部", "财建"), ("工业和信息化部", "工信部企业"),
           ("科技部", "国科发"), ("国家发展改革委", "发改高技"), ("中国人民银行", "银发")]  # fmt: skip
TOPICS = [
    "科技型中小企业", "专精特新企业", "制造业数字化转型", "绿色低碳发展", "新能源汽车产业", "跨境电商",
    "集成电路产业", "生物医药产业", "现代物流体系", "乡村振兴", "职业技能培训", "知识产权保护",
    "营商环境", "人才引进", "老旧小区改造", "智慧城市建设", "数据要素市场", "普惠金融服务",
]  # fmt: skip
ACTIONS = ["关于加快推进", "关于进一步支持", "关于促进", "关于完善", "关于加强", "关于优化", "关于实施"]
DOC_KINDS = ["若干措施", "实施意见", "管理办法", "行动方案", "实施细则", "工作指引（试行）", "三年行动计划"]
FUND_KINDS = ["专项资金", "发展资金", "扶持资金", "引导基金", "奖补资金"]
ORGS = [
    "招商银行", "中国工商银行", "中国建设银行", "国家开发银行", "平安银行", "兴业银行",
    "高新投集团有限公司", "中小企业融资担保有限公司", "科技创新服务中心", "产业技术研究院",
    "软件行业协会", "中小企业服务平台", "知识产权运营中心", "人才发展集团有限公司",
]  # fmt: skip
VERBS = ["出台了", "印发了", "制定了", "修订了", "落实", "贯彻落实", "研究起草了"]
FILLER = [
    "我们高度重视，认真研究，结合工作实际，积极推动各项政策措施落地见效",
    "下一步，我们将继续加强统筹协调，完善工作机制，持续跟踪评估政策实施效果",
    "通过举办政策宣讲会、组织专题培训、编印政策汇编等方式，提高企业对政策的知晓度",
    "建立健全部门协同机制，加强数据共享和业务协同，推动服务事项网上办、掌上办",
    "截至目前，累计服务企业超过一万家次，有效降低了企业融资成本和制度性交易成本",
    "同时，依托线上平台开展常态化政企沟通，及时回应企业关切，协调解决企业反映的问题",
    "加大对重点领域和薄弱环节的支持力度，引导社会资本参与，形成多元化投入格局",
    "强化考核评价和督促检查，确保各项任务按时保质完成，切实增强企业获得感",
]  # fmt: skip
BRACKETS = [("〔", "〕"), ("[", "]"), ("（", "）"), ("【", "】"), ("〔", "〕"), ("〔", "〕")]
CN_DIGITS = "零一二三四五六七八九"
SECTION_NUMBERS = "一二三四五六七八九十"


def cn_small(n: int) -> str:
    """1..99 in Chinese numerals."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


class LetterMaker:
    """Draws the parts of letters from one random generator."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def pick(self, items: list) -> object:  # noqa: ANN401 — any list item
        return self.r.choice(items)

    def agency(self, region: str, level: str) -> str:
        depts = PROV_DEPARTMENTS if level in ("省", "自治区") else DEPARTMENTS
        return f"{region}{self.pick(depts)}"

    def amount(self) -> str:
        r = self.r
        style = r.randrange(6)
        if style == 0:
            return f"{r.randrange(1, 9999):,}.{r.randrange(10)}万元"
        if style == 1:
            return f"{r.randrange(1, 90) / 10}亿元"
        if style == 2:
            return f"{cn_small(r.randrange(1, 10))}千万元"
        if style == 3:
            return f"{r.randrange(1, 10)}千万元"
        if style == 4:
            return f"{r.randrange(100, 99999)}元"
        return f"{r.randrange(1, 500)}万元"

    def document(self, region: str) -> str:
        r = self.r
        year = r.randrange(2015, 2024)
        left, right = self.pick(BRACKETS)  # type: ignore[misc]
        if r.random() < 0.3:
            _, code = self.pick(CENTRAL)  # type: ignore[misc]
        else:
            code = f"{ISSUER_PREFIX[region]}{self.pick(CODES)}{'规' if r.random() < 0.4 else ''}"
        number = f"{code}{left}{year}{right}{r.randrange(1, 300)}号"
        title = f"{self.pick(ACTIONS)}{self.pick(TOPICS)}发展的{self.pick(DOC_KINDS)}"
        style = r.randrange(3)
        if style == 0:
            return f"《{title}》（{number}）"
        if style == 1:
            return f"《{title}》"
        return f"{number}文件"

    def date(self) -> str:
        r = self.r
        y, m, d = r.randrange(2018, 2024), r.randrange(1, 13), r.randrange(1, 29)
        style = r.randrange(4)
        if style == 0:
            return f"{y}年{m}月{d}日"
        if style == 1:
            return f"{y}-{m:02d}-{d:02d}"
        if style == 2:
            return f"{y}.{m}.{d}"
        cn = "".join(CN_DIGITS[int(c)] for c in str(y)).replace("零", "〇")
        return f"{cn}年{cn_small(m)}月{cn_small(d)}日"

    def sentence(self, region: str) -> str:
        r = self.r
        kind = r.randrange(5)
        if kind == 0:
            return f"{self.pick(VERBS)}{self.document(region)}，明确了支持{self.pick(TOPICS)}的具体举措。"
        if kind == 1:
            fund = f"{region.rstrip('市省')}{self.pick(TOPICS)}{self.pick(FUND_KINDS)}"
            return f"{r.randrange(2019, 2024)}年安排{fund}{self.amount()}，支持项目{r.randrange(5, 400)}个。"
        if kind == 2:
            return f"会同{self.agency(region, '市')}、{self.pick(ORGS)}等单位，{self.pick(FILLER)}。"
        if kind == 3:
            return f"累计为企业减免费用{self.amount()}，带动投资{self.amount()}。"
        return f"{self.pick(FILLER)}。"

    def paragraph(self, region: str, n: int) -> str:
        return "".join(self.sentence(region) for _ in range(n))


def reply(mk: LetterMaker, number: str, session: str, title: str, region: str, level: str) -> str:
    """One reply letter of roughly seed size."""
    r = mk.r
    agency = mk.agency(region, level)
    body = [
        f"{agency}关于对{session}第{number}号提案答复意见的函",
        f"尊敬的{mk.pick(['王', '李', '张', '刘', '陈', '杨'])}{mk.pick(['伟', '芳', '敏', '强', '磊', '静'])}委员：",
        f"您提出的第{number}号提案《{title}》收悉。非常感谢您对{mk.pick(TOPICS)}工作的关心和支持。经认真研究，现答复如下：",
    ]
    for i in range(r.randrange(4, 7)):
        body.append(f"{SECTION_NUMBERS[i]}、关于{mk.pick(TOPICS)}方面")
        body.append(mk.paragraph(region, r.randrange(5, 9)))
        for j in range(r.randrange(0, 3)):
            body.append(f"（{SECTION_NUMBERS[j]}）{mk.pick(ACTIONS)[2:]}{mk.pick(TOPICS)}。{mk.paragraph(region, 3)}")
        if r.random() < 0.5:
            body.append("".join(f"{SECTION_NUMBERS[k]}是{mk.sentence(region)}" for k in range(r.randrange(2, 5))))
    body.append(mk.paragraph(region, 2))
    body.append("再次感谢您对我们工作的关心和支持。")
    body.append(f"联系人：{mk.pick(['周', '吴', '郑', '孙'])}先生，联系电话：0{r.randrange(10, 999)}-{r.randrange(1000000, 99999999)}")
    body.append(agency)
    body.append(mk.date())
    body.append(f"（公开方式：{mk.pick(['主动公开', '依申请公开', '不予公开'])}）")
    body.append(f"抄送：{region}政协提案委员会，{region}人民政府办公厅。")
    return "\n".join(body) + "\n"


def proposal(mk: LetterMaker, number: str | None, session: str, title: str, region: str, level: str) -> str:
    """One proposal form (sometimes without a number, linked to its reply by title)."""
    r = mk.r
    lines = [f"{session}提案", f"提案号：{number or ''}", f"案由：{title}",
             f"提案人：{mk.pick(['王伟', '李芳', '张敏', '民建' + region.rstrip('市省') + '委员会'])}",
             f"办理类型：{mk.pick(['主办', '会办'])}", f"主办单位：{mk.agency(region, level)}",
             f"会办单位：{mk.agency(region, level)}、{mk.agency(region, level)}", "建议："]  # fmt: skip
    for i in range(r.randrange(3, 6)):
        lines.append(f"{cn_small(i + 1)}、{mk.pick(ACTIONS)[2:]}{mk.pick(TOPICS)}。{mk.paragraph(region, 2)}")
    return "\n".join(lines) + "\n"


def generate(n: int, out: Path, seed: int = 1) -> list[Path]:
    """Write ``n`` letters into ``out`` (in sub-folders of 1,000); return their paths."""
    mk = LetterMaker(seed)
    written: list[Path] = []
    i = 0
    while i < n:
        region, level = mk.pick(REGIONS)  # type: ignore[misc]
        term = mk.r.randrange(5, 14)
        body = {"市": "市政协", "省": "省政协", "自治区": "自治区政协"}[level]
        session = f"{body}{cn_small(term)}届{cn_small(mk.r.randrange(1, 6))}次会议"
        number = f"{mk.r.randrange(2018, 2024)}{mk.r.randrange(1, 999):04d}"
        aspect = mk.pick(["高质量发展", "融资难题", "人才支撑", "数字化水平", "政策落地", "服务体系", "创新能力"])
        title = f"{mk.pick(ACTIONS)}{region.rstrip('市省')}{mk.pick(TOPICS)}{aspect}的建议（{mk.r.randrange(1, 10**6)}）"
        texts = [reply(mk, number, session, title, region, level)]
        if mk.r.random() < 0.1 and i + 1 < n:
            texts.append(proposal(mk, number if mk.r.random() < 0.5 else None, session, title, region, level))
        for text in texts:
            path = out / f"{i // 1000:04d}" / f"letter_{i:07d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
            i += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many letters")
    parser.add_argument("out", type=Path, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = generate(args.n, args.out, args.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} letters, {size / 1e6:.1f} MB, into {args.out}")


if __name__ == "__main__":
    main()
