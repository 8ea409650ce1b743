"""Levels of department mentions read against their document (ontology/resolve.py), on made-up mentions.

Expected (kind, level, jurisdiction, function) written by hand from how Chinese administration is laid out:
a city's districts are county-level (各区X局 in a city's list = the districts' bureaus, one level below the
city); a place named in its own document takes the document's level, not the gazetteer's (江阴 is a
county-level city, but its own list is a municipal document here, as the examples' manifest says).
"""
from __future__ import annotations

import pytest

from policykg.ontology.resolve import Context, get_resolver

CITY = Context(level="municipal", jurisdiction="苏州市")
PROVINCE = Context(level="provincial", jurisdiction="江西省")
JIANGYIN_MUNICIPAL = Context(level="municipal", jurisdiction="江阴市")     # how the examples' manifest reads 003
JIANGYIN_COUNTY = Context(level="county", jurisdiction="江阴市")


def _facts(mention: str, ctx: Context) -> tuple:
    r = get_resolver().resolve(mention, ctx)
    return r.kind, r.level, r.jurisdiction, r.function


@pytest.mark.parametrize("mention, expected", [
    ("各区教育局", ("collective", "county", "苏州市", "education")),
    ("各区人力资源和社会保障局", ("collective", "county", "苏州市", "hrss")),
    ("各区财政局", ("collective", "county", "苏州市", "finance")),
    ("各区人民政府", ("collective", "county", "苏州市", "government")),
    ("各区", ("collective", "county", "苏州市", "government")),
    ("区教育局", ("collective", "county", "苏州市", "education")),     # the districts', in a city's list
    ("市教育局", ("government", "municipal", "苏州市", "education")),
    ("各县（市、区）人民政府", ("collective", "county", "苏州市", "government")),
])
def test_district_bodies_in_a_city_are_one_level_below_it(mention, expected):
    assert _facts(mention, CITY) == expected


@pytest.mark.parametrize("mention, expected", [
    ("各市教育局", ("collective", "municipal", "江西省", "education")),
    ("各县（市、区）人民政府", ("collective", "county", "江西省", "government")),
    ("各市人民政府", ("collective", "municipal", "江西省", "government")),
    ("省教育厅", ("government", "provincial", "江西省", "education")),
    ("南昌市教育局", ("government", "municipal", "南昌市", "education")),
])
def test_bodies_below_a_province(mention, expected):
    assert _facts(mention, PROVINCE) == expected


@pytest.mark.parametrize("mention", ["江阴市教育局", "市教育局", "江阴市", "江阴市人民政府"])
def test_a_documents_own_place_takes_the_documents_level(mention):
    kind, level, jurisdiction, _ = _facts(mention, JIANGYIN_MUNICIPAL)
    assert (level, jurisdiction) == ("municipal", "江阴市")       # the gazetteer says county; the document wins
    kind, level, jurisdiction, _ = _facts(mention, JIANGYIN_COUNTY)
    assert (level, jurisdiction) == ("county", "江阴市")


def test_the_gazetteer_level_for_a_place_that_is_not_the_documents():
    assert _facts("江阴市教育局", CITY) == ("government", "county", "江阴市", "education")
    assert _facts("江阴市", CITY) == ("government", "county", "江阴市", "government")
    assert _facts("无锡市教育局", JIANGYIN_COUNTY) == ("government", "municipal", "无锡市", "education")
    assert _facts("苏州市", CITY) == ("government", "municipal", "苏州市", "government")


def test_a_county_documents_city_is_its_prefecture():
    # 市X局 in a county's list: the county-level city itself when it is one (江阴市), else the prefecture
    assert _facts("市教育局", Context(level="county", jurisdiction="江阴市"))[1:3] == ("county", "江阴市")
    assert _facts("市教育局", Context(level="county", jurisdiction="沛县"))[1:3] == ("municipal", "徐州市")
    assert _facts("县教育局", Context(level="county", jurisdiction="沛县"))[1:3] == ("county", "沛县")


def test_a_national_document_reads_national_bodies_and_provinces():
    nat = Context(level="national", jurisdiction="全国")
    assert _facts("教育部", nat) == ("government", "national", "全国", "education")
    assert _facts("江西省教育厅", nat) == ("government", "provincial", "江西省", "education")
    assert _facts("各省级人民政府", nat)[:2] == ("collective", "provincial")


# Found while writing these tests (issue 19): the counties' bureaus of one line, the counties written with their
# bracketed kinds or as 区县/县区 (read by the kinds of jurisdiction in collectives.yaml since issue 14).
@pytest.mark.parametrize("mention, function", [
    ("各县（市、区）教育局", "education"), ("各县(市、区)财政局", "finance"), ("各区县教育局", "education"),
    ("各县区教育局", "education"),
])
def test_county_bureaus_written_with_their_kinds(mention, function):
    assert _facts(mention, CITY) == ("collective", "county", "苏州市", function)


# More hand-read cases (issue 19, from the resolver's surviving mutants).
NANCHANG = Context(level="municipal", jurisdiction="南昌市")
SHUFU = Context(level="county", jurisdiction="疏附县")        # a county of 喀什地区 (a prefecture-level 地区)
JIANGXI = Context(level="provincial", jurisdiction="江西省")


@pytest.mark.parametrize("mention, ctx, expected", [
    ("市教育局", JIANGXI, ("collective", "municipal", "江西省", "education")),     # the province's cities
    ("县教育局", NANCHANG, ("collective", "county", "南昌市", "education")),       # the city's counties
    ("各级教育部门", JIANGXI, ("collective", "municipal", "江西省", "education")),  # 各级: the levels below
    ("地区教育局", SHUFU, ("government", "municipal", "喀什地区", "education")),
    ("地委组织部", SHUFU, ("party", "municipal", "喀什地区", "organization")),
    ("地区教育局", Context(level="municipal", jurisdiction="喀什地区"),
     ("government", "municipal", "喀什地区", "education")),
    ("江西省委", JIANGXI, ("party", "provincial", "江西省", "party-committee")),
    ("南昌市委", JIANGXI, ("party", "municipal", "南昌市", "party-committee")),
    ("中共中央组织部", Context(level="national", jurisdiction="全国"), ("party", "national", "全国", "organization")),
    ("中央组织部", Context(level="national", jurisdiction="全国"), ("party", "national", "全国", "organization")),
    ("甲乙公司", JIANGXI, ("institution", "institution", "江西省", "enterprises")),
    ("市教育局", Context(), ("government", "municipal", None, "education")),       # nothing known of the document
])
def test_more_levels_read_against_the_document(mention, ctx, expected):
    assert _facts(mention, ctx) == expected


def test_a_mention_no_rule_reads_comes_back_unresolved_with_its_text():
    from policykg.ontology.resolve import coverage

    r = get_resolver().resolve("不知所云的东西", JIANGXI)
    assert (r.kind, r.resolved, r.name, r.key, r.level) == (
        "unresolved", False, "不知所云的东西", "unresolved/不知所云的东西", None)
    assert get_resolver().resolve("甲公司", JIANGXI).resolved is False     # too short for an enterprise's name
    assert coverage([]) == 1.0
    assert coverage([r, get_resolver().resolve("省教育厅", JIANGXI)]) == 0.5


def test_level_ranks():
    from policykg.ontology.resolve import rank

    assert [rank(lv) for lv in ("national", "provincial", "municipal", "county", "institution")] == [0, 1, 2, 3, 4]
    assert rank(None) == -1 and rank("town") == -1


def test_only_placed_collectives_expand():
    from policykg.ontology.resolve import expand_collective

    resolver = get_resolver()
    assert expand_collective(resolver.resolve("省教育厅", JIANGXI)) == []                     # not a collective
    assert expand_collective(resolver.resolve("各市教育局", Context(level="provincial"))) == []   # no jurisdiction
    cities = expand_collective(resolver.resolve("各市教育局", JIANGXI))
    assert len(cities) == 11 and {c.level for c in cities} == {"municipal"}       # Jiangxi's 11 cities
    assert "南昌市教育局" in {c.name for c in cities}


JIANGSU = Context(level="provincial", jurisdiction="江苏省")
SCHOOL = Context(level="provincial", jurisdiction="辽宁省", institution="锦州师范高等专科学校", school=True)


@pytest.mark.parametrize("mention, ctx, expected", [
    # (kind, level, jurisdiction, function, canonical name, parent)
    ("省教育厅职教处", JIANGSU, ("division", "provincial", "江苏省", "education", "江苏省教育厅职业教育处", "江苏省教育厅")),
    ("江苏省教育厅考试院", JIANGSU, ("division", "provincial", "江苏省", "education", "江苏省教育厅教育考试院",
                                    "江苏省教育厅")),
    ("省教育厅（省委教育工委）", JIANGSU, ("government", "provincial", "江苏省", "education", "江苏省教育厅", None)),
    ("省教育厅(牵头)", JIANGSU, ("government", "provincial", "江苏省", "education", "江苏省教育厅", None)),
    ("不知 所云的东西", JIANGSU, ("unresolved", None, None, None, "不知所云的东西", None)),
    ("中共江苏省委宣传部", JIANGSU, ("party", "provincial", "江苏省", "publicity", "中共江苏省委宣传部", None)),
    ("省委", JIANGSU, ("party", "provincial", "江苏省", "party-committee", "中共江苏省委", None)),
    ("江苏省委", JIANGSU, ("party", "provincial", "江苏省", "party-committee", "中共江苏省委", None)),
    ("中共中央宣传部", JIANGSU, ("party", "national", "全国", "publicity", "中共中央宣传部", None)),
    ("国家税务总局江苏省税务局", JIANGSU, ("government", "provincial", "江苏省", "taxation", "国家税务总局江苏省税务局",
                                          None)),
    ("共青团江苏省委", JIANGSU, ("mass-organisation", "provincial", "江苏省", "youth-league", "共青团江苏省委员会", None)),
    ("团省委", JIANGSU, ("mass-organisation", "provincial", "江苏省", "youth-league", "共青团江苏省委员会", None)),
    ("教务处", SCHOOL, ("division", "institution", "辽宁省", "institution", "锦州师范高等专科学校教务处",
                      "锦州师范高等专科学校")),
    ("学校", SCHOOL, ("institution", "institution", "辽宁省", "institution", "锦州师范高等专科学校", None)),
    ("相关学院", SCHOOL, ("collective", "institution", "辽宁省", "institution", "相关学院", "锦州师范高等专科学校")),
    ("省教育厅", SCHOOL, ("government", "provincial", "辽宁省", "education", "辽宁省教育厅", None)),  # not the school's
    ("教育部", SCHOOL, ("government", "national", "全国", "education", "教育部", None)),
    ("各开发区管委会", CITY, ("collective", "county", "苏州市", "government", "各开发区（园区）管委会", None)),
    ("市委", CITY, ("party", "municipal", "苏州市", "party-committee", "中共苏州市委", None)),
    ("苏州工业园区管委会", CITY, ("government", "county", "苏州工业园区", "government", "苏州工业园区管理委员会", None)),
])
def test_compounds_notes_party_bodies_and_a_schools_own_units(mention, ctx, expected):
    r = get_resolver().resolve(mention, ctx)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.name, r.parent) == expected


def test_a_division_is_named_in_english_after_its_parent():
    r = get_resolver().resolve("省教育厅职教处", JIANGSU)
    assert r.name_en == "Vocational Education Division, Department of Education, Jiangsu Province"
