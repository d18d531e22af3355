"""Numbers as Chinese letters write them: Arabic, Chinese and mixed numerals, money, dates.

Everything here is exact (Decimal / int), small and regex-free on the hot path.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "萬": Decimal(10) ** 4}

CN_DIGIT_CHARS = "".join(_DIGITS)
CN_NUM_CHARS = CN_DIGIT_CHARS + "".join(_SMALL_UNITS) + "万亿萬"


def cn_to_int(text: str) -> int | None:
    """Convert a Chinese (or mixed) integer numeral to int; None if it is not one.

    >>> cn_to_int("十二"), cn_to_int("二〇二一"), cn_to_int("三千"), cn_to_int("5千")
    (12, 2021, 3000, 5000)
    """
    value = cn_to_decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def cn_to_decimal(text: str) -> Decimal | None:
    """Convert a numeral such as 三千, 1.5万, 十二, 二〇二一, 1,234.5 to a Decimal."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if all(ch in _DIGITS for ch in text):  # positional: 二〇二一
        return Decimal("".join(str(_DIGITS[ch]) for ch in text))
    return _cn_units(text)


def _cn_units(text: str) -> Decimal | None:
    total = Decimal(0)  # sum of completed big-unit groups
    group = Decimal(0)  # current group below 万
    pending: Decimal | None = None  # number waiting for a unit
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":  # an Arabic run inside a Chinese numeral: 1.5万, 5千
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            try:
                pending = Decimal(text[i:j])
            except InvalidOperation:
                return None
            i = j
            continue
        if ch in _DIGITS:
            pending = Decimal(_DIGITS[ch])
        elif ch in _SMALL_UNITS:
            group += (pending if pending is not None else Decimal(1)) * _SMALL_UNITS[ch]
            pending = None
        elif ch in _BIG_UNITS:
            group += pending or 0
            pending = None
            if group == 0:
                group = Decimal(1)
            total = (total + group) * _BIG_UNITS[ch] if ch == "亿" else total + group * _BIG_UNITS[ch]
            group = Decimal(0)
        else:
            return None
        i += 1
    return total + group + (pending or 0)


# An amount: a number (Arabic with , and . or Chinese), an optional 万/亿/万亿/千, then 元.
_CN_RUN = f"[{re.escape(CN_NUM_CHARS)}]+"
# (Callers check that no digit, '.' or ',' precedes a match; a lookbehind here would cost
# the engine its fast first-character scan.)
AMOUNT_RE = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _CN_RUN + r")(\s?)(万亿|千万|百万|亿|万|千)?元(?:人民币)?"
)

_UNIT_FACTORS = {
    None: Decimal(1),
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
}


@lru_cache(maxsize=16384)  # exact and immutable: the same figures recur across letters
def amount_to_cny(number: str, unit: str | None) -> Decimal | None:
    """Exact CNY value of ``number`` × ``unit`` (万, 亿, 万亿 …), trailing zeros dropped.

    >>> amount_to_cny("18456.98", "万"), amount_to_cny("三千", "万"), amount_to_cny("0.5", "亿")
    (Decimal('184569800'), Decimal('30000000'), Decimal('50000000'))
    """
    value = cn_to_decimal(number)
    if value is None:
        return None
    return normalize_decimal(value * _UNIT_FACTORS[unit])


def normalize_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (5E+9 → 5000000000)."""
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


# Dates: 2021年8月4日, 二〇二一年八月四日, 2021-08-04, 2021.8.4, 2021/8/4.
_Y = r"(\d{4}|[〇零○O一二三四五六七八九]{4})"
_MD = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE_RE = re.compile(
    rf"{_Y}\s*年\s*{_MD}\s*月\s*{_MD}\s*日|(\d{{4}})\s*[-./]\s*(\d{{1,2}})\s*[-./]\s*(\d{{1,2}})(?![\d])"
)


def parse_date(match: re.Match[str]) -> str | None:
    """ISO date from a DATE_RE match, or None when the parts are not a real date."""
    parts = [g for g in match.groups() if g is not None]
    if len(parts) != 3:
        return None
    year, month, day = (cn_to_int(p) for p in parts)
    if year is None or month is None or day is None:
        return None
    if not (1949 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
