"""Small hand-read cases of department resolution, one rule of ontology/resolve.py at a time (issue 19).

Every expected value is read from how Chinese bodies are named (place or level marker + function words +
suffix) and from the document the mention stands in, not from the resolver's output:
- a level marker without a place (市教育局) names the document's own body of that level, or, in a document of a
  higher level, several bodies below it (市委 in a national list = the cities' party committees);
- a function word alone (人社部门, 医保, 公积金管理中心) is the document's own line or body;
- a unit (处, 科, 中心, 窗口) without a body before it belongs to the document's issuer, never when it names a
  place of its own (市发改委行政审批科) or when the words before it name another body (科技处 is not a 处 of the
  science bureau);
- townships (乡镇) and development zones are several bodies below a county or a city, recorded at county level.
"""
from __future__ import annotations

import pytest

from policykg.ontology.resolve import Context, get_resolver

NATIONAL = Context("national", "全国")
JIANGSU = Context("provincial", "江苏省")
LIAONING = Context("provincial", "辽宁省")
SUZHOU = Context("municipal", "苏州市")
WUHAN = Context("municipal", "武汉市")
SUZHOU_ANHUI = Context("municipal", "宿州市")
PEIXIAN = Context("county", "沛县")          # a county of 徐州市
KUNSHAN = Context("county", "昆山市")        # a county-level city under 苏州市
SCHOOL = Context("provincial", "辽宁省", institution="锦州师范高等专科学校", school=True)   # its own columns


def _facts(mention: str, ctx: Context) -> tuple:
    r = get_resolver().resolve(mention, ctx)
    return r.kind, r.level, r.jurisdiction, r.function, r.name


def _with_host(ctx: Context, issuer: str) -> Context:
    """The document's context with its issuing body (the issuer as it resolves in that document)."""
    host = get_resolver().resolve(issuer, ctx)
    return Context(ctx.level, ctx.jurisdiction, host=host, host_key=host.key)


# --- a level marker in a document whose level is known but whose place is not ----------------------------------

@pytest.mark.parametrize("mention, ctx, expected", [
    ("市教育局", Context(level="municipal"), ("government", "municipal", None, "education", "市教育局")),
    ("县教育局", Context(level="county"), ("government", "county", None, "education", "县教育局")),
    ("省教育厅", Context(level="provincial"), ("government", "provincial", None, "education", "省教育厅")),
    ("市委", Context(level="municipal"), ("party", "municipal", None, "party-committee", "中共市委")),
])
def test_a_marker_names_the_documents_own_body_when_its_place_is_unknown(mention, ctx, expected):
    # one body of the document's own level, named by its level alone: not several (各市教育局), not unnamed
    assert _facts(mention, ctx) == expected


def test_a_county_marker_in_a_county_level_citys_list_is_that_city():
    # 县X局 in Kunshan's own list: the county-level body of the document, 昆山市's; never the prefecture's
    assert _facts("县教育局", KUNSHAN) == ("government", "county", "昆山市", "education", "昆山市教育局")


@pytest.mark.parametrize("mention, ctx, expected", [
    ("市委", NATIONAL, ("collective", "municipal", "全国", "party-committee")),     # the cities' party committees
    ("县委", SUZHOU, ("collective", "county", "苏州市", "party-committee")),         # the city's counties'
    ("县委", PEIXIAN, ("party", "county", "沛县", "party-committee")),               # the county's own
])
def test_a_party_committee_marker_below_the_document_is_several(mention, ctx, expected):
    assert _facts(mention, ctx)[:4] == expected


# --- function words alone: the document's line or body ------------------------------------------------------

@pytest.mark.parametrize("mention, expected", [
    ("人社部门", ("collective", "municipal", "苏州市", "hrss", "人社部门")),
    ("医保", ("collective", "municipal", "苏州市", "medical-security", "医保部门")),     # 医保 = the 医保 departments
    ("公积金管理中心", ("government", "municipal", "苏州市", "housing-urban-rural", "苏州市住房公积金管理中心")),
    ("储备中心", ("government", "municipal", "苏州市", "natural-resources", "苏州市土地储备中心")),
])
def test_function_words_alone_are_the_documents(mention, expected):
    assert _facts(mention, SUZHOU) == expected


# --- kinds of jurisdiction: zones ----------------------------------------------------------------------------

def test_development_zone_committees_in_a_citys_list_are_the_citys_zones():
    # 开发区管委会 without 各: still every zone of the city (a city has several), recorded at county level
    expected = ("collective", "county", "苏州市", "government", "各开发区（园区）管委会")
    assert _facts("开发区管委会", SUZHOU) == expected
    assert _facts("各开发区管委会", SUZHOU) == expected


def test_township_governments_in_a_citys_list_are_several():
    # 乡镇人民政府 without 各: a city's townships are many, below its counties; recorded at county level
    r = get_resolver().resolve("乡镇人民政府", SUZHOU)
    assert (r.kind, r.level, r.jurisdiction, r.function) == ("collective", "county", "苏州市", "government")


@pytest.mark.parametrize("mention", ["乡镇人民政府", "乡镇政府", "镇人民政府"])
def test_township_governments_in_a_countys_list_are_its_townships(mention):
    # a county's list: its townships (below it, though recorded at county level), never unresolved
    r = get_resolver().resolve(mention, PEIXIAN)
    assert (r.kind, r.level, r.jurisdiction, r.function) == ("collective", "county", "沛县", "government")


# --- units of the document's issuer, and units that name another body -----------------------------------------

def test_a_unit_without_a_body_before_it_is_the_issuers():
    ctx = _with_host(JIANGSU, "省教育厅")
    assert _facts("对外交流中心", ctx) == ("division", "provincial", "江苏省", "education", "江苏省教育厅对外交流中心")
    # 市场处 starts with 市 but 市场 is a word (market), not the city
    assert _facts("市场处", ctx) == ("division", "provincial", "江苏省", "education", "江苏省教育厅市场处")
    assert get_resolver().resolve("市场处", ctx).parent == "江苏省教育厅"


def test_a_unit_that_names_a_place_is_never_the_issuers():
    # 市发改委行政审批科 in the provincial education department's list names the cities' development and reform
    # commissions: not a unit of 江苏省教育厅; no single body is named, so it stays unresolved
    r = get_resolver().resolve("市发改委行政审批科", _with_host(JIANGSU, "省教育厅"))
    assert (r.kind, r.resolved, r.parent) == ("unresolved", False, None)


def test_a_unit_named_after_another_body_belongs_to_that_body():
    # in the housing bureau's list: 市发改委行政审批科 is the development and reform commission's section
    ctx = _with_host(SUZHOU, "市住房和城乡建设局")
    r = get_resolver().resolve("市发改委行政审批科", ctx)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.parent) == (
        "division", "municipal", "苏州市", "development-reform", "苏州市发展和改革委员会")
    # 科技处 is the housing bureau's own science and technology division, not a 处 of the science bureau
    assert _facts("科技处", ctx) == ("division", "municipal", "苏州市", "housing-urban-rural", "苏州市住房和城乡建设局科技处")


def test_a_unit_without_any_body_stays_unresolved():
    # 科技处 in a list without a known issuer: a division of some body nobody names
    r = get_resolver().resolve("科技处", SUZHOU)
    assert (r.kind, r.resolved, r.name) == ("unresolved", False, "科技处")


def test_the_issuers_divisions_as_a_collective():
    ctx = _with_host(JIANGSU, "省教育厅")
    r = get_resolver().resolve("各相关处室", ctx)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.name, r.parent, r.scope) == (
        "collective", "provincial", "江苏省", "education", "江苏省教育厅各处室", "江苏省教育厅", "江苏省教育厅")
    # without an issuer: the divisions of the document's body, whatever it is (no function known)
    r = get_resolver().resolve("各相关处室", SUZHOU)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.name, r.parent, r.scope) == (
        "collective", "municipal", "苏州市", None, "各处室", None, "苏州市")


# --- compounds: a body followed by one of its units -----------------------------------------------------------

def test_a_bare_function_word_before_a_unit_is_the_documents_body():
    r = get_resolver().resolve("人防窗口", WUHAN)       # the civil air defence office's service window
    assert (r.kind, r.level, r.jurisdiction, r.function, r.name, r.parent) == (
        "division", "municipal", "武汉市", "defence-mobilisation", "武汉市人民防空办公室窗口", "武汉市人民防空办公室")


def test_a_central_bank_branchs_business_department():
    r = get_resolver().resolve("中国人民银行辽宁省分行营业管理部", LIAONING)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.parent) == (
        "division", "provincial", "辽宁省", "central-bank", "中国人民银行辽宁省分行")


def test_a_government_window_in_a_schools_own_columns_is_not_a_school_unit():
    school = Context("provincial", "辽宁省", institution="锦州师范高等专科学校", school=True)
    r = get_resolver().resolve("人防办窗口", school)
    assert (r.kind, r.level, r.jurisdiction, r.name, r.parent) == (
        "division", "provincial", "辽宁省", "辽宁省人民防空办公室窗口", "辽宁省人民防空办公室")


def test_a_government_division_in_a_schools_own_columns_is_that_bodys():
    # 省教育厅职教处 in the school's columns: the provincial education department's vocational division
    school = Context("provincial", "辽宁省", institution="锦州师范高等专科学校", school=True)
    r = get_resolver().resolve("省教育厅职教处", school)
    assert (r.kind, r.level, r.jurisdiction, r.function, r.parent) == (
        "division", "provincial", "辽宁省", "education", "辽宁省教育厅")
    # a unit of a unit is still the school's (教务处 is the school's academic affairs office)
    r = get_resolver().resolve("教务处办公室", school)
    assert (r.kind, r.level, r.parent) == ("division", "institution", "锦州师范高等专科学校")


@pytest.mark.parametrize("mention", ["团委", "宣传部", "工会", "党委办公室", "校团委", "校工会"])
def test_the_schools_own_party_and_union_units_are_the_schools(mention):
    # 团委, 宣传部, 工会 are also the words of government and party bodies, but in the school's own columns, with
    # no place before them, they are its units; 校 is the school itself, 党委 the school's party committee
    r = get_resolver().resolve(mention, SCHOOL)
    assert (r.kind, r.level, r.jurisdiction, r.parent) == ("division", "institution", "辽宁省", "锦州师范高等专科学校")


def test_a_national_offices_unit_abbreviated_in_a_schools_columns_is_that_offices():
    # 国办督查室: the inspection office of the State Council's general office (国办 = 国务院办公厅)
    r = get_resolver().resolve("国办督查室", SCHOOL)
    assert (r.kind, r.level, r.jurisdiction, r.parent) == ("division", "national", "全国", "国务院办公厅")


# --- a second name in brackets inside the name -----------------------------------------------------------------

def test_a_bracketed_second_name_inside_a_zones_committee():
    # 宿州经开区（鞋城）管委会: the committee of 宿州经济技术开发区 (also called 鞋城), a zone at county level
    assert _facts("宿州经开区（鞋城）管委会", SUZHOU_ANHUI) == (
        "government", "county", "宿州经开区", "government", "宿州经开区管理委员会")


# --- national bodies ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mention, ctx", [
    ("国家人防办", NATIONAL), ("国务院人防办", JIANGSU), ("国务院人防办", NATIONAL),
])
def test_the_national_civil_air_defence_office(mention, ctx):
    # national wherever it is named: 国家 / 国务院 before the body
    assert _facts(mention, ctx)[:4] == ("government", "national", "全国", "defence-mobilisation")


def test_a_central_committee_organ_named_with_its_party_prefix():
    assert _facts("中共中央办公厅", JIANGSU)[:3] + _facts("中共中央办公厅", JIANGSU)[4:] == (
        "party", "national", "全国", "中共中央办公厅")


def test_a_national_regulators_office_in_a_province_is_that_regulators():
    # 中国证监会江苏监管局 (also 证监会江苏监管局, 江苏证监局) is the securities regulator's office in Jiangsu, not
    # the financial regulator's (NFRA, formerly 银保监会: 江苏银保监局 = 银保监会江苏监管局), though both end in 监管局
    r = get_resolver()
    csrc = r.resolve("证监会江苏监管局", JIANGSU)
    assert (csrc.kind, csrc.level, csrc.jurisdiction, csrc.function) == (
        "government", "provincial", "江苏省", "financial-regulation")
    assert csrc.key == r.resolve("中国证监会江苏监管局", JIANGSU).key == r.resolve("江苏证监局", JIANGSU).key
    nfra = r.resolve("江苏银保监局", JIANGSU)
    assert nfra.key == r.resolve("银保监会江苏监管局", JIANGSU).key
    assert csrc.key != nfra.key
