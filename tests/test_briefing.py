"""The Word briefing, built from a real store of the examples, opened again and checked against the store; then
converted by LibreOffice to PDF and its first page kept as a PNG under test-output/briefing/ for a person."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from policykg.app.briefing import BODY_FONT, HEADING_FONT, BriefingError, build_briefing
from policykg.app.briefing_data import briefing_tasks, focus_departments
from policykg.app.briefing_figure import cjk_font_path, figure_png, missing_glyphs
from policykg.app.cli import app
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.graph.views.subgraph import Selection
from policykg.queries.registry import Registry
from policykg.queries.runner import run

from test_export import build_example_store

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "test-output" / "briefing"
AS_OF = date(2024, 6, 30)
JX = "江西省教育厅"
JY_DOC = "003_7fdab2a4388eb7e7"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing-store") / "kg"
    build_example_store(path).close()
    return path


@pytest.fixture(scope="module")
def expected(store_path):
    """What the store answers (SPARQL canned queries), independently of the briefing code."""
    with OxigraphStore(str(store_path)) as store:
        registry = Registry.load()
        rows = run(registry.get("department-obligations"), store,
                   {"department": JX, "with_units": True, "limit": 10_000}).rows
        docs = run(registry.get("documents"), store, {}).rows
        graph = store.load_graph()
    titles = {r[0]: r[1] for r in docs}
    tasks: dict[tuple[str, str, str], dict] = {}
    for unit, role, doc, task_no, section, text, deadline, due, targets in rows:
        entry = tasks.setdefault((doc, task_no, text), {"roles": set(), "due": due, "targets": targets})
        entry["roles"].add(role)
    return {"tasks": tasks, "titles": titles, "graph": graph}


@pytest.fixture(scope="module")
def briefing(store_path, expected):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "jiangxi-education.docx"
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--department", JX, "--with-units", "--format", "docx",
                                 "--as-of", AS_OF.isoformat(), "-o", str(path), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    return path


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _task_rows(document):
    """Rows of the obligations table: (number, text, targets, responsible, implements, source); group rows apart."""
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    groups, rows = [], []
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len(set(cells)) == 1:
            groups.append(cells[0])
        else:
            rows.append(cells)
    return groups, rows


def test_every_task_of_the_store_is_one_row_with_its_source(briefing, expected):
    document = Document(str(briefing))
    groups, rows = _task_rows(document)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    labels = _labels(document)        # each document named once in the scope, cited by its label
    want = {(text, f"《{expected['titles'][doc]}》第{no}项") for doc, no, text in expected["tasks"]}
    got = {(r[1].split("\n（时限：")[0], labels[r[5][0]] + r[5][1:]) for r in rows}
    assert got == want and len(rows) == len(expected["tasks"]) == 45
    # targets in the row are the store's targets of that task
    by_text = {text: e for (doc, no, text), e in expected["tasks"].items()}
    for r in rows:
        assert set(filter(None, r[2].split("、"))) == set(by_text[r[1].split("\n（时限：")[0]]["targets"])


def _labels(document) -> dict[str, str]:
    """{"①": "《title》"} from the scope's list of documents."""
    scope = next(p.text for p in document.paragraphs if p.text.startswith("涉及文件"))
    return dict(re.findall(r"([①-⑩])(《.+?》)(?=[；。])", scope))


def test_rows_are_grouped_by_deadline_as_of_the_date(briefing, expected):
    document = Document(str(briefing))
    groups, rows = _task_rows(document)
    dues = [e["due"] for e in expected["tasks"].values()]
    passed = sum(1 for d in dues if d and date.fromisoformat(d) < AS_OF)
    coming = sum(1 for d in dues if d and date.fromisoformat(d) >= AS_OF)
    undated = sum(1 for d in dues if not d)
    counted = {"已到期": 0, "未到期": 0, "无明确时限": 0}
    for g in groups:
        n = int(g.rsplit("共", 1)[1].rstrip("项"))
        counted[next(k for k in counted if k in g)] += n
    assert counted == {"已到期": passed, "未到期": coming, "无明确时限": undated}
    assert groups[0].startswith("2022年12月31日前完成（已到期）")      # earliest first
    assert groups[-1].startswith("无明确时限")


def test_headline_figures_match_the_store(briefing, expected):
    document = Document(str(briefing))
    text = _text(document)
    tasks = expected["tasks"].values()
    lead = sum(1 for e in tasks if "lead" in e["roles"])
    support = sum(1 for e in tasks if e["roles"] == {"support"})
    assert f"共梳理任务{len(tasks)}项" in text
    assert f"{JX}牵头{lead}项、配合{support}项" in text
    assert "江西省教育厅及其内设机构、下属单位承担的任务" in text       # the selection in words
    assert "数据截至2024年6月30日" in text
    figures = [c.text for c in document.tables[0].rows[1].cells]
    assert figures[:3] == [str(len(tasks)), str(lead), str(support)]


def test_official_document_layout(briefing):
    document = Document(str(briefing))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    fonts = {name: document.styles[name].element.rPr.find(qn("w:rFonts")) for name in ("Normal", "Heading 1", "Title")}
    assert fonts["Normal"].get(qn("w:eastAsia")) == BODY_FONT == "仿宋"
    assert fonts["Heading 1"].get(qn("w:eastAsia")) == HEADING_FONT == "黑体"
    assert fonts["Title"].get(qn("w:eastAsia")) == "黑体"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    font_table = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")).blob
    assert "FangSong".encode() in font_table and "SimHei".encode() in font_table
    assert len(document.inline_shapes) == 1          # the figure


def test_figure_font_has_every_character(expected):
    graph = expected["graph"]
    selection = Selection(department=JX, with_units=True)
    tasks = briefing_tasks(graph, selection)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # matplotlib warns "Glyph ... missing from font": fail on it
        png, texts = figure_png(graph, tasks, focus_departments(graph, selection), JX)
    assert png.startswith(b"\x89PNG") and len(texts) > 10
    assert not missing_glyphs("".join(texts))
    assert cjk_font_path().suffix in (".otf", ".ttf", ".ttc")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figure.png").write_bytes(png)


def test_a_notice_is_cited_by_the_document_it_issues(store_path, tmp_path):
    """关于印发《X》的通知: rows cite 《X》; the 文号 in its text is the cited provincial document's, never used."""
    with OxigraphStore(str(store_path)) as store:
        graph = store.load_graph()
    result = build_briefing(graph, Selection(document=JY_DOC), tmp_path / "doc.docx", as_of=AS_OF)
    document = Document(str(tmp_path / "doc.docx"))
    _, rows = _task_rows(document)
    name = "《江阴市推进职业教育改革创新 打造高质量发展样板的实施方案》"
    assert _labels(document)["①"] == name
    assert rows and all(re.fullmatch(r"①第\d+项", r[5]) for r in rows)
    assert name in result.description
    assert "苏政发" not in "\n".join(r[5] for r in rows) + _text(document)


def test_empty_selection_is_refused(store_path, tmp_path):
    with OxigraphStore(str(store_path)) as store:
        graph = store.load_graph()
    with pytest.raises(BriefingError):
        build_briefing(graph, Selection(department=JX, deadline_from=date(2040, 1, 1)), tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.libreoffice
def test_libreoffice_converts_it_and_the_first_page_is_kept(briefing, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "lo-profile"     # a private profile: no clash with another LibreOffice running
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(OUT), str(briefing)], capture_output=True, timeout=240)
    pdf = OUT / (briefing.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr.decode(errors="replace")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True).stdout
    assert "江西省教育厅任务清单简报" in text.decode("utf-8")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(OUT / (briefing.stem + "-page1"))], check=True)
    assert (OUT / (briefing.stem + "-page1.png")).stat().st_size > 10_000
