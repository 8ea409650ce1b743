"""The loaders' layout rules one case at a time, on small hand-written inputs: the paragraph outline (unnumbered
tasks, △ lists, duty lines, a sub-list whose annotation belongs to its parent), the annotation grammar at a
line's edges, Word list numbering, table headers (split, two-level, none), rows numbered by position or afresh
under each section, cells wrapped over several lines, rendered text tables and spans into the full text. Every
expected value is what the input text says to a reader; written for the loaders' surviving mutants (issue 19).
"""
from __future__ import annotations

from docx.oxml import parse_xml

from policykg.loaders import annotations as ann_grammar
from policykg.loaders.deadlines import text_deadlines
from policykg.loaders.departments import split_departments
from policykg.loaders.extract import extract, school_measure
from policykg.loaders.numbering import Numbering
from policykg.loaders.paragraphs import outline
from policykg.loaders.segment import header_role
from policykg.loaders.source import Paragraph, SourceDocument, Table
from policykg.loaders.text_tables import pipe_stream


def paragraphs(*lines: str) -> list[Paragraph]:
    return [Paragraph(text, index) for index, text in enumerate(lines, 1)]


def tasks_of(*lines: str) -> list[tuple[str, str | None, str, list[tuple[str, str]], str]]:
    """(number, section, text, annotation parts, how the annotation is attached) of each task."""
    doc = outline(paragraphs(*lines))
    assert doc.problems == []
    return [(t.task_no, t.section, t.item.text, t.item.annotation.parts, t.item.annotation_kind) for t in doc.tasks()]


def table_tasks(*rows: list[str], before: tuple[str, ...] = ()):
    """The tasks extracted from one table (after some paragraphs), and the problems reported."""
    blocks = [*paragraphs(*before), Table([list(r) for r in rows], 1)]
    result = extract(SourceDocument("清单.docx", "清单", "0" * 64, blocks))
    return result.tasks, [(p.location, p.reason) for p in result.problems]


# --- the paragraph outline ------------------------------------------------------------------------------

def test_unnumbered_paragraphs_ending_in_an_annotation_are_tasks_numbered_by_place():
    assert tasks_of("加强师资队伍建设，提升教学质量。（责任单位：市教育局）",
                    "推进平安校园建设。（责任单位：市公安局）") == [
        ("1", None, "加强师资队伍建设，提升教学质量。", [("units", "市教育局")], "trailing"),
        ("2", None, "推进平安校园建设。", [("units", "市公安局")], "trailing"),
    ]


def test_a_leading_bracket_annotates_its_own_item():
    assert tasks_of("（一）【牵头单位：市教育局】加快推进学校建设。") == [
        ("一", None, "加快推进学校建设。", [("lead", "市教育局")], "trailing"),
    ]


def test_triangle_bullets_are_numbered_by_their_place_in_the_list():
    assert tasks_of("一、保障措施", "△加快学校建设。（责任单位：市教育局）", "△完善经费投入机制。（责任单位：市财政局）") == [
        ("1", "一、保障措施", "加快学校建设。", [("units", "市教育局")], "trailing"),
        ("2", "一、保障措施", "完善经费投入机制。", [("units", "市财政局")], "trailing"),
    ]


def test_a_duty_line_names_every_unit_before_its_colon():
    # the first name (各级党组织) does not end like an office; the line is a duty line all the same
    assert tasks_of("一、明确职责分工", "各级党组织、各级人民政府：负责本地区工作的组织实施。") == [
        ("1", "一、明确职责分工", "负责本地区工作的组织实施。", [("units", "各级党组织、各级人民政府")], "duty"),
    ]


SUBLIST = ("一、主要任务",
           "（一）推进学前教育普及普惠发展，扩大公办幼儿园资源供给，到2025年新建改扩建幼儿园一批，具体包括：",
           "1.新建公办幼儿园10所；",
           "2.改扩建公办幼儿园20所。（责任单位：市教育局、市发展改革委）",
           "（二）加强教师队伍建设，到2024年底前补充中小学教师500名。（责任单位：市人社局）")


def test_an_annotation_closing_a_sub_list_belongs_to_the_paragraph_the_list_spells_out():
    assert tasks_of(*SUBLIST) == [
        ("一", "一、主要任务", "推进学前教育普及普惠发展，扩大公办幼儿园资源供给，到2025年新建改扩建幼儿园一批，具体包括：\n"
                         "1.新建公办幼儿园10所；\n2.改扩建公办幼儿园20所。",
         [("units", "市教育局、市发展改革委")], "trailing"),
        ("二", "一、主要任务", "加强教师队伍建设，到2024年底前补充中小学教师500名。", [("units", "市人社局")], "trailing"),
    ]


def test_an_annotated_item_over_numbered_children_that_name_no_unit():
    """（一）…（牵头单位：…） followed by 1．… 2．… (texts written here; the children were read as nothing): under a
    heading they are tasks its annotation covers, the heading their section; under a paragraph of its own they
    spell it out (its text goes on in their lines, so their targets are its targets)."""
    tasks = tasks_of("一、推进基础教育优质均衡发展",
                     "（一）扩大优质学前教育资源。（牵头单位：市教育局；配合单位：市财政局）",
                     "1．新建改扩建公办幼儿园10所。", "2．新增公办学位3000个。",
                     "（二）推进义务教育优质均衡。（牵头单位：市教育局）")
    assert [(no, section, text, parts) for no, section, text, parts, _ in tasks] == [
        ("1", "（一）扩大优质学前教育资源。", "新建改扩建公办幼儿园10所。", [("lead", "市教育局"), ("support", "市财政局")]),
        ("2", "（一）扩大优质学前教育资源。", "新增公办学位3000个。", [("lead", "市教育局"), ("support", "市财政局")]),
        ("二", "一、推进基础教育优质均衡发展", "推进义务教育优质均衡。", [("lead", "市教育局")])]
    # children naming their own units keep them; the others take the heading's
    tasks = tasks_of("一、推进基础教育优质均衡发展", "（二）推进义务教育优质均衡。（牵头单位：市教育局）",
                     "1．实施强校工程。", "2．推进集团化办学。（责任单位：各县区政府）")
    assert [(no, text, parts) for no, _, text, parts, _ in tasks] == [
        ("1", "实施强校工程。", [("lead", "市教育局")]), ("2", "推进集团化办学。", [("units", "各县区政府")])]
    paragraph = ("（一）扩大优质学前教育资源，坚持公益普惠，优化幼儿园布局，加大财政投入力度，到2025年全市普惠性幼儿园"
                 "覆盖率达到90%以上。（牵头单位：市教育局）")
    tasks = tasks_of("一、推进基础教育优质均衡发展", paragraph, "1．新建改扩建公办幼儿园10所。", "2．新增公办学位3000个。")
    assert [(no, text) for no, _, text, _, _ in tasks] == [
        ("一", paragraph[3:paragraph.index("（牵头")] + "\n1．新建改扩建公办幼儿园10所。\n2．新增公办学位3000个。")]


def test_spans_index_the_full_text_and_are_dropped_for_a_text_joined_from_several_lines():
    result = extract(SourceDocument("任务.docx", "任务", "0" * 64, paragraphs(*SUBLIST)))
    joined, single = result.tasks
    # the first task's text is three paragraphs joined: not verbatim in the full text (one line a paragraph)
    assert joined.provenance.span is None
    assert [(d.text, d.span) for d in joined.deadlines] == [("到2025年", None)]
    assert [(q.text, q.span) for q in joined.targets] == [("10所", None), ("20所", None)]
    start, end = single.provenance.span
    assert result.text[start:end] == "加强教师队伍建设，到2024年底前补充中小学教师500名。"
    (deadline,) = single.deadlines
    assert result.text[deadline.span[0]:deadline.span[1]] == "到2024年底前"
    (target,) = single.targets
    assert result.text[target.span[0]:target.span[1]] == "500名"


# --- the annotation grammar at a line's edges -----------------------------------------------------------

def test_a_leading_annotation_and_where_the_task_text_starts():
    start, ann = ann_grammar.leading("【牵头单位：市教育局】加快推进学校建设")
    assert start == len("【牵头单位：市教育局】")
    assert ann.parts == [("lead", "市教育局")]


def test_a_label_line_with_nothing_before_it_is_a_trailing_annotation():
    start, ann = ann_grammar.trailing("责任单位：市教育局、市财政局")
    assert start == 0
    assert ann.parts == [("units", "市教育局、市财政局")]


# --- Word list numbering -----------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def numbered(num_id: str, ilvl: int):
    return parse_xml(f'<w:p {W}><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
                     f'</w:pPr><w:r><w:t>任务</w:t></w:r></w:p>')


def test_word_list_numbers_as_printed_and_a_sub_list_restarting_under_each_item():
    numbering = Numbering({"3": {0: ("chineseCounting", "%1、", 1), 1: ("decimal", "%2.", 1),
                                 2: ("decimal", "%2.%3", 1)}})
    levels = (0, 1, 1, 2, 0, 1)
    assert [numbering.render(numbered("3", lvl)) for lvl in levels] == ["一、", "1.", "2.", "2.1", "二、", "1."]


def test_paragraphs_without_a_defined_list_level_have_no_number():
    numbering = Numbering({"3": {0: ("chineseCounting", "%1、", 1)}})
    assert numbering.render(numbered("3", 1)) is None      # level 1 is not defined
    assert numbering.render(numbered("0", 0)) is None      # numId 0: numbering switched off
    assert numbering.render(numbered("7", 0)) is None      # no such list
    assert numbering.render(numbered("3", 0)) == "一、"


# --- table headers and rows --------------------------------------------------------------------------------

def test_decimal_numbering_under_bare_numbered_headings():
    """1 基础教育 / 1.1 推进… (technical-style numbering; text written here): the numbers as printed, the
    heading as section (1.1 was read as task text, and the tasks numbered by their place)."""
    tasks = tasks_of("某市教育重点任务", "1 基础教育", "1.1 推进学前教育普及普惠。(责任单位:市教育局)",
                     "1.2 实施义务教育强校工程。(责任单位 : 市教育局、市财政局)", "2 职业教育",
                     "2.1推进产教融合。（牵头单位：市教育局 配合单位：市人社局）")
    assert [(no, section, text) for no, section, text, _, _ in tasks] == [
        ("1.1", "1基础教育", "推进学前教育普及普惠。"), ("1.2", "1基础教育", "实施义务教育强校工程。"),
        ("2.1", "2职业教育", "推进产教融合。")]


def test_full_width_numbers_and_numbers_that_open_no_item():
    from policykg.loaders.paragraphs import marker_of

    assert marker_of("１．推进集团化办学。")[:2] == ("ar_dot", "1")
    assert marker_of("1．2 推进集团化办学。")[:2] == ("ar_decimal", "1.2")
    for line in ("10 月底前完成校舍改造。", "1.5倍以上。", "3 个学校", "2 年内完成"):
        assert marker_of(line) is None, line


def test_a_header_split_over_two_rows_is_one_header():
    tasks, problems = table_tasks(["序号", "工作任务", "责任", "完成"], ["", "", "单位", "时限"],
                                  ["1", "推进学校建设", "市教育局", "2023年底前"],
                                  ["2", "完善经费保障机制", "市财政局", "2024年6月底前"])
    assert problems == []
    assert [(t.task_no, t.text, t.departments, t.deadline, t.provenance.row) for t in tasks] == [
        ("1", "推进学校建设", ["市教育局"], "2023年底前", 3),
        ("2", "完善经费保障机制", ["市财政局"], "2024年6月底前", 4),
    ]


def test_a_line_above_a_full_header_is_not_glued_onto_it():
    """A 填报单位 / date line over the header (a spreadsheet's first rows) was joined to it column by column:
    2024年3月 + 责任单位 made the column unread and its units lost."""
    tasks, problems = table_tasks(["填报单位：市政府办公室", "", "", "", "2024年3月", ""],
                                  ["序号", "项目名称", "工作任务", "牵头单位", "责任单位", "完成时限"],
                                  ["1", "学校建设", "新建中小学校10所", "市教育局", "市发展改革委、市自然资源局", "2024年12月"])
    assert problems == []
    assert [(t.task_no, t.section, t.text, t.departments, t.lead) for t in tasks] == [
        ("1", "学校建设", "新建中小学校10所", ["市教育局", "市发展改革委", "市自然资源局"], ["市教育局"])]


def test_a_goals_column_beside_the_item_name_is_read_with_it(tmp_path):
    """项目名称 | 年度目标任务 | 牵头单位 | 责任单位 (a city's list of its yearly projects for the public, as a
    spreadsheet written by openpyxl): the year's targets are the row's (they were dropped)."""
    import openpyxl

    from policykg.loaders import read_bytes

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某市2024年民生实事任务分解表"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "项目名称", "年度目标任务", "牵头单位", "责任单位", "完成时限"])
    ws.append(["一、教育领域"])
    ws.merge_cells("A3:F3")
    ws.append([1, "新建改扩建学校", "新建改扩建中小学校10所，新增学位8000个", "市教育局", "市发展改革委", "2024年12月"])
    ws.append([2, "社区医院建设", "建成社区医院5家", "市卫生健康委", "各县（市、区）政府", "2024年底"])
    path = tmp_path / "实事.xlsx"
    wb.save(path)
    result = extract(read_bytes(path.read_bytes(), path.name))
    assert [(t.task_no, t.section, t.text, t.departments, t.quantities) for t in result.tasks] == [
        ("1", "一、教育领域", "新建改扩建学校：新建改扩建中小学校10所，新增学位8000个", ["市教育局", "市发展改革委"],
         ["10所", "8000个"]),
        ("2", "一、教育领域", "社区医院建设：建成社区医院5家", ["市卫生健康委", "各县（市、区）政府"], ["5家"])]


def test_a_rectification_list_reads_its_measures_under_the_problem_they_answer():
    """存在问题 | 整改措施 | 责任领导 | 责任单位 | 整改时限 (an inspection's rectification list; text written here):
    the problem is the section (it was lost), the leader no unit; a 存在问题 column after the task text is a
    status column, no section."""
    tasks, problems = table_tasks(["序号", "存在问题", "整改措施", "责任领导", "责任单位", "整改时限"],
                                  ["1", "校园安全管理不到位", "开展校园安全隐患排查整治。", "张三", "县教育局", "2024年6月底前"])
    assert problems == []
    assert [(t.section, t.text, t.departments, t.deadline) for t in tasks] == [
        ("校园安全管理不到位", "开展校园安全隐患排查整治。", ["县教育局"], "2024年6月底前")]
    tasks, _ = table_tasks(["序号", "工作任务", "责任单位", "进展情况", "存在问题"],
                           ["1", "推进集团化办学", "县教育局", "已完成方案。", "经费不足"])
    assert [(t.section, t.text) for t in tasks] == [(None, "推进集团化办学")]


def test_a_goals_column_before_the_measures_is_read_first():
    tasks, _ = table_tasks(["序号", "问题描述", "整改目标", "整改措施", "责任单位", "完成时限"],
                           ["1", "专项资金滞留", "资金全部拨付到位", "加快资金拨付进度", "县财政局", "2024年底"])
    assert [(t.section, t.text) for t in tasks] == [("专项资金滞留", "资金全部拨付到位：加快资金拨付进度")]


def test_a_two_level_header_splits_the_responsibility_column_into_lead_and_support():
    tasks, problems = table_tasks(["序号", "工作任务", "责任单位", "", "完成时限"],
                                  ["", "", "牵头单位", "配合单位（部门）", ""],
                                  ["1", "推进学校建设", "市教育局", "市财政局、市自然资源局", "2023年底前"])
    assert problems == []
    (task,) = tasks
    assert (task.task_no, task.text, task.departments, task.lead, task.deadline) == \
        ("1", "推进学校建设", ["市教育局", "市财政局", "市自然资源局"], ["市教育局"], "2023年底前")


def test_a_row_without_a_number_follows_the_row_above():
    # the list goes on from an earlier page: 5, then a row whose number Word's auto-numbering lost
    tasks, problems = table_tasks(["序号", "工作任务", "责任单位"], ["5", "推进学校建设", "市教育局"],
                                  ["", "完善经费保障机制", "市财政局"])
    assert problems == []
    assert [(t.task_no, t.text) for t in tasks] == [("5", "推进学校建设"), ("6", "完善经费保障机制")]


def test_rows_numbered_afresh_under_each_section_take_the_section_number():
    tasks, problems = table_tasks(["序号", "工作任务", "责任单位"], ["一、教育强市建设", "", ""],
                                  ["1", "推进学校建设工程", "市教育局"], ["2", "完善经费保障机制", "市财政局"],
                                  ["二、教师队伍建设", "", ""], ["1", "补充中小学教师", "市人社局"])
    assert problems == []
    assert [(t.task_no, t.section, t.text) for t in tasks] == [
        ("一.1", "一、教育强市建设", "推进学校建设工程"), ("一.2", "一、教育强市建设", "完善经费保障机制"),
        ("二.1", "二、教师队伍建设", "补充中小学教师"),
    ]


def test_a_loose_header_of_ten_characters():
    assert header_role("市级牵头单位及责任人") == "lead"
    assert header_role("工作任务完成时间节点") == "deadline"


def test_a_column_of_persons_has_no_role_whatever_its_role_words():
    for header in ("牵头领导", "牵头市领导", "牵头县领导", "责任领导", "分管领导同志", "责任人", "牵头负责人", "联系人"):
        assert header_role(header) is None, header
    assert header_role("责任单位及责任人") == "depts"


TASKS = ("推进义务教育优质均衡发展，新建改扩建中小学校20所", "完善学生资助体系，确保家庭经济困难学生应助尽助",
         "加强教师队伍建设，补充中小学教师500名")


def test_a_table_without_a_header_or_number_column():
    tasks, problems = table_tasks([TASKS[0], "市教育局", "2024年底前"], [TASKS[1], "市教育局、市财政局", "持续推进"],
                                  [TASKS[2], "市教育局、市人社局", "2023年底前"])
    assert problems == []
    assert [(t.task_no, t.text, t.departments, t.deadline) for t in tasks] == [
        ("1", TASKS[0], ["市教育局"], "2024年底前"),
        ("2", TASKS[1], ["市教育局", "市财政局"], "持续推进"),
        ("3", TASKS[2], ["市教育局", "市人社局"], "2023年底前"),
    ]


def test_a_table_without_a_header_with_an_empty_column_and_a_short_row():
    # the 备注 column (4th) is empty throughout; the second row is short: a rendering drops a merged cell, so its
    # time limit is the one of the row above (one cell over both rows in the original table)
    tasks, problems = table_tasks(["1", TASKS[0], "市教育局", "", "2024年底前"],
                                  ["2", TASKS[1], "市教育局、市财政局"],
                                  ["3", TASKS[2], "市人社局", "", "2023年底前"])
    assert problems == []
    assert [(t.task_no, t.text, t.departments, t.deadline) for t in tasks] == [
        ("1", TASKS[0], ["市教育局"], "2024年底前"),
        ("2", TASKS[1], ["市教育局", "市财政局"], "2024年底前"),
        ("3", TASKS[2], ["市人社局"], "2023年底前"),
    ]


def test_a_table_without_a_header_of_fifteen_character_tasks():
    texts = ("全面推进学前教育普及普惠发展。", "完善学生资助体系确保应助尽助。", "加强中小学教师队伍建设与管理。")
    assert [len(t) for t in texts] == [15, 15, 15]
    tasks, problems = table_tasks(*([str(k), t, "市教育局", "2024年底前"] for k, t in enumerate(texts, 1)))
    assert problems == []
    assert [(t.task_no, t.text, t.departments, t.deadline) for t in tasks] == [
        (str(k), t, ["市教育局"], "2024年底前") for k, t in enumerate(texts, 1)]


# --- tables rendered as text -----------------------------------------------------------------------------

def test_a_pipe_table_ends_where_the_prose_after_it_starts():
    lines = ["序号 | 工作任务 | 责任单位 |", "1 | 推进学校建设 | 市教育局 |", "2 | 完善经费保障机制 | 市财政局 |", "",
             "以上任务请各单位认真落实。", "各单位要加强组织领导。"]
    assert pipe_stream(lines, 0) == ([["序号", "工作任务", "责任单位"], ["1", "推进学校建设", "市教育局"],
                                      ["2", "完善经费保障机制", "市财政局"]], 3)


def test_a_pipe_table_with_a_cell_a_line_starts_at_its_header():
    lines = ["附件1", "|", "序号", "|", "工作任务", "|", "责任单位", "|", "1", "|", "推进学校建设", "|", "市教育局", "|"]
    assert pipe_stream(lines, 0) == (None, 0)       # 附件1 is the annex title, not a header cell
    assert pipe_stream(lines, 1) == ([["序号", "工作任务", "责任单位"], ["1", "推进学校建设", "市教育局"]], 14)


# --- cells and fields --------------------------------------------------------------------------------------

def test_collectives_with_bracketed_notes_on_two_lines_are_two_names():
    assert split_departments("各乡镇（街道）\n各村（社区）") == (["各乡镇（街道）", "各村（社区）"], False)


def test_a_name_wrapped_over_four_lines_of_a_narrow_cell_is_one_name():
    assert split_departments("西安市\n人力\n资源\n社会保障局") == (["西安市人力资源社会保障局"], False)
    assert split_departments("延安市\n发展\n和改\n革委员会") == (["延安市发展和改革委员会"], False)
    assert split_departments("汉中市\n乡村\n振兴\n局、汉中市\n教育局") == (["汉中市乡村振兴局", "汉中市教育局"], False)


def test_a_year_range_opening_the_text_is_the_task_period():
    # the text is cut after an opening bracket (its note on the next page): no name precedes the range
    (d,) = text_deadlines("2021—2025年期间，分批完成中小学老旧校舍改造（")
    assert (d.text, d.start, d.end, d.span) == ("2021—2025年期间", "2021-01-01", "2025-12-31", (0, 12))


def test_a_school_measure_lists_one_goal_and_one_deadline_a_paragraph():
    measure = school_measure({"measure": "开展教师培训", "goals": "培训教师200人次\n\n覆盖全部学科",
                              "units": "教务处、人事处", "deadlines": "2023年6月\n2023年12月"})
    assert (measure.measure, measure.goals, measure.units, measure.deadlines, measure.pairing) == \
        ("开展教师培训", ["培训教师200人次", "覆盖全部学科"], ["教务处", "人事处"], ["2023年6月", "2023年12月"], "aligned")
