"""Small closed word lists of Chinese government prose, shared by the extractors.

Names of agencies, organizations and funds are found by walking back from a suffix
(局, 银行, 基金 …); these words end such a walk, because they sit *before* names in
running text (会同市财政局, 鼓励商业银行, 设立…资金池) and almost never inside them.
"""

from __future__ import annotations

from .matcher import register_words

# Verbs and adverbs that precede a name. Words that also occur inside names (服务, 发展,
# 促进, 管理, 投资, 建设, 合作) are deliberately absent.
VERBS_BEFORE_NAMES = (
    "加大", "撬动", "获得", "争取", "加盟", "入库", "设立", "鼓励", "扩大", "推动", "引导", "支持",
    "开展", "建立", "通过", "组织", "成立", "联合", "依托", "发挥", "推进", "加强", "积极", "指导",
    "督促", "协调", "要求", "围绕", "培育", "打造", "建成", "搭建", "认定", "实施", "完善", "落实",
    "贯彻", "出台", "印发", "制定", "发布", "提供", "帮助", "对接", "参与", "牵头", "会同", "配合",
    "委托", "报送", "上报", "提交", "交由", "报请", "按照", "根据", "批复", "同意", "转来", "审议",
    "建议", "目前", "激发", "维护", "包括", "涉及", "覆盖", "汇聚", "集聚", "引进", "吸引", "设置",
    "新设", "增设", "新建", "改建", "拥有", "共有", "累计", "经过", "联系", "单位", "办理", "答复",
    "转交", "交办", "承办", "主办", "会办", "协办", "分办", "抄送", "向", "你", "您",
    "出资", "安排", "拨付", "划拨", "用于", "发起", "利用", "整合", "统筹", "新增", "下达", "使用",
    "开放", "提升", "强化", "申请", "投入", "募集", "增强", "参投", "扶持", "拓宽",
    "规范", "运用", "探索", "同时", "以及", "并且", "已经", "正在", "将会", "及时", "上级",
    "经商", "会商", "商请", "征求", "听取", "高度", "重视", "决策", "缓解", "化解", "促成", "引入",
    "购买", "充实", "兑现", "对接", "所属", "区属", "市属", "省属", "县属", "全市", "全省", "全县",
    "允许", "提高", "检查", "发放", "缩短", "相关", "其中", "组建", "组织开展", "增加", "持续",
    "加快", "已投资", "并投资", "累计投资", "共投资", "投资了",
)  # fmt: skip

register_words("verb", lambda: VERBS_BEFORE_NAMES)
