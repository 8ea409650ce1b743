"""The annotation grammar and the paragraph outline (issue 13): every form the issue lists, with expectations
written by hand from the form's meaning; and property tests that arbitrary text gives records or a clear
error, never a crash or a partial name."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.core.lexicon import looks_like_unit
from policykg.graph.pipeline import process_files
from policykg.loaders import LoaderError, extract, read_bytes
from policykg.loaders.annotations import leading, own_line, parse, trailing
from policykg.loaders.departments import units_of


def units(annotation):
    u = units_of(annotation)
    return u.departments, u.lead, u.lead_rule


@pytest.mark.parametrize("text,depts,lead,rule", [
    # every bracket kind, labels with ASCII or full-width colons
    ("加强管理。（责任单位：省教育厅、省财政厅）", ["省教育厅", "省财政厅"], ["省教育厅"], "first-listed"),
    ("加强管理。(责任单位: 市房管中心)", ["市房管中心"], ["市房管中心"], "first-listed"),
    ("加强管理。〔责任单位：省教育厅〕", ["省教育厅"], ["省教育厅"], "first-listed"),
    ("加强管理。【牵头单位：省发展改革委；配合单位：省教育厅】", ["省发展改革委", "省教育厅"], ["省发展改革委"], "label"),
    ("加强管理。[责任单位：省教育厅、各市人民政府]", ["省教育厅", "各市人民政府"], ["省教育厅"], "first-listed"),
    # brackets nested inside the value
    ("加强管理。（责任单位：省教育厅、县〔市、区〕人民政府）", ["省教育厅", "县〔市、区〕人民政府"], ["省教育厅"], "first-listed"),
    ("加强管理。（责任单位：省教育厅，各县〈市〉区政府）", ["省教育厅", "各县〈市〉区政府"], ["省教育厅"], "first-listed"),
    ("加强管理。（责任单位：市教育局，各镇（街道））", ["市教育局", "各镇（街道）"], ["市教育局"], "first-listed"),
    # compound and variant labels, lead and support in one annotation
    ("加强管理。（牵头部门：市教育局，配合部门：市文广局、市人社局）", ["市教育局", "市文广局", "市人社局"], ["市教育局"], "label"),
    ("加强管理。（牵头责任单位：省教育厅、省国资委；责任单位：各市人民政府）",
     ["省教育厅", "省国资委", "各市人民政府"], ["省教育厅", "省国资委"], "label"),
    ("加强管理。（主要责任单位：省教育厅；协同配合单位：省民政厅、省总工会）",
     ["省教育厅", "省民政厅", "省总工会"], ["省教育厅"], "label"),
    ("加强管理。（牵头部门/配合部门：省教育厅/省人力资源社会保障厅）", ["省教育厅", "省人力资源社会保障厅"], ["省教育厅"], "label"),
    ("加强管理。（责任单位及承办科室：省教育厅，宣传处）", ["省教育厅", "宣传处"], ["省教育厅"], "first-listed"),
    # unlabelled forms
    ("加强管理。（市教育局，各县区政府负责）", ["市教育局", "各县区政府"], ["市教育局"], "first-listed"),
    ("加强管理。（省财政厅牵头，省教育厅、省人力资源社会保障厅配合）",
     ["省财政厅", "省教育厅", "省人力资源社会保障厅"], ["省财政厅"], "verb"),
    ("加强管理。（由省政府教育督导室负责）", ["省政府教育督导室"], ["省政府教育督导室"], "first-listed"),
    ("加强管理。（省教育厅会同有关部门负责）", ["省教育厅", "有关部门"], ["省教育厅"], "verb"),
    # a bare list of bodies, and the note saying the first listed leads (云浮, 2019: 排名第一位为牵头单位，下同);
    # <> for brackets inside brackets
    ("加强管理。（市教育局，市委编办，市发展改革局，市财政局）",
     ["市教育局", "市委编办", "市发展改革局", "市财政局"], ["市教育局"], "first-listed"),
    ("加强管理。（市教育局，市委农办，各县<市、区>人民政府，排名第一位为牵头单位，下同）",
     ["市教育局", "市委农办", "各县<市、区>人民政府"], ["市教育局"], "first-listed"),
    # a note after the units' sentence (四川, 2022: …按职责分工负责。具体任务均涉及相关市（州）人民政府，不再做分工，下同。)
    ("加强管理。〔责任单位：省发展改革委、省大数据中心按职责分工负责。具体任务均涉及相关市（州）人民政府，下同。〕",
     ["省发展改革委", "省大数据中心"], ["省发展改革委"], "first-listed"),
    # a word on the task before the labels (荆门, 2021: 预期性指标 / 约束性指标)
    ("加强管理。（预期性指标，牵头单位：市发改委；责任单位：市政府有关部门，各县市区）",
     ["市发改委", "市政府有关部门", "各县市区"], ["市发改委"], "label"),
    ("加强管理。（人民银行宿州市中心支行、市财政局）", ["人民银行宿州市中心支行", "市财政局"], ["人民银行宿州市中心支行"],
     "first-listed"),
    # 等 tails, ASCII comma before a collective
    ("加强管理。（责任单位：省教育厅、省文化厅等）", ["省教育厅", "省文化厅"], ["省教育厅"], "first-listed"),
    ("加强管理。（责任单位：市国土局、市土地发展中心,各县（市）人民政府）",
     ["市国土局", "市土地发展中心", "各县（市）人民政府"], ["市国土局"], "first-listed"),
    # a lead marked inside a clause: A，B；C牵头承办
    ("加强管理。（责任单位：市住建局，综合窗口收件、受理；市住建局审批科牵头承办，质监站协办）",
     ["市住建局", "综合窗口", "市住建局审批科", "质监站"], ["市住建局审批科"], "verb"),
])
def test_trailing_annotation_forms(text, depts, lead, rule):
    found = trailing(text)
    assert found is not None
    start, annotation = found
    assert text[:start] == "加强管理。"
    assert units(annotation) == (depts, lead, rule)


@pytest.mark.parametrize("text", [
    "组织开展展演活动（乐团、合唱团、舞蹈团）",        # a list in brackets, no responsibility
    "落实质量提升攀登计划（2021—2025年）",
    "各地要积极负责推进",                              # 负责 inside a sentence, no bracket
    "加强宣传（试行）",
    "新建商品住房（含市管园区）",                       # a scope, not a body
    "发布日期：2021-08-16字号：[大中小]",               # a page's font-size buttons
    "落实属地责任（各县、市、区）",                     # places, not bodies
    "国家新闻出版署（国家版权局）",                     # a body's other name, not a task's units
])
def test_brackets_that_are_no_annotation(text):
    assert trailing(text) is None


def test_label_lines_and_wide_spaces():
    ann = own_line("牵头部门：市教育局　　配合部门：市文广局、市人社局、团市委")
    assert units(ann) == (["市教育局", "市文广局", "市人社局", "团市委"], ["市教育局"], "label")
    ann = own_line("牵头部门：市教育局　配合部门：市财政局")      # a single wide space
    assert units(ann)[:2] == (["市教育局", "市财政局"], ["市教育局"])
    assert own_line("（责任部门：市房产局、市自然资源局）") is not None
    assert own_line("责任单位：市教育局，各级各类学校") is not None
    assert own_line("加快推进职业教育改革。") is None


def test_deadline_label_inside_an_annotation():
    ann = parse("牵头单位：市政府教育督导室；配合单位：市教育局；完成时限：2023年6月")
    assert ann.deadline == "2023年6月"
    assert units(ann)[:2] == (["市政府教育督导室", "市教育局"], ["市政府教育督导室"])
    assert parse("完成时限：2023年6月") is None       # a deadline alone names nobody


def test_annotation_opening_a_task():
    at, ann = leading("【牵头单位：市教育局】加快推进产教融合")
    assert "【牵头单位：市教育局】加快推进产教融合"[at:] == "加快推进产教融合"
    assert units(ann)[1] == ["市教育局"]
    # the bodies alone in the bracket, no label
    text = "【市教育局、市人社局】加强教师队伍建设"
    at, ann = leading(text)
    assert text[at:] == "加强教师队伍建设"
    assert units(ann) == (["市教育局", "市人社局"], ["市教育局"], "first-listed")
    assert leading("【重点】加强教师队伍建设") is None and leading("（市直单位）加强管理") is None


def _tasks(text: str):
    return [(t.task_no, t.text, t.departments, t.lead)
            for t in extract(read_bytes(text.encode("utf-8"), "doc.txt")).tasks]


def test_outline_group_annotation_covers_each_item():
    text = ("二、优化住房信贷政策\n（一）认房不认贷。首套住房利率。\n（二）降低首付比例。\n"
            "（责任部门：人民银行某分行）\n三、提供公积金支持\n（一）支持人才贷款。\n（责任部门：公积金中心）\n")
    assert _tasks(text) == [
        ("二.一", "认房不认贷。首套住房利率。", ["人民银行某分行"], ["人民银行某分行"]),
        ("二.二", "降低首付比例。", ["人民银行某分行"], ["人民银行某分行"]),
        ("三.一", "支持人才贷款。", ["公积金中心"], ["公积金中心"]),
    ]


def test_outline_numbered_label_line_belongs_to_the_item_above():
    text = ("一、优化土地出让方式\n（一）适用范围：热点区域。\n（二）办理流程：采取拍卖方式。\n"
            "（三）责任单位及承办科室：市自然资源局，储备中心。\n"
            "二、推动项目平稳交付\n在建项目可顺延交房期限。\n责任单位：市住房城乡建设局、市房管中心。\n")
    got = _tasks(text)
    assert [(no, depts) for no, _, depts, _ in got] == [
        ("一", ["市自然资源局", "储备中心"]), ("二", ["市住房城乡建设局", "市房管中心"])]
    assert got[0][1].startswith("优化土地出让方式") and got[1][1] == "推动项目平稳交付在建项目可顺延交房期限。"


def test_outline_sub_list_of_a_paragraph_belongs_to_the_paragraph():
    text = ("（六）实施美育实践活动的课程化管理。美育实践活动是学校美育课程的重要组成部分，要纳入教学计划，实行课程化管理。\n"
            "1建立学生课外活动记录制度。\n2积极探索美育活动形式。\n3任何学校不得组织营利性竞赛。（责任单位：省教育厅等）\n")
    [(no, body, depts, _)] = _tasks(text)
    assert no == "六" and body.startswith("实施美育实践活动") and depts == ["省教育厅"]


def test_outline_restarting_numbers_are_qualified_by_their_heading():
    text = ("（一）完善课程\n1.科学定位目标。（市教育局负责）\n2.开齐课程。（市教育局负责）\n"
            "（二）提高质量\n1.健全机构。（市教育局负责）\n")
    assert [t[0] for t in _tasks(text)] == ["一.1", "一.2", "二.1"]


def test_outline_duty_lines_and_articles():
    text = ("二、职责分工\n发改部门：负责项目立项审批。\n财政部门：负责补贴资金筹集。\n三、工作要求\n")
    assert [(no, depts) for no, _, depts, _ in _tasks(text)] == [("1", ["发改部门"]), ("2", ["财政部门"])]
    text = "第一条 降低首付比例。（牵头单位：市住建局）\n第二条 发放补贴。(牵头单位:市财政局)\n"
    assert [(no, lead) for no, _, _, lead in _tasks(text)] == [("第一条", ["市住建局"]), ("第二条", ["市财政局"])]


def test_outline_whole_document_on_one_line():
    items = "".join(f"{k}.措施{k}的内容，要抓好落实，确保取得实效，持续推进相关工作。(责任单位:市房管中心、市财政局)"
                    for k in range(1, 9))
    text = "若干措施为促进发展，现制定有关措施如下。一、激活市场" + items[:len(items) // 2] + "二、优化服务 " \
        + items[len(items) // 2:] + "本措施自印发之日起实施。"
    got = _tasks(text * 1)
    assert [t[0] for t in got] == [str(k) for k in range(1, 9)]
    assert all(t[2] == ["市房管中心", "市财政局"] for t in got)


def test_no_task_list_names_the_layouts_looked_for():
    with pytest.raises(LoaderError, match="looked for task tables"):
        extract(read_bytes("关于召开会议的通知\n请各单位准时参加。\n".encode("utf-8"), "notice.txt"))


@pytest.mark.parametrize("name,ok", [
    ("市文广旅体局", True), ("各县（市、区）人民政府", True), ("人行重庆市分行", True), ("各级各类学校", True),
    ("教育", True), ("X)", False), ("2022年底前", False), ("加强组织领导，确保各项任务落实到位", False),
    ("受理", False), ("（责任单位", False),
])
def test_what_a_unit_name_looks_like(name, ok):
    assert looks_like_unit(name) is ok


LINES = st.lists(st.sampled_from([
    "一、加强统筹", "（一）建立制度。", "1.推进改革。", "（责任单位：省教育厅、省财政厅）", "牵头部门：市教育局　配合部门：市文广局",
    "（市教育局，各县区政府负责）", "责任单位：", "（", "）", "序号 | 任务 | 责任单位 |", "1 | 推进 | 省教育厅 |", "|",
    "财政部门：负责资金。", "第一条 降低首付。", "△ 推进", "", "　　", "①落实", "（责任单位：X)", "等部门）",
]) | st.text(alphabet="一二（）()、，：:；|责任单位牵头配合省教育厅负责等 \n1.", max_size=40), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_any_text_gives_records_or_a_clear_error(lines):
    """Whatever the lines, extraction returns records whose departments all look like unit names, or raises
    LoaderError; it never crashes and never keeps a partial string (X), 等部门, a stray bracket)."""
    text = "\n".join(lines)
    try:
        result = extract(read_bytes(text.encode("utf-8") or b" ", "doc.txt"))
    except LoaderError:
        return
    for task in result.tasks:
        assert all(looks_like_unit(d) for d in task.departments), task.departments
        assert set(task.lead) <= set(task.departments)


def test_unnumbered_paragraphs_that_name_their_units_are_tasks():
    text = ("关于做好某项工作的通知\n为做好某项工作，现将有关事项通知如下。\n"
            "加快建设公共实训基地。（责任单位：市人社局、市财政局）\n推动职业院校扩大招生。（责任单位：市教育局）\n特此通知。\n")
    assert _tasks(text) == [("1", "加快建设公共实训基地。", ["市人社局", "市财政局"], ["市人社局"]),
                            ("2", "推动职业院校扩大招生。", ["市教育局"], ["市教育局"])]


@pytest.mark.parametrize("value,names", [
    ("各县区、园区燃气管理部门、各燃气企业", ["各县区、园区燃气管理部门", "各燃气企业"]),   # 各 shared by 县区 and 园区
    ("各街道、区市场局", ["各街道", "区市场局"]),                                        # a single office after it
    ("各街道、区直各部门", ["各街道", "区直各部门"]),                                    # a collective of its own
    ("立山经济开发区,全区经济运行各专班", ["立山经济开发区", "全区经济运行各专班"]),
    ("县政协办公室、县工程质量监督站协办", ["县政协办公室", "县工程质量监督站"]),        # 协办公室 is no duty
])
def test_place_collectives_and_task_bodies(value, names):
    ann = parse(f"责任单位：{value}")
    assert units_of(ann).departments == names


@pytest.mark.parametrize("content,units_,deadline", [
    ("省教育厅牵头，省财政厅、省人社厅配合；2023年底前完成", ["省教育厅", "省财政厅", "省人社厅"], "2023年底前"),
    ("责任单位：省教育厅；2023年12月底前", ["省教育厅"], "2023年12月底前"),
    ("省教育厅负责，持续推进", ["省教育厅"], "持续推进"),
])
def test_a_time_limit_closing_an_annotation(content, units_, deadline):
    ann = parse(content)
    assert units_of(ann).departments == units_ and ann.deadline == deadline


def test_table_rows_numbered_afresh_under_each_section_are_qualified():
    text = "序号\t重点任务\t责任单位\n一、加强统筹\n1\t建立制度。\t省教育厅\n2\t完善机制。\t省财政厅\n二、深化改革\n1\t推进融合。\t省发展改革委\n"
    assert [t[0] for t in _tasks(text)] == ["一.1", "一.2", "二.1"]


def test_bare_lists_of_bodies_close_tasks_and_resolve(tmp_path):
    """A city's action plan whose tasks end in a bare list of bodies, the first marked once as the lead for all
    (排名第一位为牵头单位，下同), with <> for brackets inside brackets (the form of 云浮市, 2019; text written here)."""
    text = ("云浮市促进学前教育普惠发展行动方案\n一、落实政府职责\n"
            "（一）健全管理体制。完善学前教育管理体制。"
            "（市教育局，市委农办，各县<市、区>人民政府，排名第一位为牵头单位，下同）\n"
            "（二）建立联席会议制度。及时研究解决学前教育问题。（市教育局，市委编办，市发展改革局，市财政局）\n"
            "（三）加强督导评估。将学前教育纳入督导评估（含民办幼儿园）。（市政府教育督导室，市教育局）\n")
    (tmp_path / "yunfu.txt").write_text(text, encoding="utf-8")
    results, problems = process_files([tmp_path / "yunfu.txt"])
    assert not problems
    result = results[0]
    got = [(t.task_no, t.departments, t.lead) for t in result.tasks]
    assert got == [("一", ["市教育局", "市委农办", "各县<市、区>人民政府"], ["市教育局"]),
                   ("二", ["市教育局", "市委编办", "市发展改革局", "市财政局"], ["市教育局"]),
                   ("三", ["市政府教育督导室", "市教育局"], ["市政府教育督导室"])]
    assert [d.key for d in result.tasks[0].resolved] == [
        "municipal/云浮市/education", "municipal/云浮市/party-committee/农办",
        "collective/云浮市/各县（市、区）人民政府"]


def test_label_lines_under_each_item_with_the_official_in_charge():
    """Items followed by label lines, the first naming the official in charge (a person: no unit, no task text),
    and 等 closing the named units before a collective (the form of a city's 2020 work plan; text written here)."""
    text = ("某市2020年市政府重点工作及责任分解\n一、确保完成全年主要预期目标\n1. 地区生产总值增长8%以上。\n"
            "牵头负责领导：张三。\n牵头责任单位：市发展改革委。\n协同责任单位：市经信局、市商务局等，各县、市、区政府。\n"
            "2. 财政收入增长8%左右。\n分管市领导：李四\n牵头责任单位：市财政局。\n协同责任单位：市税务局。\n")
    result = extract(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [(t.task_no, t.text, t.departments, t.lead, t.departments_open) for t in result.tasks] == [
        ("1", "地区生产总值增长8%以上。", ["市发展改革委", "市经信局", "市商务局", "各县、市、区政府"], ["市发展改革委"], True),
        ("2", "财政收入增长8%左右。", ["市财政局", "市税务局"], ["市财政局"], False)]


def test_persons_named_inside_an_annotation_are_left_out():
    """A leader or contact person inside the bracket (a county's decomposition of its government work report;
    text written here): the persons are no units, and an annotation holding one is still read (the fifth task
    was lost, the others warned that 张三 is no department)."""
    text = ("某县2024年政府工作报告重点任务分解方案\n一、稳增长\n"
            "1．地区生产总值增长6%左右。（牵头单位：县发展改革局；牵头县领导：张三；配合单位：县统计局）\n"
            "2．一般公共预算收入增长5%。（责任单位：县财政局、县税务局；分管领导：李四）\n"
            "3．新增城镇就业3000人。（县人社局牵头，各乡镇配合；分管领导：王五）\n"
            "4．城镇登记失业率控制在4%以内。（责任单位：县人社局；责任人：赵六）\n"
            "5．建成5G基站300个。（县工信局负责，联系人：钱七）\n")
    result = extract(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [(t.task_no, t.departments, t.lead) for t in result.tasks] == [
        ("1", ["县发展改革局", "县统计局"], ["县发展改革局"]), ("2", ["县财政局", "县税务局"], ["县财政局"]),
        ("3", ["县人社局", "各乡镇"], ["县人社局"]), ("4", ["县人社局"], ["县人社局"]),
        ("5", ["县工信局"], ["县工信局"])]
    assert result.problems == []


def test_a_numbered_item_without_units_among_tasks_is_named_not_dropped_in_silence():
    text = ("某县方案\n一、稳增长\n1．地区生产总值增长6%左右。（牵头单位：县发展改革局）\n2．建成5G基站300个。\n"
            "3．新增就业3000人。（县人社局负责）\n二、保障措施\n（一）加强组织领导。\n（二）强化督查考核。\n")
    result = extract(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [t.task_no for t in result.tasks] == ["1", "3"]
    assert [(p.location, p.reason) for p in result.problems] == [
        ("paragraph 4", "numbered item '2．建成5G基站300个。' names no responsible unit while the items beside it "
                        "do: not read as a task")]


def test_labels_in_brackets_and_annotations_after_a_dash():
    """【牵头单位】A【配合单位】B after the task or on lines under it, 【完成时限】 among them, and an annotation
    after a dash (…。——A牵头，B配合 · …。——责任单位：A); a dash inside the task text stays text (texts written
    here; each task was lost, and the bracketed deadline not read, before)."""
    text = ("某市2024年重点工作任务清单\n一、经济发展\n"
            "1．推动工业经济稳增长，规上工业增加值增长7%。【牵头单位】市工信局【配合单位】市发展改革委、市统计局\n"
            "2．扩大有效投资。\n【牵头单位】市发展改革委\n【配合单位】市财政局\n【完成时限】2024年12月底\n"
            "3．促进消费提质扩容。——责任单位：市商务局\n"
            "4．实施义务教育强校工程。——市教育局牵头，市财政局配合\n"
            "5．推进“一老一小”——托育服务体系建设。（市卫健委负责）\n")
    result = extract(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [(t.task_no, t.text, t.departments, t.lead, t.deadline) for t in result.tasks] == [
        ("1", "推动工业经济稳增长，规上工业增加值增长7%。", ["市工信局", "市发展改革委", "市统计局"], ["市工信局"], None),
        ("2", "扩大有效投资。", ["市发展改革委", "市财政局"], ["市发展改革委"], "2024年12月底"),
        ("3", "促进消费提质扩容。", ["市商务局"], ["市商务局"], None),
        ("4", "实施义务教育强校工程。", ["市教育局", "市财政局"], ["市教育局"], None),
        ("5", "推进“一老一小”——托育服务体系建设。", ["市卫健委"], ["市卫健委"], None)]
    assert result.problems == []


def test_an_unbracketed_sentence_of_units_closing_the_task():
    """…。由A牵头，B配合。 after the task's sentence (a bureau's yearly work points; text written here): the
    task was lost. A sentence that goes on to say what is done (由A牵头制定实施方案) stays task text."""
    text = ("某市2024年教育工作要点\n一、加强党的建设\n"
            "1．深入学习贯彻党的二十大精神。由市委教育工委牵头，各县区教育局配合。\n"
            "2．推进清廉学校建设。（市教育局牵头，各县区落实）\n"
            "3．完善考核办法。由市教育局牵头制定实施方案。\n")
    result = extract(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [(t.task_no, t.text, t.departments, t.lead) for t in result.tasks] == [
        ("1", "深入学习贯彻党的二十大精神。", ["市委教育工委", "各县区教育局"], ["市委教育工委"]),
        ("2", "推进清廉学校建设。", ["市教育局", "各县区"], ["市教育局"])]
    assert [p.location for p in result.problems] == ["paragraph 5"]
