"""Word files: python-docx replicas of every example layout (merged cells, automatic numbering) give the same
records as the text renderings; a LibreOffice-written .docx reads correctly; corrupt packages fail clearly."""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from policykg.loaders import LoaderError, extract_file, read
from policykg.loaders.docx_writer import write_docx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
FIXTURES = ROOT / "tests" / "fixtures" / "loaders"


def records(path, doc=None):
    out = []
    for t in extract_file(path).tasks:
        j = t.to_json()
        j.pop("provenance")
        for fact in j["targets"] + j["deadlines"]:
            fact.pop("span")            # positions in the file's own text, which differs between formats
        j["doc"] = doc or j["doc"]
        out.append(j)
    return out


@pytest.fixture(scope="module")
def replicas(tmp_path_factory) -> dict[str, Path]:
    """Each example rebuilt as the Word file it was rendered from (tables with merged cells)."""
    folder = tmp_path_factory.mktemp("docx")
    return {p.stem: write_docx(read(p).blocks, folder / f"{p.stem}.docx") for p in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem[:3])
def test_docx_replica_gives_the_same_records(example, replicas):
    docx_path = replicas[example.stem]
    assert records(docx_path) == records(example)


def test_replica_of_004_really_has_merged_cells(replicas):
    xml = zipfile.ZipFile(replicas["004_2a2449f2b149ce8a"]).read("word/document.xml").decode()
    assert xml.count('w:vMerge w:val="restart"') == 11      # the 12 主要任务 groups, one of a single row
    assert 'w:gridSpan w:val="4"' in xml                   # the two-level header
    rows = read(replicas["004_2a2449f2b149ce8a"]).tables[0].rows
    # a vertically merged group cell is read once, in its first row; merged header cells are not repeated
    assert rows[0][:5] == ["部省共建任务", "", "", "", "落实具体措施"]
    assert rows[2][1].startswith("加强党对职业教育") and rows[3][1] == "" and rows[4][1] == ""


def test_automatic_word_numbering_is_read(tmp_path):
    """000's task numbers as Word list numbering (List Number style) instead of typed text."""
    example = EXAMPLES[0]
    path = write_docx(read(example).blocks, tmp_path / "numbered.docx", numbered_style="List Number")
    assert "扎实推进" in Document(path).paragraphs[3].text and not Document(path).paragraphs[3].text[0].isdigit()
    assert records(path, doc=example.stem) == records(example)


def test_paragraphs_and_tables_in_document_order(tmp_path):
    d = Document()
    d.add_paragraph("一、总体任务")
    d.add_paragraph("1. 完善职业教育制度。（牵头单位：省教育厅；配合单位：省财政厅）")
    t = d.add_table(rows=3, cols=3)
    for j, h in enumerate(["序号", "重点任务", "责任单位"]):
        t.cell(0, j).text = h
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "2", "建设20个实训基地。", "省人社厅"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "3", "到2025年培训教师1万人次。", "省教育厅\n省财政厅"
    path = tmp_path / "mixed.docx"
    d.save(path)
    src = read(path)
    assert [type(b).__name__ for b in src.blocks] == ["Paragraph", "Paragraph", "Table"]
    tasks = {t.task_no: t for t in extract_file(path).tasks}
    assert tasks["1"].lead == ["省教育厅"] and tasks["1"].departments == ["省教育厅", "省财政厅"]
    assert tasks["3"].departments == ["省教育厅", "省财政厅"]
    assert tasks["3"].targets[0].value == 10000 and tasks["3"].deadline == "到2025年"


def test_libreoffice_docx_fixture():
    """A .docx written by LibreOffice (from libreoffice_source.html: rowspan groups, colspan headings,
    separate 牵头/配合 columns)."""
    result = extract_file(FIXTURES / "libreoffice_table.docx")
    tasks = {t.task_no: t for t in result.tasks}
    assert sorted(tasks) == ["1", "2", "3", "4"]
    assert tasks["2"].section == "基础建设" and tasks["4"].section == "校企合作"   # merged group carried down
    assert tasks["1"].lead == ["市教育局"] and tasks["1"].departments == ["市教育局", "市发展改革委", "市财政局"]
    assert tasks["3"].departments[-1] == "各县(市、区)人民政府"
    assert tasks["4"].departments_open and tasks["4"].deadlines[0].end == "2024-06-30"
    assert tasks["4"].targets[0].qualifier.value == "range" and tasks["4"].targets[0].value_high == 5


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                    reason="LibreOffice not installed (never skipped under CI)")
def test_soffice_conversion_round_trip(tmp_path):
    """Convert the HTML source with the real soffice now and read the result like the stored fixture."""
    src = tmp_path / "list.html"
    shutil.copy(FIXTURES / "libreoffice_source.html", src)
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, text=True, timeout=180)
    out = tmp_path / "list.docx"
    assert out.exists(), proc.stdout + proc.stderr
    assert records(out, doc="x") == records(FIXTURES / "libreoffice_table.docx", doc="x")


def test_corrupt_docx_is_a_clear_error(tmp_path):
    good = EXAMPLES[1]
    path = write_docx(read(good).blocks, tmp_path / "ok.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(LoaderError) as e:
        read(broken)
    assert "broken.docx" in str(e.value) and "corrupt" in str(e.value) and "\n" not in str(e.value)


def test_docx_named_txt_is_read_as_docx(tmp_path):
    """The format comes from the bytes, never from the extension."""
    path = write_docx(read(EXAMPLES[2]).blocks, tmp_path / "x.docx")
    renamed = tmp_path / "002_9942bf19912af7cb.txt"
    renamed.write_bytes(path.read_bytes())
    assert read(renamed).encoding == "docx"
    assert records(renamed) == records(EXAMPLES[2])


def test_two_level_header_auto_numbered_cells_and_a_continued_table(tmp_path):
    """责任单位 over 牵头 | 配合, the 序号 column numbered by Word, and the table continued after a page break
    as a second table without a header (all common in real files)."""
    d = Document()
    d.add_paragraph("附件")
    d.add_paragraph("重点任务分工方案")
    t = d.add_table(rows=4, cols=5)
    head = t.cell(0, 2).merge(t.cell(0, 3))
    head.text = "责任单位"
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 4).text = "序号", "重点任务", "完成时限"
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 4).merge(t.cell(1, 4))
    t.cell(1, 2).text, t.cell(1, 3).text = "牵头单位", "配合单位"
    rows = [("推进产教融合，培育企业30家。", "市发展改革委", "市教育局、市工信局", "2023年底前"),
            ("建设职业教育信息化平台。", "市教育局", "市大数据局", "2024年")]
    for i, (text, lead, sup, when) in enumerate(rows, start=2):
        t.cell(i, 0).paragraphs[0].style = "List Number"   # the number is Word's, not typed
        t.cell(i, 1).text, t.cell(i, 2).text, t.cell(i, 3).text, t.cell(i, 4).text = text, lead, sup, when
    d.add_paragraph("")
    t2 = d.add_table(rows=1, cols=5)
    t2.cell(0, 0).text = "3"
    t2.cell(0, 1).text, t2.cell(0, 2).text, t2.cell(0, 3).text, t2.cell(0, 4).text = (
        "完善督导评估制度。", "市教育局", "市人社局", "持续推进")
    path = tmp_path / "two_level.docx"
    d.save(path)
    tasks = extract_file(path).tasks
    assert [t.task_no for t in tasks] == ["1", "2", "3"]
    assert tasks[0].lead == ["市发展改革委"] and tasks[0].departments == ["市发展改革委", "市教育局", "市工信局"]
    assert tasks[0].deadlines[0].end == "2023-12-31" and tasks[0].quantities == ["30家"]
    assert tasks[2].lead == ["市教育局"] and tasks[2].deadline == "持续推进"
