"""Small cases of the genre's variations, each with the facts a careful reader expects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policykg.extract import extract_text

FORM_FIELDS = {
    "标    题": "关于加快建设城市绿道的建议",
    "提 出 人": "张明",
    "办理类型": "主办会办",
    "主办单位": "市城市管理和综合执法局",
    "会办单位": "市规划和自然资源局,市财政局",
    "意见建议": "建议一、建议加快规划。\n建议二、建议加大投入。",
}


def form_without(missing: str) -> str:
    return "\n".join(f"\t{k}：\n\t{v}\n" for k, v in FORM_FIELDS.items() if k != missing)


@pytest.mark.parametrize("missing", list(FORM_FIELDS))
def test_a_proposal_form_with_one_field_missing_keeps_the_others(missing):
    (rec,) = extract_text(form_without(missing))
    assert rec.kind == "proposal"
    p = rec.proposal
    expect = {
        "标    题": (p.title, "关于加快建设城市绿道的建议"),
        "提 出 人": ([m.text for m in p.proposers], ["张明"]),
        "主办单位": (p.lead_agency.text if p.lead_agency else None, "市城市管理和综合执法局"),
        "会办单位": ([a.text for a in p.co_agencies], ["市规划和自然资源局", "市财政局"]),
        "意见建议": ([s.label for s in p.suggestions], ["建议一", "建议二"]),
    }
    for field, (got, want) in expect.items():
        if field == missing:
            assert not got, f"{field} is missing but {got!r} was extracted"
        else:
            assert got == want, field


@pytest.mark.parametrize(
    ("written", "value"),
    [("0.5亿元", "50000000"), ("1,234.5万元", "12345000"), ("三千万元", "30000000"), ("5千万元", "50000000"),
     ("1.2万亿元", "1200000000000"), ("300万元人民币", "3000000"), ("2000元", "2000"), ("十二亿元", "1200000000")],
)  # fmt: skip
def test_amounts_as_written_and_exact(written, value):
    (rec,) = extract_text(f"经研究，现答复如下：今年安排{written}用于支持。")
    assert [(a.text, a.value_cny) for a in rec.amounts] == [(written, Decimal(value))]


@pytest.mark.parametrize(
    "date", ["2021年8月4日", "二〇二一年八月四日", "2021-08-04", "2021.8.4"]
)
def test_signature_dates_in_four_styles(date):
    text = f"关于第12号建议的答复\n张三代表：\n您提出的《关于修路的建议》收悉，现答复如下：\n已安排。\n\n某某县交通运输局\n{date}\n"
    (rec,) = extract_text(text)
    assert rec.reply.date == "2021-08-04"
    assert rec.reply.agency.text == "某某县交通运输局"


def test_signatory_and_date_on_one_line():
    text = "关于第12号建议的答复\n张三代表：\n您提出的《关于修路的建议》收悉，现答复如下：\n已安排。\n某某县交通运输局 2021年8月4日\n"
    (rec,) = extract_text(text)
    assert (rec.reply.agency.text, rec.reply.date) == ("某某县交通运输局", "2021-08-04")


def test_a_header_with_no_number_has_no_number():
    text = "关于城市绿道建设的答复\n李四委员：\n您提出的《关于城市绿道建设的提案》收悉，现答复如下：\n正在推进。\n市园林局\n2022年3月1日\n"
    (rec,) = extract_text(text)
    assert rec.proposal.number is None and rec.proposal.title == "关于城市绿道建设的提案"


@pytest.mark.parametrize(
    ("written", "number"),
    [("国务院令第722号", "国务院令第722号"), ("财政部令第105号", "财政部令第105号"), ("第12号令", "第12号令")],
)
def test_document_numbers_with_no_year(written, number):
    (rec,) = extract_text(f"经研究，现答复如下：按照《优化营商环境条例》（{written}）执行。")
    assert [(d.number, d.year) for d in rec.policy_documents] == [(number, None)]


def test_title_number_inside_the_quotes_and_an_alias():
    text = ("经研究，现答复如下：制定《某某实施办法（试行）（粤科政字〔2020〕81号）》，"
            "并印发《关于促进发展的若干措施》（粤府〔2021〕3号，以下简称《若干措施》）。落实《若干措施》。")  # fmt: skip
    (rec,) = extract_text(text)
    docs = {d.number: d for d in rec.policy_documents}
    assert docs["粤科政字〔2020〕81号"].title == "某某实施办法（试行）"
    assert docs["粤府〔2021〕3号"].aliases == ["若干措施"]
    assert len(docs["粤府〔2021〕3号"].mentions) == 4  # title, number, the alias defined, the alias used
    assert len(rec.policy_documents) == 2


def test_the_proposals_own_title_is_not_a_policy_document():
    text = "关于第5号提案的答复\n王五委员：\n您提出的《关于加强社区养老服务的提案》收悉，现答复如下：\n已办理。\n"
    (rec,) = extract_text(text)
    assert rec.proposal.title == "关于加强社区养老服务的提案"
    assert rec.policy_documents == []
