"""Resolution: jurisdictions, canonical agencies, document issuers, linking across letters."""

from __future__ import annotations

from policykg.extract import extract_text
from policykg.resolve import link_corpus, resolve_record

SHENZHEN_REPLY = """市财政局关于市政协七届一次会议第20210301号提案答复的函
尊敬的王明委员：
您提出的《关于加快发展数字经济的建议》收悉。经研究，现答复如下：
一、关于加大资金支持的建议
我局会同市工信局印发《深圳市数字经济专项资金管理办法》（深财规〔2021〕3号），并按照深数据发〔2021〕9号要求，市财政安排数字经济专项资金5亿元。
感谢您的关心！
深圳市财政局
2021年7月1日
"""

FORM = """标    题：
关于加快发展数字经济的建议
提 出 人：
王明
主办单位：
市财政局
会办单位：
市工信局
意见建议：
建议一、加大资金支持。
建议二、北京市的做法值得借鉴，北京市经信局已有先例。
"""


def _resolved(text: str, path: str):
    records = extract_text(text, path)
    for rec in records:
        resolve_record(rec, text)
    return records


def test_short_forms_resolve_to_the_letters_jurisdiction():
    (rec,) = _resolved(SHENZHEN_REPLY, "reply.txt")
    assert rec.jurisdiction == "深圳市"
    names = {a.name for a in rec.agencies}
    assert {"深圳市财政局", "深圳市工业和信息化局"} <= names
    signer = next(a for a in rec.agencies if a.name == "深圳市财政局")
    assert "我局" in {m.text for m in signer.mentions}  # the pronoun is a mention of the signatory


def test_issuer_from_the_code_table_and_inferred_for_an_unknown_code():
    (rec,) = _resolved(SHENZHEN_REPLY, "reply.txt")
    docs = {d.number: d for d in rec.policy_documents if d.number}
    known = docs["深财规〔2021〕3号"]
    assert (known.issuer, known.issuer_inferred) == ("深圳市财政局", False)
    unknown = docs["深数据发〔2021〕9号"]  # a code the table lacks: the letter's own city issues it
    assert unknown.issuer_inferred is True
    assert unknown.jurisdiction == "深圳市"


def test_issuer_stated_in_the_text_wins_for_an_unnumbered_document():
    text = SHENZHEN_REPLY.replace("（深财规〔2021〕3号）", "")
    (rec,) = _resolved(text, "reply.txt")
    doc = next(d for d in rec.policy_documents if d.title == "深圳市数字经济专项资金管理办法")
    assert doc.issuer == "深圳市财政局"  # 我局…印发《…》


def test_form_takes_the_jurisdiction_of_its_reply_not_a_city_it_mentions():
    (form,) = _resolved(FORM, "form.txt")
    (reply,) = _resolved(SHENZHEN_REPLY, "reply.txt")
    link_corpus([form, reply])
    assert form.proposal_key == reply.proposal_key
    assert form.jurisdiction == "深圳市"
    assert form.proposal.lead_agency.name == "深圳市财政局"
    assert [a.name for a in form.proposal.co_agencies] == ["深圳市工业和信息化局"]
    assert reply.measures[0].suggestion_index == 1
