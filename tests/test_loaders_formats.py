"""Saved web pages, PDF, Excel, and old Word/WPS/OpenDocument/RTF files give the same records as the text
files (issue 17).

* The 15 real portal pages (tests/fixtures/corpus/html) against their text renderings (corpus/docs): the same
  records, and the same paragraph stream except the page chrome the reader drops on purpose.
* Files written by a program no one here wrote: LibreOffice converts the examples' Word versions to .pdf,
  .html, .xlsx (and .xls), .odt, .doc (and the .doc renamed .wps, as Kingsoft's format is Word 97's) and .rtf; each,
  read back, gives the examples' records and scores 1.000 against the hand-checked gold (PDF: all but 7
  school measures of 004, see the test).
* Bad input (encrypted or damaged PDF, a scan, a locked workbook, a page without an article, a conversion
  that hangs or crashes, a zip bomb): one line naming the file and the reason, the run's other files read.

LibreOffice tests carry the ``libreoffice`` marker: without soffice they fail under CI (env CI set) and are
skipped with the reason elsewhere. Conversions are made once per test session.
"""
from __future__ import annotations

import difflib
import email.charset
import email.mime.multipart
import email.mime.text
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from helpers.chromium_print import print_pages
from helpers.scoring import read_jsonl, score_end_to_end
from policykg.loaders import LoaderError, extract_file, iter_input_files, read
from policykg.loaders.docx_writer import write_docx
from policykg.loaders.source import Paragraph

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PAGES = sorted((CORPUS / "html").glob("*.html"))
GOLD = ROOT / "tests" / "fixtures" / "seeds_gold" / "seeds.jsonl"
POLICYKG = ROOT / ".venv" / "bin" / "policykg"

# Lines of the text renderings that the HTML reader drops on purpose: page chrome between the headline and
# the article body (render.py kept everything inside the cut line range). Measured, one list per page.
CHROME = {
    "33_beijing_canyin_2025": ["公报PDF", "PDF格式下载收藏取消收藏打印字号：大中小"],
    "38_xining_fangdichan_2022": ["【字体:大中小】", "打印分享:"],
    "40_anyang_fangdichan_2022": ["分享："],
    "43_enshi_fangdichan_2022_draft": ["关注"],
    "45_fuzhou_fangdichan_2016": ["微信微博QQ空间", "全真版", "文字版", "文件下载", "相关链接："],
}
# Lines the HTML reader keeps that the renderings' cut ranges left out: the metadata block above 34's
# article and the trailing lines of two article blocks (a disclaimer, a "related reading" heading).
EXTRA = {
    "34_jilin_fangdichan_2023": 10,
    "39_luzhou_fangdichan_2023_draft": 1,
    "40_anyang_fangdichan_2022": 1,
}


def records(path, doc=None) -> list[dict]:
    """Every task as JSON, without what depends on the file's own layout (provenance, character spans)."""
    out = []
    for t in extract_file(path).tasks:
        j = t.to_json()
        j.pop("provenance")
        for fact in j["targets"] + j["deadlines"]:
            fact.pop("span")
        j["doc"] = doc or j["doc"]
        out.append(j)
    return out


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the real portal pages --------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:2])
def test_portal_page_gives_the_same_records_as_its_text_rendering(page):
    text_file = CORPUS / "docs" / f"{page.stem}.txt"
    from_html, from_text = records(page), records(text_file)
    assert from_html and from_html == from_text
    assert {r["doc"] for r in from_html} == {page.stem}         # same doc id: the file stem


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:2])
def test_portal_page_paragraphs_follow_the_text_rendering(page):
    """The article's paragraph stream equals the rendering's lines after whitespace removal, except the
    measured chrome and extra lines above; 37's <section> blocks, one line in the rendering (render.py
    knows no <section>), are separate paragraphs here, as a browser shows them."""
    got = [squeeze(b.text) for b in read(page).blocks if isinstance(b, Paragraph)]
    want = [squeeze(line) for line in (CORPUS / "docs" / f"{page.stem}.txt").read_text("utf-8").splitlines()]
    want = [line for line in want if line]
    if page.stem.startswith("37_"):
        assert "".join(got) == "".join(want)
        return
    ops = difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes()
    dropped = [line for op, a1, a2, _, _ in ops if op in ("delete", "replace") for line in want[a1:a2]]
    added = [line for op, _, _, b1, b2 in ops if op in ("insert", "replace") for line in got[b1:b2]]
    assert dropped == CHROME.get(page.stem, [])
    assert len(added) == EXTRA.get(page.stem, 0)


def test_gbk_page_and_web_archive(tmp_path):
    """The same page saved as GBK with a gb2312 declaration, and as a .mhtml web archive (quoted-printable)."""
    page = PAGES[0]
    html = page.read_text("utf-8")
    gbk = tmp_path / "gbk.html"
    gbk.write_bytes(html.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    assert read(gbk).encoding == "gb18030"
    charset = email.charset.Charset("utf-8")
    charset.body_encoding = email.charset.QP
    archive = email.mime.multipart.MIMEMultipart("related")
    archive.attach(email.mime.text.MIMEText(html, "html", charset))
    mhtml = tmp_path / "page.mhtml"
    mhtml.write_bytes(archive.as_bytes())
    assert b"quoted-printable" in mhtml.read_bytes()
    expected = records(page, doc="x")
    assert records(gbk, doc="x") == expected
    assert records(mhtml, doc="x") == expected


def test_html_tables_are_grids_with_spans_resolved(tmp_path):
    page = tmp_path / "t.html"
    page.write_text("""<html><head><title>某市重点任务分工</title></head><body>
      <div class="nav"><a href="/">首页</a> <a href="/x">政务公开</a></div>
      <div class="article"><h1>某市重点任务分工</h1>
      <p>为推动工作落实，现将重点任务分工如下。</p>
      <table><tr><th>序号</th><th>重点任务</th><th colspan="2">责任单位</th></tr>
      <tr><td>1</td><td>建设实训基地20个。</td><td rowspan="2">市教育局</td><td>市财政局</td></tr>
      <tr><td>2</td><td>培训教师<br>1000人次。</td><td>市人社局</td></tr></table></div>
      <div class="footer">版权所有 某市人民政府</div></body></html>""", encoding="utf-8")
    src = read(page)
    assert [b.text for b in src.paragraphs] == ["某市重点任务分工", "为推动工作落实，现将重点任务分工如下。"]
    assert src.tables[0].rows == [["序号", "重点任务", "责任单位", ""],
                                  ["1", "建设实训基地20个。", "市教育局", "市财政局"],
                                  ["2", "培训教师\n1000人次。", "", "市人社局"]]


def test_page_without_an_article_is_one_line_error(tmp_path):
    page = tmp_path / "portal.html"
    links = "".join(f'<li><a href="/n{i}">新闻标题第{i}条关于政务公开的通知</a></li>' for i in range(40))
    page.write_text(f"<html><head><title>首页</title></head><body><ul>{links}</ul></body></html>", "utf-8")
    with pytest.raises(LoaderError) as e:
        read(page)
    assert str(e.value).startswith(str(page)) and "without an article" in str(e.value) and "\n" not in str(e.value)


def test_folders_pick_up_the_new_formats(tmp_path):
    names = ["a.html", "b.htm", "c.mhtml", "d.pdf", "e.xlsx", "f.doc", "g.wps", "h.odt", "i.rtf", "j.txt", "k.png"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_input_files([tmp_path])] == names[:-1]


# --- files LibreOffice wrote ------------------------------------------------------------------------------

def _soffice() -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI: apt-get install libreoffice-writer "
                        "libreoffice-calc (scripts/setup.sh --test)", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed")
    return program


def _convert(program: str, profile: Path, target: str, files: list[Path], outdir: Path, infilter=None) -> None:
    cmd = [program, "--headless", f"-env:UserInstallation={profile.as_uri()}"]
    cmd += [f"--infilter={infilter}"] if infilter else []
    cmd += ["--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, capture_output=True, timeout=600, check=False)


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> dict[str, Path]:
    """Folder per format of the five examples, converted by LibreOffice once per session."""
    program = _soffice()
    base = tmp_path_factory.mktemp("formats")
    profile = base / "profile"
    docx = base / "docx"
    docx.mkdir()
    sources = [write_docx(read(p).blocks, docx / f"{p.stem}.docx") for p in EXAMPLES]
    out = {}
    for fmt in ("pdf", "html", "odt", "rtf"):
        _convert(program, profile, fmt, sources, base / fmt)
        out[fmt] = base / fmt
    # Calc opens the Writer HTML export: tables become merged cell ranges, paragraphs rows of column A
    _convert(program, profile, "xlsx", sorted(out["html"].glob("*.html")), base / "xlsx", "HTML (StarCalc)")
    out["xlsx"] = base / "xlsx"
    _convert(program, profile, "xls", sorted(out["xlsx"].glob("*.xlsx")), base / "xls")     # Excel 97 (BIFF8)
    out["xls"] = base / "xls"
    # .doc from the .odt: LibreOffice 7.4 drops python-docx tables when it writes a .doc straight from the .docx
    _convert(program, profile, "doc", sorted(out["odt"].glob("*.odt")), base / "doc")
    out["doc"] = base / "doc"
    out["wps"] = base / "wps"
    out["wps"].mkdir()
    for f in out["doc"].glob("*.doc"):
        shutil.copy(f, out["wps"] / f"{f.stem}.wps")
    return out


FORMATS = ["pdf", "html", "xlsx", "xls", "odt", "doc", "wps", "rtf"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_libreoffice_files_score_like_the_text_examples(fmt, converted, tmp_path):
    folder = converted[fmt]
    files = sorted(folder.glob(f"*.{fmt}"))
    if fmt in ("xlsx", "xls") and len(files) < len(EXAMPLES) and not os.environ.get("CI"):
        pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc)")
    assert len(files) == len(EXAMPLES), f"LibreOffice wrote {len(files)} .{fmt} files"
    out = tmp_path / "pred.jsonl"
    proc = subprocess.run([str(POLICYKG), "extract", "-q", str(folder)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out.write_text(proc.stdout, encoding="utf-8")
    result, _ = score_end_to_end(read_jsonl(GOLD), read_jsonl(out))
    figures = {k: round(result[k], 4) for k in ("task_recall", "task_precision", "text_accuracy", "department_f1",
                                                 "lead_accuracy", "deadline_accuracy", "quantity_f1")}
    assert figures == dict.fromkeys(figures, 1.0)                 # 247/247, department F1 1.000, all measured
    assert result["predicted_tasks"] == 247
    differing_school_measures = 0
    for f in files:                                             # and the very records of the text examples
        got, want = records(f), records(ROOT / "examples" / f"{f.stem}.txt")
        if fmt == "pdf":
            differing_school_measures += sum(g.pop("school_measures", None) != w.pop("school_measures", None)
                                             for g, w in zip(got, want))
        assert got == want, f.name
    # PDF only: 004's school columns are three characters wide and list one unit or goal a paragraph; a
    # paragraph that fills its last line exactly cannot be told from a wrapped line in an untagged PDF (no
    # indent, no spacing), so 7 of its 54 school measures join two units or goals (measured; none of the
    # scored fields is affected).
    assert differing_school_measures == (7 if fmt == "pdf" else 0)


@pytest.mark.libreoffice
@pytest.mark.browser
def test_tables_of_web_pages_printed_by_chromium(converted, tmp_path):
    """The examples' tables as web pages (LibreOffice's HTML) printed to PDF by Chromium: rows split at a page
    break are drawn open at the page's foot and head, the header row repeats on each page, and a group column
    (（三）校企合作…) runs across the break. Measured before the open rows were closed: 201 of 247 tasks."""
    out = print_pages(sorted(converted["html"].glob("*.html")), tmp_path / "chromium")
    proc = subprocess.run([str(POLICYKG), "extract", "-q", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    pred = tmp_path / "pred.jsonl"
    pred.write_text(proc.stdout, encoding="utf-8")
    result, notes = score_end_to_end(read_jsonl(GOLD), read_jsonl(pred))
    figures = {k: round(result[k], 4) for k in ("task_recall", "task_precision", "text_accuracy", "department_f1",
                                                 "lead_accuracy", "deadline_accuracy", "quantity_f1")}
    assert result["predicted_tasks"] == 247, notes[:5]
    assert figures == dict.fromkeys(figures, 1.0), notes[:5]


@pytest.mark.libreoffice
def test_pdf_and_xlsx_provenance_names_page_and_sheet(converted):
    pdf = read(converted["pdf"] / "004_2a2449f2b149ce8a.pdf")
    assert pdf.tables[0].row_origins[2] == "page 1" and pdf.origin("table 1, row 3") == "page 1"
    assert any("–" in o for o in pdf.tables[0].row_origins)      # a row split over two pages, carried over
    assert pdf.paragraphs[0].origin == "page 1, line 1"
    xlsx_file = converted["xlsx"] / "001_8158844c7a4eb5af.xlsx"
    if not xlsx_file.exists():
        pytest.skip("LibreOffice Calc is not installed")
    xlsx = read(xlsx_file)
    assert xlsx.origin("table 1, row 1").startswith("sheet ") and ", row " in xlsx.origin("table 1, row 1")
    assert xlsx.paragraphs[0].origin.endswith("cell A1")


# --- bad input --------------------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_encrypted_and_damaged_pdfs(converted, tmp_path):
    program = _soffice()
    options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    source = next((converted["odt"]).glob("001_*.odt"))
    locked_dir = tmp_path / "locked"
    _convert(program, tmp_path / "profile", options, [source], locked_dir)
    locked = next(locked_dir.glob("*.pdf"))
    good = next(converted["pdf"].glob("001_*.pdf"))
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:3000])
    for path, reason in ((locked, "password-protected PDF"), (truncated, "corrupt PDF")):
        with pytest.raises(LoaderError) as e:
            read(path)
        assert str(e.value).startswith(str(path)) and reason in str(e.value) and "\n" not in str(e.value)


def _blank_pdf() -> bytes:
    """A one-page PDF written by hand whose page shows nothing (what Chromium prints of a page whose text its
    scripts would have drawn)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
               b"<</Length 24>>stream\n0 0 m 500 700 l S\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_scanned_pdf_says_it_has_no_text_layer(tmp_path):
    from PIL import Image, ImageDraw

    page = Image.new("L", (600, 800), 255)             # a scanned page: an image of text, no text layer
    ImageDraw.Draw(page).rectangle((50, 50, 550, 90), fill=0)
    path = tmp_path / "scan.pdf"
    page.save(path, "PDF")                              # Pillow writes the PDF: one image per page
    with pytest.raises(LoaderError) as e:
        read(path)
    assert str(e.value).startswith(str(path)) and "scanned PDF" in str(e.value)
    assert "without a text layer" in str(e.value) and "\n" not in str(e.value)


def test_blank_pdf_is_not_called_a_scan(tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(_blank_pdf())
    with pytest.raises(LoaderError) as e:
        read(path)
    assert str(e.value).startswith(str(path)) and "blank PDF: 1 page(s) with neither text nor drawing" in str(e.value)
    assert "scanned" not in str(e.value) and "\n" not in str(e.value)


def test_password_protected_workbook(tmp_path):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (test extra) writes the locked file")
    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "重点任务", "责任单位"])
    wb.active.append([1, "建设实训基地20个。", "市教育局"])
    wb.save(plain)
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as fin, open(locked, "wb") as fout:
        OOXMLFile(fin).encrypt("secret", fout)
    with pytest.raises(LoaderError) as e:
        read(locked)
    assert str(e.value).startswith(str(locked)) and "password-protected" in str(e.value)
    assert extract_file(plain).tasks[0].departments == ["市教育局"]


def test_zip_bombs_are_refused_before_inflating(tmp_path, monkeypatch):
    docx = write_docx(read(EXAMPLES[1]).blocks, tmp_path / "ok.docx")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))   # 3 MB inflated, a few KB stored
    monkeypatch.setenv("POLICYKG_MAX_UNZIPPED_MB", "2")
    with pytest.raises(LoaderError, match=r"over the limit of 2 MB \(max_unzipped_mb, POLICYKG_MAX_UNZIPPED_MB\)"):
        read(bomb)
    assert read(docx).tables                                     # the same package without the padding is read
    monkeypatch.setenv("POLICYKG_MAX_ZIP_MEMBERS", "5")
    with pytest.raises(LoaderError, match=r"members, over the limit of 5 \(max_zip_members"):
        read(docx)


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return script


def test_a_hanging_conversion_is_killed_and_the_run_goes_on(tmp_path):
    """A soffice that never returns (and starts a child, as the real one does): the file fails within the
    time limit with one line, the process group is gone, the other file of the run is still extracted."""
    pidfile = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f"sleep 300 &\necho $! > {pidfile}\nwait")
    files = tmp_path / "in"
    files.mkdir()
    (files / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    shutil.copy(EXAMPLES[1], files / "good.txt")
    env = {**os.environ, "POLICYKG_SOFFICE": str(fake), "POLICYKG_CONVERT_TIMEOUT": "3"}
    start = time.monotonic()
    proc = subprocess.run([str(POLICYKG), "extract", "-q", str(files)], capture_output=True, text=True, env=env,
                          timeout=120)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1 and len(proc.stdout.splitlines()) == 56
    errors = [line for line in proc.stderr.splitlines() if line.startswith("policykg: ")]
    assert len(errors) == 1 and "old.doc" in errors[0] and "within 3 s" in errors[0] and "killed" in errors[0]
    assert elapsed < 60
    child = int(pidfile.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_a_crashing_conversion_and_a_missing_libreoffice(tmp_path, monkeypatch):
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    monkeypatch.setenv("POLICYKG_SOFFICE", str(_fake_soffice(tmp_path, "kill -SEGV $$")))
    with pytest.raises(LoaderError) as e:
        read(doc)
    assert "LibreOffice could not convert the .doc file" in str(e.value) and "signal 11" in str(e.value)
    monkeypatch.setenv("POLICYKG_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(LoaderError) as e:
        read(doc)
    assert "apt-get install libreoffice-writer" in str(e.value) and "save the file as .docx" in str(e.value)
    assert not list(tmp_path.glob("*.docx"))                   # nothing is ever written beside the file


def test_xlsx_rows_name_their_sheet_row(tmp_path):
    """A workbook written by openpyxl: a title in row 1, the header in row 2, tasks in rows 3 and 4 of sheet
    任务清单; each task's source names that sheet row (counted as Excel shows it, from 1)."""
    from openpyxl import Workbook

    path = tmp_path / "list.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws.append(["某市2024年职业教育重点任务清单"])
    ws.append(["序号", "重点任务", "责任单位", "完成时间"])
    ws.append([1, "建设实训基地20个。", "市教育局", "2024年底前"])
    ws.append([2, "培育产教融合型企业10家。", "市发展改革委、市教育局", "2025年6月底前"])
    wb.save(path)
    tasks = extract_file(path).tasks
    assert [t.provenance.location for t in tasks] == ["table 1, row 2 (sheet 任务清单, row 3)",
                                                      "table 1, row 3 (sheet 任务清单, row 4)"]
    assert [t.departments for t in tasks] == [["市教育局"], ["市发展改革委", "市教育局"]]
