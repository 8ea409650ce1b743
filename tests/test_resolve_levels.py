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
