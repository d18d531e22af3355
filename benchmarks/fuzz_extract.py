"""A long fuzz campaign for the extractor, outside CI: hypothesis generates letter-shaped text.

Invariants checked on every example: extraction never raises; every mention's span slices
back to its text; every amount's value equals what its written form says; every document
number round-trips through its parts; extraction is deterministic; the record's RDF parses.

    python benchmarks/fuzz_extract.py --examples 20000
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.extract import extract_text
from policykg.extract.numerals import amount_to_cny
from policykg.rdf import record_quads, serialize_quads

BRACKETS = [("〔", "〕"), ("[", "]"), ("（", "）"), ("(", ")"), ("［", "］"), ("【", "】")]
CODES = ["深府规", "国办发", "财预", "粤府办", "桂科政字", "浙政发", "工信部联", "国科发政", "苏环发", "某某发"]
UNITS = ["元", "万元", "亿元", "千万元", "万亿元"]
NOISE = list("　 \t\r\n\x0b，。、；：“”《》（）〔〕【】0123456789一二三四五六七八九十百千万亿元号第年月日市省区县局厅委")

doc_number = st.builds(
    lambda code, year, serial, br: f"{code}{br[0]}{year}{br[1]}{serial}号",
    st.sampled_from(CODES), st.integers(1990, 2030), st.integers(1, 999), st.sampled_from(BRACKETS),
)
amount = st.one_of(
    st.builds(lambda n, unit: f"{n}{unit}", st.one_of(st.integers(1, 99999).map(str),
              st.decimals(0, 9999, places=2).map(str)), st.sampled_from(UNITS)),
    st.builds(lambda n, unit: f"{n}{unit}", st.sampled_from(["三千", "五百", "十二", "两", "一千二百"]),
              st.sampled_from(["元", "万元", "亿元"])),
)  # fmt: skip
sentence = st.one_of(
    st.builds(lambda t, n: f"印发《关于{t}的实施办法》（{n}）。", st.text(alphabet="加强促进中小企业发展科技金融", min_size=2, max_size=12), doc_number),
    st.builds(lambda a: f"市财政安排专项资金{a}，用于支持。", amount),
    st.builds(lambda a: f"设立规模为{a}的风险补偿资金池。", amount),
    st.builds(lambda n: f"按照{n}文件要求，我局会同市发展改革委认真落实。", doc_number),
    st.text(alphabet=NOISE, max_size=30),
)  # fmt: skip
letter = st.builds(
    lambda num, who, body, sign, date: (
        f"市工业和信息化局关于对市政协七届一次会议第{num}号提案答复意见的函\n{who}委员：\n"
        f"您提出的《关于加快发展的建议》收悉，现答复如下：\n{body}\n{sign}\n{date}\n抄送：市政协提案委。"
    ),
    st.integers(1, 99999999),
    st.sampled_from(["刘丹宁", "张三、李四", "市政协经济委"]),
    st.lists(st.one_of(st.just("一、关于资金支持\n"), st.just("（一）"), st.just("一是"), sentence), max_size=25).map("".join),
    st.sampled_from(["深圳市工业和信息化局", "某某县人民政府办公室", ""]),
    st.sampled_from(["2021年8月4日", "二〇二一年八月四日", "2021-08-04", "2021.8.4", "2019615"]),
)  # fmt: skip


def check(text: str) -> None:
    records = extract_text(text)
    for rec in records:
        for group in (rec.agencies, rec.organizations, rec.policy_documents, rec.funds):
            for item in group:
                for m in item.mentions:
                    assert text[m.start : m.end] == m.text, (m, text[m.start : m.end])
        for a in rec.amounts:
            assert text[a.start : a.end] == a.text
            number, unit = _split_amount(a.text)
            assert amount_to_cny(number, unit) == a.value_cny and isinstance(a.value_cny, Decimal)
        for doc in rec.policy_documents:
            if doc.number and doc.year:
                assert doc.number == f"{doc.issuer_code}〔{doc.year}〕{doc.serial}号"
        serialize_quads(record_quads(rec, text), "nquads")
    assert [r.to_json() for r in extract_text(text)] == [r.to_json() for r in records]


def _split_amount(text: str) -> tuple[str, str | None]:
    """Independent reading of an amount: Arabic digits × unit, or a whole Chinese numeral."""
    core = text.removesuffix("人民币").removesuffix("元").rstrip()
    if not core[:1].isdigit():
        return core, None  # 一千二百万: the numeral carries its own units
    for unit in ("万亿", "千万", "百万", "亿", "万", "千"):
        if core.endswith(unit):
            return core[: -len(unit)].strip(), unit
    return core, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args()
    start = time.perf_counter()

    @settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(letter)
    def run(text: str) -> None:
        check(text)

    run()
    print(f"{args.examples} generated letters, every invariant held ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
