"""Property-based tests: numerals, money, dates and document numbers, and extractor invariants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.extract import extract_text
from policykg.extract.numerals import AMOUNT_RE, DATE_RE, amount_to_cny, cn_to_int, parse_date

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """A reference writer of Chinese numerals (independent of the parser under test)."""
    if n == 0:
        return "零"
    parts = []
    for unit_value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        group, n = divmod(n, unit_value)
        if group:
            parts.append(_below_10000(group) + unit)
        elif parts and n:
            parts.append("零")
    text = "".join(parts)
    return text.replace("零零", "零").rstrip("零") or "零"


def _below_10000(n: int) -> str:
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += DIGITS[d] + unit
        elif out and n:
            out += "零"
    return out.replace("零零", "零")


@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_chinese_numerals_parse_back(n):
    assert cn_to_int(to_chinese(n)) == n


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.sampled_from([("元", 1), ("万元", 10**4), ("亿元", 10**8), ("万亿元", 10**12)]),
)
def test_amount_value_is_exact(value, unit):
    word, factor = unit
    text = f"安排资金{value}{word}用于"
    m = AMOUNT_RE.search(text)
    assert m is not None and m.group(0) == f"{value}{word}"
    assert amount_to_cny(m.group(1), m.group(3)) == value * factor


@given(st.data(), st.sampled_from(["千万元", "万元", "亿元"]))
def test_chinese_amounts_equal_their_arabic_value(data, word):
    # 三千万元, 五百万元, 十二亿元: a count below the unit, as letters write it
    n = data.draw(st.integers(min_value=1, max_value=9 if word == "千万元" else 9999))
    factor = {"千万元": 10**7, "万元": 10**4, "亿元": 10**8}[word]
    m = AMOUNT_RE.search(f"共{to_chinese(n)}{word}")
    assert m is not None
    assert amount_to_cny(m.group(1), m.group(3)) == n * factor


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), st.integers(0, 3))
def test_dates_in_four_styles(day, style):
    y, m, d = day.year, day.month, day.day
    cn_year = "".join("〇一二三四五六七八九"[int(c)] for c in str(y))
    written = [
        f"{y}年{m}月{d}日",
        f"{cn_year}年{to_chinese(m)}月{to_chinese(d)}日",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}.{m}.{d}",
    ][style]
    match = DATE_RE.search(f"签发：{written}")
    assert match is not None and parse_date(match) == day.isoformat()


BRACKETS = [("〔", "〕"), ("[", "]"), ("（", "）"), ("(", ")"), ("［", "］"), ("【", "】")]
CODES = ["深府规", "国办发", "财预", "粤府办", "桂科政字", "浙政发", "工信部联", "国科发政"]


@given(st.sampled_from(CODES), st.integers(1990, 2030), st.integers(1, 999), st.sampled_from(BRACKETS))
def test_document_numbers_round_trip_through_their_parts(code, year, serial, brackets):
    left, right = brackets
    text = f"根据《关于促进发展的若干措施》（{code}{left}{year}{right}{serial}号）要求，现答复如下："
    (rec,) = extract_text(text)
    (doc,) = rec.policy_documents
    assert doc.number == f"{code}〔{year}〕{serial}号"
    assert (doc.issuer_code, doc.year, doc.serial) == (code, year, str(serial))
    assert doc.title == "关于促进发展的若干措施"


NOISE = st.text(
    alphabet=st.sampled_from(list("市局厅委关于提案建议答复《》〔〕（）、，。：\n 0123456789亿万元年月日第号一二三是") + ["\u3000", "\t"]),
    max_size=400,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(NOISE)
def test_extractor_never_raises_and_spans_slice_back(text):
    records = extract_text(text)
    for rec in records:
        for mention in _mentions(rec):
            assert text[mention.start : mention.end] == mention.text
        for amount in rec.amounts:
            assert text[amount.start : amount.end] == amount.text
    assert [r.to_json() for r in extract_text(text)] == [r.to_json() for r in records]  # deterministic


def _mentions(rec):
    for group in (rec.agencies, rec.organizations, rec.policy_documents, rec.funds):
        for item in group:
            yield from item.mentions
    yield from rec.proposal.proposers
    yield from rec.proposal.number_variants
