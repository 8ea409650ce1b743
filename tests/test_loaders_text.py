"""Text task lists: encodings, traditional script, and the layouts beyond the five examples (pipe tables,
box-drawing tables with merges, 牵头单位/配合单位 lines), each a small constant fixture."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from policykg.loaders import LoaderError, extract_file, read
from policykg.loaders.normalize import clean_text, is_traditional

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "loaders"
SEED = EXAMPLES / "002_9942bf19912af7cb.txt"


def records(path):
    out = []
    for t in extract_file(path).tasks:
        j = t.to_json()
        j.pop("provenance")
        for fact in j["targets"] + j["deadlines"]:
            fact.pop("span")            # positions in the file's own text, which differs between formats
        out.append(j)
    return out


@pytest.mark.parametrize("encoding,bom", [
    ("gbk", b""), ("gb18030", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
])
def test_same_records_in_every_encoding(tmp_path, encoding, bom):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / SEED.name
    path.write_bytes(bom + text.encode(encoding))
    assert records(path) == records(SEED)


def test_gbk_of_004_with_its_variant_characters(tmp_path):
    """004 holds 庁 髙 釆 領, which GBK can encode; the variants are mapped the same after decoding."""
    src = EXAMPLES / "004_2a2449f2b149ce8a.txt"
    path = tmp_path / src.name
    path.write_bytes(src.read_text(encoding="utf-8").encode("gbk"))
    assert read(path).encoding == "gb18030"
    assert records(path) == records(src)


def test_unknown_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(128, 256)) * 40 + b"\x00\x01\x02" * 50)
    with pytest.raises(LoaderError) as e:
        read(path)
    assert str(e.value).startswith(str(path)) and ("binary" in str(e.value) or "encoding" in str(e.value))


def test_traditional_input_is_converted():
    path = FIXTURES / "traditional_table.txt"
    assert is_traditional(path.read_text(encoding="utf-8"))
    src = read(path)
    assert src.converted_traditional
    tasks = extract_file(path).tasks
    assert [t.departments for t in tasks] == [["省委组织部", "省教育厅"], ["省教育厅", "省发展改革委", "各市人民政府"],
                                              ["省人力资源社会保障厅", "省教育厅"]]
    assert tasks[0].text == "加强职业院校治理体系建设，建立公办高等职业院校领导干部选用机制"
    assert tasks[1].quantities == ["50所左右", "100个左右"]


def test_simplified_text_with_a_stray_traditional_character_is_not_converted():
    """004 prints 領 once: a variant, not a traditional document (t2s could alter valid simplified text)."""
    src = read(EXAMPLES / "004_2a2449f2b149ce8a.txt")
    assert not src.converted_traditional
    assert "领导" in clean_text(src.tables[0].rows[2][1])


def test_markdown_pipe_table():
    tasks = extract_file(FIXTURES / "pipe_table.md").tasks
    assert [t.task_no for t in tasks] == ["1", "2", "3"]
    assert tasks[0].departments == ["财务处", "职成处"] and tasks[0].lead == ["职成处"]   # （牵头） marker
    assert tasks[0].deadlines[0].end == "2022-12-31" and tasks[0].deadlines[0].kind.value == "by-date"
    assert tasks[1].deadlines[0].kind.value == "recurring" and tasks[1].frequencies == ["每年"]
    assert tasks[1].targets[0].qualifier.value == "at-least" and tasks[1].quantities == ["5000人次"]
    assert tasks[2].deadlines[0].kind.value == "ongoing" and tasks[2].quantities == ["95%以上"]


def test_box_drawing_table_with_wrapped_cells():
    tasks = extract_file(FIXTURES / "box_table.txt").tasks
    assert tasks[0].text == "推进中职学校达标建设，建成20所标准化学校。"
    assert tasks[0].departments == ["市教育局", "市财政局"] and tasks[0].deadline == "2023年"
    assert tasks[1].departments == ["市人社局", "市工信局", "市教育局"] and tasks[1].lead == ["市人社局"]
    assert tasks[1].deadline == "2024年6月底前" and tasks[1].deadlines[0].end == "2024-06-30"
    assert tasks[1].quantities == ["50家以上"]


def test_box_drawing_table_with_a_merged_group_column():
    tasks = extract_file(FIXTURES / "box_merged.txt").tasks
    assert [(t.task_no, t.section) for t in tasks] == [("1", "师资队伍建设"), ("2", "师资队伍建设"), ("3", "经费保障")]
    assert tasks[2].targets[0].value == 12000 and tasks[2].targets[0].qualifier.value == "at-least"


def test_lead_and_support_label_lines():
    tasks = extract_file(FIXTURES / "label_lines.txt").tasks
    assert [t.task_no for t in tasks] == ["1", "2", "3", "④"]
    t1, t2, t3, t4 = tasks
    assert t1.section == "一、提升办学水平" and t1.lead == ["县教育局"]
    assert t1.departments == ["县教育局", "县发展改革局", "县财政局", "各乡镇人民政府"]
    assert t1.deadline == "2022年12月底前"
    assert t2.departments == ["县教育局", "县人社局"] and t2.departments_open and t2.deadline == "2025年"
    assert t3.section == "二、加强保障" and t3.lead == ["县财政局"] and t3.departments == ["县财政局", "县教育局"]
    assert t3.text == "落实教育经费“两个只增不减”要求。"
    assert t4.departments == ["县政府教育督导室"] and t4.frequencies == ["每学期"]


def test_prose_before_the_annex_table_is_not_tasks():
    """003 numbers its prose measures 1．2．3． too; only the annex table rows (with units) are tasks."""
    tasks = extract_file(EXAMPLES / "003_7fdab2a4388eb7e7.txt").tasks
    assert len(tasks) == 31 and all(t.provenance.location.startswith("table") for t in tasks)
    assert tasks[-1].deadline == "持续推进"          # page footers "— 12 —" are not part of the cell


def test_spans_point_into_the_normalised_text():
    result = extract_file(EXAMPLES / "004_2a2449f2b149ce8a.txt")
    for t in result.tasks:
        a, b = t.provenance.span
        assert result.text[a:b] == t.text


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"   \n\n  ", "empty file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "LibreOffice"),   # converted, or how to get it
    (b"%PDF-1.4 ...", "PDF"),
])
def test_unreadable_files(tmp_path, content, reason):
    path = tmp_path / "f.txt"
    path.write_bytes(content)
    with pytest.raises(LoaderError) as e:
        read(path)
    assert reason in str(e.value) and str(path) in str(e.value)


def test_doc_extension_with_old_format(tmp_path):
    path = tmp_path / "list.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(LoaderError, match="LibreOffice"):     # a damaged .wps: the conversion fails clearly
        read(path)


def test_folder_listing_reports_unreadable_formats(tmp_path):
    from policykg.loaders import iter_input_files

    for name in ("b.txt", "a.docx", "c.doc", "d.pdf", "notes.yaml", ".hidden.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_input_files([tmp_path])] == ["a.docx", "b.txt", "c.doc", "d.pdf"]


def test_measure_column_as_task_text_and_hierarchical_numbers(tmp_path):
    """序号 | 重点任务 | 具体举措 | 责任单位: the measure is the task, the 重点任务 its group; numbers like 1.1."""
    path = tmp_path / "measures.txt"
    path.write_text(
        "序号\t重点任务\t具体举措\t责任单位\t完成时间\n"
        "1.1\t提升办学条件\t新建实训基地5个。\t市教育局\t2023年\n"
        "1.2\t\t改造校舍10万平方米。\t市教育局、市住建局\t2024年底前\n"
        "2.1\t深化产教融合\t组建职教集团2个左右。\t市发展改革委\t持续推进\n", encoding="utf-8")
    tasks = extract_file(path).tasks
    assert [(t.task_no, t.section) for t in tasks] == [("1.1", "提升办学条件"), ("1.2", "提升办学条件"),
                                                       ("2.1", "深化产教融合")]
    assert tasks[1].text == "改造校舍10万平方米。" and tasks[1].targets[0].value == 100000
    assert tasks[1].departments == ["市教育局", "市住建局"] and tasks[2].quantities == ["2个左右"]
    assert not tasks[0].has_school_columns


def test_paragraph_tasks_with_inline_labels(tmp_path):
    path = tmp_path / "inline.txt"
    path.write_text(
        "一、重点任务\n"
        "1．完善职业教育投入机制，2022年底前出台实施办法。责任单位：市财政局、市教育局。\n"
        "2．加强督导检查。（牵头单位：市政府教育督导室；配合单位：市教育局；完成时限：2023年6月）\n",
        encoding="utf-8")
    t1, t2 = extract_file(path).tasks
    assert t1.text == "完善职业教育投入机制，2022年底前出台实施办法。"
    assert t1.departments == ["市财政局", "市教育局"] and t1.deadline == "2022年底前"
    assert t2.lead == ["市政府教育督导室"] and t2.departments == ["市政府教育督导室", "市教育局"]
    assert t2.deadline == "2023年6月" and t2.deadlines[0].end == "2023-06-30"


def test_short_gbk_file_is_decoded_as_gbk(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("序号\t任务\t责任单位\n1\t建设基地\t省教育厅\n".encode("gbk"))
    assert extract_file(path).tasks[0].departments == ["省教育厅"]


def test_wrapped_paragraph_task_with_responsibility_on_its_own_line(tmp_path):
    path = tmp_path / "wrapped.txt"
    path.write_text("一、加强保障\n1．健全经费投入机制，\n逐步提高生均拨款标准。\n（责任单位：市财政局、市教育局）\n"
                    "2．另起一项任务。（责任单位：市人社局）\n", encoding="utf-8")
    t1, t2 = extract_file(path).tasks
    assert t1.text == "健全经费投入机制，逐步提高生均拨款标准。" and t1.departments == ["市财政局", "市教育局"]
    assert t2.departments == ["市人社局"]


def test_tab_rows_with_heading_lines_and_lead_support_columns():
    tasks = extract_file(FIXTURES / "tab_headings.txt").tasks
    assert [(t.task_no, t.section) for t in tasks] == [("1", "一、加强党的领导"), ("2", "一、加强党的领导"),
                                                       ("3", "二、优化布局")]
    assert tasks[0].lead == ["市委组织部"] and tasks[0].departments == ["市委组织部", "市教育局"]
    assert tasks[2].departments == ["市发展改革委", "市教育局", "市自然资源局"]


def test_pipe_table_cell_breaks(tmp_path):
    path = tmp_path / "br.md"
    path.write_text("| 序号 | 重点任务 | 责任单位 |\n|---|---|---|\n| 1 | 建设平台。 | 市教育局<br>市财政局 |\n",
                    encoding="utf-8")
    assert extract_file(path).tasks[0].departments == ["市教育局", "市财政局"]


@pytest.mark.parametrize("header,role", [
    ("序号", "no"), ("编 号", "no"), ("主　要　任　务", "text"), ("任务内容", "text"), ("政 策 内 容", "text"),
    ("具体任务", "text"), ("重点任务", "text"), ("工作任务", "text"), ("责任单位（部门）", "depts"),
    ("责任处室", "depts"), ("牵头单位", "lead"), ("配合单位", "support"), ("参与单位", "support"),
    ("协同单位", "support"), ("完成时限", "deadline"), ("完成年限", "deadline"), ("时间节点", "deadline"),
    ("时间进度", "deadline"), ("责任单位及责任人", "depts"), ("责任人", None), ("备注", "note"),
])
def test_header_synonyms(header, role):
    from policykg.loaders.segment import header_role

    assert header_role(header) == role


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_every_example_in_traditional_script_reads_the_same(tmp_path, example):
    from opencc import OpenCC

    path = tmp_path / example.name
    path.write_text(OpenCC("s2t").convert(example.read_text(encoding="utf-8")), encoding="utf-8")
    fields = ("task_no", "section", "text", "departments", "lead", "deadline", "quantities")
    got = [{k: r[k] for k in fields} for r in records(path)]
    assert got == [{k: r[k] for k in fields} for r in records(example)]


def test_table_without_a_header_row():
    """Roles inferred from the cells: numbers, the long task text, unit names, dates; a task whose unit
    column is empty takes the （责任单位：…） ending its text."""
    tasks = extract_file(FIXTURES / "no_header.txt").tasks
    assert [t.task_no for t in tasks] == ["1", "2", "3"]
    assert tasks[0].departments == ["市教育局", "市财政局"] and tasks[0].deadline == "2023年"
    assert tasks[1].deadline == "持续推进" and tasks[1].quantities == ["500人次以上"]
    assert tasks[2].text == "完善督导制度。" and tasks[2].departments == ["市督导室"]


def test_a_contact_table_is_not_a_task_list(tmp_path):
    path = tmp_path / "contacts.txt"
    path.write_text("1\t张三\t市教育局\t0510-1234567\n2\t李四\t市财政局\t0510-7654321\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="no recognisable task list"):
        extract_file(path)


def test_target_and_deadline_spans_index_the_full_text():
    result = extract_file(EXAMPLES / "000_e0bd7c87301b5859.txt")
    facts = [(f.text, f.span) for t in result.tasks for f in [*t.targets, *t.deadlines] if f.span]
    assert len(facts) >= 20
    for text, (a, b) in facts:
        assert result.text[a:b] == text


def test_big5_traditional_file(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes((FIXTURES / "traditional_table.txt").read_text(encoding="utf-8").encode("big5"))
    src = read(path)
    assert src.encoding == "big5" and src.converted_traditional
    assert extract_file(path).tasks[2].departments == ["省人力资源社会保障厅", "省教育厅"]


def test_a_100000_row_table_keeps_every_row():
    """Task numbers past 999 are numbers (a 100,000-row table once stopped at task 999 and exited 0)."""
    import resource
    import time

    from policykg.loaders import extract, read_bytes

    rows = ["序号\t工作任务\t责任单位"] + [f"{k}\t推进第{k}项改革任务。\t省教育厅、省财政厅" for k in range(1, 100_001)]
    started = time.process_time()
    result = extract(read_bytes("\n".join(rows).encode("utf-8"), "big.txt"))
    print(f"\n100,000-row table: {len(result.tasks)} tasks in {time.process_time() - started:.1f} s CPU, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    assert [t.task_no for t in result.tasks] == [str(k) for k in range(1, 100_001)]
    assert not result.problems


def test_gbk_text_after_a_utf8_byte_order_mark_is_read():
    import codecs

    from policykg.loaders.text_reader import decode

    text = "一、重点任务\n1．完善职业教育投入机制。（责任单位：市财政局、市教育局）\n"
    decoded, encoding = decode(codecs.BOM_UTF8 + text.encode("gbk"), "bom_gbk.txt")
    assert decoded == text and encoding == "gb18030"
