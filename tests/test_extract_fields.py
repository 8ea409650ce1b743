"""The field extractors on their own: department splitting (with property tests), deadline normalisation,
quantity phrases and their parsed targets."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.loaders.deadlines import column_deadlines, frequencies, parse_deadline, starts, text_deadlines
from policykg.loaders.departments import SEPARATORS, departments_and_lead, split_departments
from policykg.loaders.targets import find_quantities

# --- departments ------------------------------------------------------------------------------------------

NAME_CHARS = st.sampled_from(list("省市县教育人力资源社会保障发展改革财政科技工业信息化农业交通文化卫生团妇联总工"))
SUFFIX = st.sampled_from(["厅", "局", "委", "部", "处", "办", "中心", "学院"])
LEVEL = st.sampled_from(["省", "市", "县", "区", "团省委", "自治区"])
NAMES = st.builds(lambda lvl, body, suf: lvl + "".join(body) + suf, LEVEL, st.lists(NAME_CHARS, max_size=8), SUFFIX)
SEP = st.sampled_from(["、", "，", ",", "；", ";", "\n", "、\n", "\n、"])


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=8), st.data())
def test_listed_departments_come_back_in_order(names, data):
    text = names[0]
    for name in names[1:]:
        text += data.draw(SEP) + name
    assert split_departments(text) == (names, False)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("省市教育厅局委处室、，,；;\n 　政府部门中心人社发改")), max_size=60))
def test_splitting_never_loses_a_character(text):
    """Every character except separators and whitespace survives, in order (no 等/及/brackets here);
    a collective like 市、县两级 keeps its inner 、, so separators are compared apart."""
    parts, is_open = split_departments(text)
    kept = [c for c in text if c not in SEPARATORS and not c.isspace()]
    joined = [c for c in "".join(parts) if c not in SEPARATORS]
    assert Counter(joined) == Counter(kept) and not is_open
    assert joined == kept


@pytest.mark.parametrize("raw,depts,lead,is_open", [
    ("省委组织部、省教育厅及有关行业主管部门,各市、县(市、区)人民政府",
     ["省委组织部", "省教育厅", "有关行业主管部门", "各市、县(市、区)人民政府"], ["省委组织部"], False),
    ("省发展改革委、省农业农村厅等", ["省发展改革委", "省农业农村厅"], ["省发展改革委"], True),
    ("省人力资源社会保障 厅、省总工会、省教\n育厅", ["省人力资源社会保障厅", "省总工会", "省教育厅"],
     ["省人力资源社会保障厅"], False),
    ("省教育厅、省发展改 革委、省工业和信息 化厅、省人力资源社 会保障厅\n、各市",
     ["省教育厅", "省发展改革委", "省工业和信息化厅", "省人力资源社会保障厅", "各市"], ["省教育厅"], False),
    ("教务处\n\n\n人事处\n\n思政部", ["教务处", "人事处", "思政部"], ["教务处"], False),
    ("继续教育学院；教务处；\n学前与音乐教育学院；体育学院", ["继续教育学院", "教务处", "学前与音乐教育学院", "体育学院"],
     ["继续教育学院"], False),
    ("市人社局牵头，市工信局、市教育局配合", ["市人社局", "市工信局", "市教育局"], ["市人社局"], False),
    ("市财政局、市教育局（牵头）", ["市财政局", "市教育局"], ["市教育局"], False),
    ("省纪委省监委", ["省纪委省监委"], ["省纪委省监委"], False),
    ("省教育厅、市、县两级政府", ["省教育厅", "市、县两级政府"], ["省教育厅"], False),
])
def test_department_cases(raw, depts, lead, is_open):
    assert departments_and_lead(raw) == (depts, lead, is_open)


def test_lead_and_support_columns():
    assert departments_and_lead(None, "市教育局", "市财政局、市人社局") == (
        ["市教育局", "市财政局", "市人社局"], ["市教育局"], False)


# --- deadlines --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed,kind,start,end", [
    ("2021年", "by-date", None, "2021-12-31"),
    ("2022年6月底前", "by-date", None, "2022-06-30"),
    ("2023年上半年", "by-date", None, "2023-06-30"),
    ("持续推进", "ongoing", None, None),
    ("长期坚持", "ongoing", None, None),
    ("“十四五”期间", "period", "2021-01-01", "2025-12-31"),
    ("到“十四五”末", "by-date", None, "2025-12-31"),
    ("2021—2025年", "period", "2021-01-01", "2025-12-31"),
    ("每年", "recurring", None, None),
    ("2021年起", "period", "2021-01-01", None),
])
def test_deadline_normalisation(printed, kind, start, end):
    d = parse_deadline(printed)
    assert (d.kind.value, d.start, d.end) == (kind, start, end)


def test_deadlines_in_running_text():
    text = "到2025年，建成100所；2023年底前完成评估；在“十四五”期间持续推进；“十四五”末全覆盖。"
    assert [d.text for d in text_deadlines(text)] == ["到2025年", "2023年底前", "在“十四五”期间", "“十四五”末"]


def test_not_deadlines_in_text():
    text = "自2021年起，每年组织实施《辽宁省职业技能提升行动实施方案（2019—2021年）》，持续推进改革。计划（2021—2025年）"
    assert text_deadlines(text) == []
    assert starts(text) == ["自2021年起"] and frequencies(text) == ["每年"]


def test_column_with_several_deadlines_and_a_wrapped_one():
    assert [d.text for d in column_deadlines("2025年\n\n\n2023年")] == ["2025年", "2023年"]
    assert [d.text for d in column_deadlines("2024年6\n月底前")] == ["2024年6月底前"]


# --- quantities -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,phrases", [
    ("建设1000门省级在线开放课程和50个示范性虚拟仿真实训基地", ["1000门", "50个"]),
    ("培育10个左右，达到90%以上，完成200万人次，增长2倍以上", ["10个左右", "90%以上", "200万人次", "2倍以上"]),
    ("按照师生比不低于1:350的比例核定", ["1:350"]),
    ("打造3—5个骨干职教集团，获奖1-2项", ["3—5个", "1-2项"]),
    ("生均经费在“十四五”期间达到8000元以上", ["8000元以上"]),
    ("开展职业院校服务百家企业工作", ["百家"]),
    ("2022年完成，第1年试用，G10联盟(由10所院校组成)，1+X证书，信息化2.0", ["10所"]),
    ("五育并举，三全育人，一市一策，双千计划，万人计划，一批示范校", []),
    ("实施5年累计不少于10个月企业实践，与2所以上职业院校合作", ["5年", "10个月", "2所以上"]),
    # the denominator of a rate and an age naming a class of people are no targets (每3年 stays: a period)
    ("每千人口拥有3岁以下婴幼儿托位数达到4.5个", ["4.5个"]),
    ("每10万人口拥有大学生数3000人，面向60周岁以上老年人", ["3000人"]),
    ("在职教师每3年安排不低于6个月的企业实践，人均预期寿命79岁以上", ["3年", "6个月", "79岁以上"]),
])
def test_quantity_phrases(text, phrases):
    assert [t.text for t in find_quantities(text)] == phrases


def test_parsed_targets():
    t = {q.text: q for q in find_quantities("完成200万人次左右培训，不少于3家企业，3—5个集团，建设1000门省级在线开放课程，比例不超过30%")}
    assert t["200万人次左右"].value == 2_000_000 and t["200万人次左右"].qualifier.value == "approx"
    assert t["3家"].qualifier.value == "at-least"
    assert (t["3—5个"].value, t["3—5个"].value_high, t["3—5个"].qualifier.value) == (3, 5, "range")
    assert t["1000门"].object == "省级在线开放课程" and t["1000门"].unit == "门"
    assert t["30%"].qualifier.value == "at-most" and t["30%"].unit == "%"
    assert find_quantities("服务百家企业")[0].value == 100


@pytest.mark.parametrize("printed,end", [
    ("2022.12", "2022-12-31"), ("2022-06-30", "2022-06-30"), ("2022年第三季度", "2022-09-30"),
    ("2022年6月30日", "2022-06-30"), ("2022年12月31日前", "2022-12-31"),
])
def test_more_column_date_forms(printed, end):
    assert parse_deadline(printed).end == end


@pytest.mark.parametrize("printed,kind,start,end", [
    ("2024年9月—12月", "period", "2024-09-01", "2024-12-31"),      # a range of months is due at its end
    ("2024年11月中旬", "by-date", None, "2024-11-20"), ("2024年11月上旬前", "by-date", None, "2024-11-10"),
    ("2024年秋季开学前", "by-date", None, "2024-08-31"), ("2025年春季学期", "by-date", None, "2025-07-31"),
    ("2024年秋季学期", "by-date", None, "2025-01-31"),
    # printed without a year: read in the year the document plans for
    ("6月底前", "by-date", None, "2024-06-30"), ("年底前", "by-date", None, "2024-12-31"),
    ("三季度", "by-date", None, "2024-09-30"), ("上半年", "by-date", None, "2024-06-30"),
    ("12月20日前", "by-date", None, "2024-12-20"), ("9月至12月", "period", "2024-09-01", "2024-12-31"),
    ("秋季开学前", "by-date", None, "2024-08-31"),
])
def test_ranges_ten_day_periods_terms_and_deadlines_without_their_year(printed, kind, start, end):
    d = parse_deadline(printed, plan_year=2024)
    assert (d.kind.value, d.start, d.end) == (kind, start, end)


def test_without_the_documents_year_a_yearless_deadline_stays_as_printed():
    assert parse_deadline("6月底前") is None
    assert [(d.text, d.kind.value, d.end) for d in column_deadlines("6月底前")] == [("6月底前", "ongoing", None)]


@pytest.mark.parametrize("title,numbers,date,year", [
    ("某市2024年教育重点工作任务清单", [], None, 2024),
    ("关于印发《某市教育事业发展规划（2021—2025年）》重点任务分工的通知", ["某政办发〔2022〕3号"], None, 2022),
    ("某省教育现代化推进方案（2023—2025年）", [], "2023-05-04", None),       # a plan's span names no one year
    ("关于加强学校美育工作的实施意见", [], "2017-03-01", 2017),
    ("关于建设2000亩示范区的通知", [], None, None),                          # a count, no year
])
def test_the_year_a_list_plans_for(title, numbers, date, year):
    from policykg.core.records import DocumentMeta
    from policykg.loaders.extract import planned_year

    meta = DocumentMeta(doc="d", file="d.txt", sha256="0" * 64)
    meta.title, meta.document_numbers, meta.date = title, numbers, date
    assert planned_year(meta) == year


def test_more_due_by_forms_in_text():
    text = "2022年12月31日前完成；截至2025年达到；2023年底全面建成；2022年内出台；2021年起实施"
    assert [d.text for d in text_deadlines(text)] == ["2022年12月31日前", "截至2025年", "2023年底", "2022年内"]


def test_more_quantity_forms():
    assert [t.text for t in find_quantities("近3年新增10余所学校、100多个专业，5年制高职，约100所，2.5万平方米")] == [
        "3年", "10余所", "100多个", "100所", "2.5万平方米"]
    assert find_quantities("约100所")[0].qualifier.value == "approx"


def test_duty_words_are_not_part_of_names():
    assert departments_and_lead("市教育局、市财政局按职责分工负责") == (["市教育局", "市财政局"], ["市教育局"], False)
    assert departments_and_lead("牵头单位：市教育局\n配合单位：市财政局、市人社局") == (
        ["市教育局", "市财政局", "市人社局"], ["市教育局"], False)
    assert departments_and_lead("省教育厅 省财政厅")[0] == ["省教育厅", "省财政厅"]


def test_ratio_with_the_ratio_sign():
    t = find_quantities("生师比达到18∶1")[0]
    assert (t.text, t.value, t.unit) == ("18∶1", 18.0, "ratio")


def test_a_yearless_deadline_column_is_dated_in_the_year_of_the_list():
    from policykg.loaders import extract, read_bytes

    text = "某市2024年教育重点工作任务清单\n\n序号\t工作任务\t责任单位\t完成时限\n1\t推进集团化办学\t市教育局\t6月底前\n"
    (task,) = extract(read_bytes(text.encode("utf-8"), "清单.txt")).tasks
    assert [(d.text, d.kind.value, d.end) for d in task.deadlines] == [("6月底前", "by-date", "2024-06-30")]
