"""Names told by their role in the sentence (extract/roles.py): written for this test, in
the genre's wording but with other names, places and schemes than the seed letters."""

from __future__ import annotations

import pytest

from policykg.extract import extract_text

HEAD = "关于第35号提案的答复\n王五委员：\n您提出的《关于支持小微企业融资的提案》收悉，现答复如下：\n"
TAIL = "\n\n某某市财政局\n2022年6月1日\n"


def extract(body: str):  # noqa: ANN201
    (rec,) = extract_text(HEAD + body + TAIL)
    return rec


def names(items) -> set[str]:  # noqa: ANN001
    return {i.name for i in items}


@pytest.mark.parametrize(
    ("body", "org"),
    [
        ("但粤科金融作为国有金融机构，应当承担更多责任。", "粤科金融"),
        ("目前只有杭州金投针对初创企业推出了“科创贷”产品。", "杭州金投"),
        ("成都产投于2021年3月8日发布公告，征集合作机构。", "成都产投"),
        ("截至6月底，实施机构浙商担、杭州担保累计受理申请320笔。", "浙商担"),
        ("截至6月底，实施机构浙商担、杭州担保累计受理申请320笔。", "杭州担保"),
        ("我们通过政务服务网、“浙里办”等渠道收集企业诉求。", "浙里办"),
        ("依托长三角技术转移中心平台开展成果对接。", "长三角技术转移中心"),
    ],
)
def test_an_organisation_named_by_its_role(body: str, org: str) -> None:
    rec = extract(body)
    assert org in names(rec.organizations)
    mention = next(o for o in rec.organizations if o.name == org).mentions[0]
    assert (HEAD + body + TAIL)[mention.start : mention.end] == org


@pytest.mark.parametrize(
    "body",
    [
        "下一步，我们将积极作为，加大支持力度。",  # 作为 as a verb, no kind of body after it
        "该企业于2021年3月8日完成注册登记。",  # a date, but nothing issued
        "我市推出了一批惠企政策，取得良好成效。",  # launched, but no quoted product
    ],
)
def test_no_organisation_without_the_role(body: str) -> None:
    assert not extract(body).organizations


def test_a_platform_still_to_be_built_is_a_description_not_a_name() -> None:
    rec = extract("下一步将打造一站式中小企业综合金融服务平台。我市已建成市中小企业融资服务平台。")
    assert names(rec.organizations) == {"市中小企业融资服务平台"}


def test_the_group_someone_leads_is_an_agency() -> None:
    rec = extract("疫情发生后，成立了由分管副市长为组长的复工复产专班，统筹协调企业复工。")
    assert "复工复产专班" in names(rec.agencies)


@pytest.mark.parametrize(
    ("body", "fund"),
    [
        ("二是实施科技券项目，支持企业购买检测服务。", "科技券项目"),
        ("同时联合“苏科贷”等贴息政策，降低企业融资成本。", "苏科贷"),
    ],
)
def test_schemes_told_by_their_kind(body: str, fund: str) -> None:
    assert fund in names(extract(body).funds)


def test_a_name_already_found_is_not_found_twice() -> None:
    rec = extract("深圳市高新投集团有限公司作为国有金融机构，发挥了重要作用。")
    assert [o.name for o in rec.organizations].count("深圳市高新投集团有限公司") == 1
    assert all(len(o.mentions) == 1 for o in rec.organizations)


@pytest.mark.parametrize(
    ("body", "org"),
    [
        ("市产业基金已投资星河微电子科技股份有限公司等12个项目。", "星河微电子科技股份有限公司"),
        ("引导基金累计投资蓝海生物医药有限公司3000万元。", "蓝海生物医药有限公司"),
    ],
)
def test_a_company_invested_in_starts_after_the_verb(body: str, org: str) -> None:
    """投资 is inside many names (投资集团), so it ends a walk only after 已, 累计 …"""
    found = names(extract(body).organizations)
    assert org in found and not any(n.endswith(org) and n != org for n in found), found
