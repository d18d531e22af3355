"""Funds and the amounts joined to them (extract/money.py): sentences written for this test
in the genre's wording, with other names, places and sums than the letters in data/ and
tests/corpus/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policykg.extract import extract_text

HEAD = "关于第12号提案的答复\n李四委员：\n您提出的《关于加大产业扶持力度的提案》收悉，现答复如下：\n"
TAIL = "\n\n某某市财政局\n2023年5月10日\n"


def funds(body: str) -> dict[str, str | None]:
    (rec,) = extract_text(HEAD + body + TAIL)
    return {f.name: f.amount for f in rec.funds}


@pytest.mark.parametrize(
    ("body", "fund", "amount"),
    [
        # the size of a fund, in the next clause of the sentence
        ("市政府出资设立芜湖市新兴产业引导基金，首期规模20亿元，重点投向智能装备。", "芜湖市新兴产业引导基金", "20亿元"),
        ("去年我们组建了县域经济发展基金，总规模达5亿元。", "县域经济发展基金", "5亿元"),
        # 资金规模 is the fund's size, not the start of another word (基金规范 / 资金使用)
        ("今年将应急转贷资金规模扩大至8亿元，惠及企业300家。", "应急转贷资金", "8亿元"),
        # an allocation joined by 安排 / 下达 / 累计投入
        ("省里设立海洋经济科技专项，安排经费1500万元。", "海洋经济科技专项", "1500万元"),
        ("自设立以来，市级文旅融合专项资金已累计投入超过3.2亿元。", "市级文旅融合专项资金", "3.2亿元"),
        # a voucher scheme with its money is a fund
        ("全年向中小企业发放工业设计创新券860万元，用于购买设计服务。", "工业设计创新券", "860万元"),
        ("今年安排文旅消费券资金3000万元，分四批投放。", "文旅消费券资金", "3000万元"),
    ],
)
def test_a_fund_and_its_amount(body: str, fund: str, amount: str) -> None:
    found = funds(body)
    assert found.get(fund) == amount, found


@pytest.mark.parametrize(
    "body",
    [
        "我市将继续实施创新券项目，并推广科技创新券的使用。",  # vouchers without money: a scheme
        "持续增加转移支付规模，向困难地区倾斜。",  # a heading about a kind of money
    ],
)
def test_no_fund_without_a_name_or_money(body: str) -> None:
    found = funds(body)
    assert not any(name.endswith(("券", "转移支付")) for name in found), found


def test_a_fund_amount_far_away_is_not_joined() -> None:
    found = funds("设立中小企业发展基金。此外，我市全年减税降费共计12亿元。")
    assert found == {"中小企业发展基金": None}


def test_the_amount_of_a_fund_is_exact_yuan() -> None:
    (rec,) = extract_text(HEAD + "设立生物医药产业基金，首期规模1.25亿元。" + TAIL)
    (fund,) = rec.funds
    assert fund.amount_cny == Decimal("125000000")


def test_a_programme_inside_a_fund_name_is_not_a_second_fund() -> None:
    """安居工程 is a programme suffix, but here it is part of the fund's name."""
    assert funds("今年下达农村危房改造工程补助资金2.5亿元。") == {"农村危房改造工程补助资金": "2.5亿元"}


def test_a_programme_and_its_money_is_a_fund() -> None:
    found = funds("乡村教师培训计划资助金额约1200万元，覆盖教师3000人。")
    assert found == {"乡村教师培训计划": "1200万元"}


@pytest.mark.parametrize(
    ("body", "fund", "amount"),
    [
        # a verb that says what the money is for is part of the name, not where it starts
        ("今年省财政下达我市湿地资源提升补助资金3200万元。", "湿地资源提升补助资金", "3200万元"),
        ("县里争取到废旧物资循环利用奖补资金680万元。", "废旧物资循环利用奖补资金", "680万元"),
        # a verb that moves the money is not
        ("市财政局下达配套资金900万元，用于校舍维修。", "配套资金", "900万元"),
    ],
)
def test_a_purpose_verb_before_a_kind_of_money_belongs_to_the_name(body: str, fund: str, amount: str) -> None:
    found = funds(body)
    assert found.get(fund) == amount, found


@pytest.mark.parametrize(
    ("body", "fund", "amount"),
    [
        ("2022年，中央对地方转移支付安排9.7万亿元，比上年增长18%。", "中央对地方转移支付", "9.7万亿元"),
        ("省对下转移支付达到1260亿元，重点向山区县倾斜。", "省对下转移支付", "1260亿元"),
    ],
)
def test_a_transfer_between_levels_of_government_is_named_by_them(body: str, fund: str, amount: str) -> None:
    found = funds(body)
    assert found.get(fund) == amount, found
