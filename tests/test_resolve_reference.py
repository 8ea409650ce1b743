"""The reference data behind resolution: complete, consistent, and readable by other parts of the project."""
from __future__ import annotations

from policykg.ontology import reference as ref

REQUIRED_FUNCTIONS = """government education hrss development-reform finance industry-it science-technology
agriculture-rural natural-resources commerce foreign-affairs state-assets taxation market-regulation audit
culture-tourism sports veterans poverty-alleviation government-services organization publicity establishment
discipline-inspection party-history trade-union youth-league women-federation federation-industry-commerce
vocational-education-society industry-regulators institution""".split()


def test_function_scheme_has_the_required_codes_with_labels():
    functions = ref.functions()
    assert set(REQUIRED_FUNCTIONS) <= set(functions)
    for f in functions.values():
        assert f.zh and f.en
    assert ref.function_label("education") == "教育" and ref.function_label("education", "en") == "Education"


def test_all_provinces_and_prefectures():
    g = ref.gazetteer()
    assert len(g.provinces) == 31
    prefecture_level = [j for js in g.by_name.values() for j in js if j.level == "municipal" and j.type != "new-area"]
    assert len(prefecture_level) == 333
    assert len(ref.prefectures("辽宁省")) == 14 and "锦州市" in ref.prefectures("辽宁省")
    assert len(ref.prefectures("江西省")) == 11
    assert ref.prefectures("北京市") == []


def test_counties_the_examples_need():
    g = ref.gazetteer()
    jiangyin = g.lookup("江阴市")
    assert (jiangyin.level, jiangyin.prefecture, jiangyin.province, jiangyin.parent) == ("county", "无锡市", "江苏省", "无锡市")
    assert g.lookup("共青城市").prefecture == "九江市"
    assert g.lookup("海淀区").province == "北京市"
    assert g.lookup("赣江新区").type == "new-area"
    # a name used by two districts is found in the province asked for
    assert g.lookup("朝阳区", "吉林省").province == "吉林省"
    assert g.lookup("朝阳区", "北京市").province == "北京市"


def test_members_expand_a_collective():
    g = ref.gazetteer()
    assert {j.name for j in g.members("辽宁省", "municipal")} >= {"沈阳市", "大连市", "锦州市"}
    assert len(g.members("全国", "provincial")) == 31
    assert "江阴市" in {j.name for j in g.members("无锡市", "county")}


def test_national_bodies_are_consistent():
    bodies = ref.national_bodies()
    index = ref.national_name_index()           # raises on a name used by two bodies
    for needed in ("教育部", "人力资源社会保障部", "财政部", "国家发展改革委", "工业和信息化部", "农业农村部",
                   "国务院扶贫办", "国务院学位委员会", "中央组织部", "中央宣传部", "中央编办", "全国总工会",
                   "共青团中央", "全国妇联", "全国工商联", "中华职业教育社"):
        assert needed in index, needed
    for body in bodies.values():
        assert body.kind in ("government", "party", "mass-organisation", "institution")
        assert body.en and body.name


def test_national_names_that_are_also_local_cores_are_only_the_mass_organisations_with_branches():
    """A bare local name (发展改革委, 国资委) must stay local in a local list, so it cannot be a national alias;
    the one allowed overlap is a mass organisation whose local branches carry the same name."""
    cores = ref.core_index()                     # raises on a core claimed by two counterparts
    clash = sorted(set(ref.national_name_index()) & set(cores))
    assert clash == ["中华职业教育社"]


def test_counterparts_share_ids_with_their_national_bodies():
    cps = ref.counterparts()
    for cid in ("education", "hrss", "development-reform", "finance", "industry-it", "agriculture-rural",
                "poverty-alleviation", "organization", "publicity", "establishment", "trade-union"):
        assert cps[cid].national is not None, cid
        assert cps[cid].function == cps[cid].national.function


def test_collective_and_division_data_load():
    quantifiers, members = ref.collectives()
    assert quantifiers["各"] == "各" and quantifiers["有关"] == "相关"
    assert {m.id for m in members} >= {"municipal-governments", "industry-departments", "vocational-colleges"}
    divisions = ref.education_divisions()
    assert divisions["职教处"].name == "职业教育处" and divisions["考试院"].distinctive
    assert "教务处" in ref.school_units()["units"]


def test_counties_of_a_city():
    assert "江阴市" in ref.counties("无锡市")
    assert "海淀区" in ref.counties("北京市")
