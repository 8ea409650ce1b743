"""PDF task lists through pdfplumber: the text layer in reading order, ruled tables as cell grids.

pdfplumber was chosen over PyMuPDF by measurement on the LibreOffice PDFs of the five examples (46 pages,
38 ruled table fragments): pdfplumber found all 38 tables at 34.6 pages/s (table finding and words), PyMuPDF
2.0's ``find_tables`` 36 of 38 at 5.0 pages/s; PyMuPDF is also AGPL-licensed, this project Apache-2.0.

What a page gives:
* **tables**: the ruled tables pdfplumber finds (lines strategy). A cell's text is rebuilt from its characters:
  a line that fills the cell to its right edge wraps on (joined without a break, as Word wrapped it), a line
  that ends short ends a paragraph of the cell (a break, as between two department names). A merged cell's
  text is in its first row and column and "" in the positions it covers, the convention of every reader.
  A table that goes on at the top of the next page with the same columns is one table: a repeated header
  row is dropped, and a first row with an empty number column (a row Word split at the page end) is carried
  over into the row above, cell by cell.
* **paragraphs**: the lines outside tables, top to bottom, joined into paragraphs: a line continues the one
  above when that one reaches the right margin, this one is not indented, does not start a new item number
  (``1.``, ``（一）``, ``一、``, ``第一条``) and follows at the usual line distance.
* **page furniture** is dropped: page numbers (``— 3 —``, ``第 3 页 共 10 页``, a lone number) in the top or
  bottom margin, and lines repeated in the margins of most pages (running heads).

A PDF without a text layer (a scan) is refused with a message saying so; OCR is out of scope. Encrypted and
damaged files are refused with a one-line reason.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from . import annotations as ann_grammar
from .blocks_common import simplify
from .normalize import clean_line, is_footer
from .source import LoaderError, Paragraph, Table

MARGIN_SHARE = 0.08          # top and bottom share of the page where running heads and page numbers sit
WRAP_CHARS = 2.0             # a line ending within this many characters of the right margin may go on (text)
WRAP_SLACK = 0.3             # characters of tolerance when deciding whether the next line's first token fitted
INDENT_CHARS = 1.0           # a line starting this many characters right of the margin starts a paragraph
GAP_FACTOR = 1.45            # a vertical gap this many times the usual line pitch starts a paragraph
SAME_EDGE = 2.0              # points: columns of two table fragments that line up
_CN = "一二三四五六七八九十"
ITEM_START = re.compile(rf"^\s*(?:\d{{1,3}}\s*[.．、]|[（(]\s*[{_CN}\d]+\s*[）)]|[{_CN}]+、|第[{_CN}百\d]+[条章节])")
CID = re.compile(r"\(cid:\d+\)")
NO_LINE_START = set("、。，,.；;：:！!？?”’）)」』】〕》〉…—")
NO_LINE_END = set("“‘（(「『【〔《〈")
# a paragraph's last character when the next line may start an item
SENTENCE_END = set("。；;：:！!？?）)」』】〕》…”")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _lines_of(chars: list[dict]) -> list[_Line]:
    """Characters grouped into lines (same baseline within half a character), left to right."""
    chars = sorted((c for c in chars if c.get("upright", True)), key=lambda c: (round(c["top"]), c["x0"]))
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: c["top"]):
        size = c.get("size") or (c["bottom"] - c["top"]) or 10
        if lines and abs(lines[-1][0]["top"] - c["top"]) <= size / 2:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for group in lines:
        group.sort(key=lambda c: c["x0"])
        parts, prev = [], None
        for c in group:
            if prev is not None and c["x0"] - prev["x1"] > (prev.get("size") or 10) * 0.6 and c["text"] != " " \
                    and prev["text"] != " ":
                parts.append(" ")         # a visible gap without a space character
            parts.append(c["text"])
            prev = c
        text = "".join(parts)
        if text.strip():
            sizes = [c.get("size") or 10 for c in group]
            out.append(_Line(text, min(c["x0"] for c in group), max(c["x1"] for c in group),
                             min(c["top"] for c in group), max(c["bottom"] for c in group), statistics.median(sizes)))
    return out


def _first_token_width(text: str, size: float) -> float:
    """Width of what must start the next line: its first character (CJK) or ASCII word, with the characters
    that may not start a line (、。”）) glued after it and opening marks (“《（) glued before it."""
    text = text.strip()
    i = 0
    while i < len(text):
        while i < len(text) and text[i] in NO_LINE_END:
            i += 1
        if i < len(text) and text[i].isascii() and text[i].isalnum():
            while i < len(text) and text[i].isascii() and not text[i].isspace():     # 1:350, 1+X, 3.5%
                i += 1
        else:
            i += 1
        while i < len(text) and text[i] in NO_LINE_START:
            i += 1
        if not (i < len(text) and text[i] in NO_LINE_END):
            break                       # an opening mark ends no line: it glues on to the next unit
    return sum(0.55 * size if c.isascii() else size for c in text[:i])


def _wraps(prev: _Line, nxt: _Line, right: float) -> bool:
    """Whether ``prev`` wraps on into ``nxt``: the next line's first token would not have fitted in the room
    left at the end of ``prev`` (so the layout had to break there). A paragraph that ends exactly at a full
    line looks the same in an untagged PDF; that case is read as a wrap."""
    gap = right - prev.x1
    return gap < _first_token_width(nxt.text, nxt.size) + WRAP_SLACK * prev.size


def _join(lines: list[_Line], right: float, left: float) -> tuple[str, bool]:
    """Lines of one cell joined: wrapped lines without a break, short lines ending a paragraph with one.
    Also whether the last line reaches the right edge (its text may go on in a continuation row)."""
    text = ""
    for k, ln in enumerate(lines):
        if k:
            prev = lines[k - 1]
            wrapped = _wraps(prev, ln, right) and not ln.x0 - left > INDENT_CHARS * ln.size * 0.9
            text += _glue(text, ln.text) if wrapped else "\n"
        text += ln.text.strip()
    return text, bool(lines) and right - lines[-1].x1 < (1 + WRAP_SLACK) * lines[-1].size


def _glue(before: str, after: str) -> str:
    """Nothing between wrapped Chinese text; a space between two wrapped Latin words."""
    a, b = before[-1:], after.strip()[:1]
    return " " if a.isascii() and a.isalpha() and b.isascii() and b.isalpha() else ""


def _inside(c: dict, bbox) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


@dataclass
class _Fragment:
    """One page's part of a ruled table."""
    page: int
    top: float
    bottom: float
    columns: list[float]
    rows: list[list[str]]
    full: list[list[bool]]          # per cell: its last line reaches the right edge


def _fragment(table, chars: list[dict], page_no: int) -> _Fragment:
    rows, fulls = [], []
    for row in table.rows:
        texts, flags = [], []
        for bbox in row.cells:
            if bbox is None:
                texts.append("")
                flags.append(False)
                continue
            inside = [c for c in chars if _inside(c, bbox)]
            lines = _lines_of(inside)
            if not lines:
                texts.append("")
                flags.append(False)
                continue
            pad = max(1.0, min(ln.x0 for ln in lines) - bbox[0])
            text, full = _join(lines, bbox[2] - pad, bbox[0] + pad)
            texts.append(clean_line(text).strip())
            flags.append(full)
        if any(texts):          # a row with nothing printed (a split row's sliver in the margin) is no row
            rows.append(texts)
            fulls.append(flags)
    xs = sorted({round(b[0], 1) for r in table.rows for b in r.cells if b} | {round(table.bbox[2], 1)})
    return _Fragment(page_no, table.bbox[1], table.bbox[3], xs, rows, fulls)


def _same_columns(a: _Fragment, b: _Fragment) -> bool:
    return len(a.columns) == len(b.columns) and all(abs(x - y) <= SAME_EDGE for x, y in zip(a.columns, b.columns))


def _item_column(rows: list[list[str]], pattern) -> int | None:
    """The column whose filled cells mostly match ``pattern`` (task numbers, or texts opening with one); of
    several, the one matching on most rows: a merged group column (（三）校企合作) matches on few."""
    best, best_count = None, 0
    for j in range(max((len(r) for r in rows), default=0)):
        cells = [r[j] for r in rows if j < len(r) and r[j]]
        matching = sum(1 for c in cells if pattern(c))
        if len(cells) >= 2 and matching >= 0.6 * len(cells) and matching > best_count:
            best, best_count = j, matching
    return best


def _is_continuation(table: dict, row: list[str]) -> bool:
    """Whether the first row of a new page's fragment is the rest of the row the page break cut: its number
    cell is empty (or, with numbers printed inside the task text, its task text opens with no number) while
    the table's rows have one; without numbers, when a cell of the last row ran to the page end."""
    if not any(row):
        return False
    rows = table["rows"]
    number = _item_column(rows, lambda c: re.fullmatch(r"\d{1,3}[.．、]?", c) is not None)
    if number is not None:
        return number < len(row) and not row[number]
    numbered = _item_column(rows, lambda c: ITEM_START.match(c) is not None)
    if numbered is not None:
        return numbered < len(row) and not ITEM_START.match(row[numbered])
    return any(full and j < len(row) and row[j] for j, full in enumerate(table["full"][-1]))


def _continue(table: dict, frag: _Fragment) -> None:
    """Append a fragment that goes on from the previous page to the table being built."""
    rows, fulls = frag.rows, frag.full
    if rows and rows[0] == table["rows"][0]:
        rows, fulls = rows[1:], fulls[1:]                 # header row repeated on the new page
    if rows and _is_continuation(table, rows[0]):
        last, last_full = table["rows"][-1], table["full"][-1]
        for j, text in enumerate(rows[0]):
            if text and j < len(last):
                sep = "" if not last[j] else _glue(last[j], text) if last_full[j] else "\n"
                last[j] = last[j] + sep + text
                last_full[j] = fulls[0][j]
        table["origins"][-1] += f"–{frag.page}"
        rows, fulls = rows[1:], fulls[1:]
        if rows and rows[0] == table["rows"][0]:
            rows, fulls = rows[1:], fulls[1:]             # … and the header repeated below the row's remainder
    table["rows"].extend(rows)
    table["full"].extend(fulls)
    table["origins"].extend(f"page {frag.page}" for _ in rows)
    table["last"] = frag


def _furniture(pages_lines: list[tuple[float, list[_Line]]]) -> set[tuple[int, int]]:
    """(page, line) positions of page numbers and running heads/feet in the margins."""
    drop: set[tuple[int, int]] = set()
    seen: Counter = Counter()
    marginal: list[tuple[int, int, str]] = []
    for p, (height, lines) in enumerate(pages_lines):
        for k, ln in enumerate(lines):
            if ln.top < height * MARGIN_SHARE or ln.bottom > height * (1 - MARGIN_SHARE):
                text = ln.text.strip()
                if is_footer(text) or re.fullmatch(r"[-—–－\s]*\d{1,4}[-—–－\s]*", text):
                    drop.add((p, k))
                    continue
                key = re.sub(r"\d+", "#", "".join(text.split()))
                seen[key] += 1
                marginal.append((p, k, key))
    if len(pages_lines) >= 3:
        for p, k, key in marginal:
            if seen[key] >= max(3, len(pages_lines) // 2):
                drop.add((p, k))
    return drop


def _open(data: bytes, path):
    import pdfplumber                     # imported on use: the CLI starts without it

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages                      # parses the page tree: damaged files fail here
        return pdf
    except Exception as e:
        raise _open_error(e, path) from None


def _open_error(e: Exception, path) -> LoaderError:
    # pdfplumber wraps pdfminer's exception (PdfminerException(PDFPasswordIncorrect()))
    inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
    name = type(inner).__name__
    if "Password" in name:
        return LoaderError(path, "password-protected PDF (encrypted; it needs a password to open): save an "
                                 "unprotected copy or use the original document")
    if "Encrypt" in name:
        return LoaderError(path, f"encrypted PDF that cannot be opened ({name})")
    detail = " ".join(str(inner).split())[:160]
    return LoaderError(path, f"corrupt PDF ({name}{': ' + detail if detail else ''})")


def _opens_labelled_line(text: str) -> bool:
    """责任单位：… or 公安部门：负责…: a line that starts a paragraph of its own when the one above ended a
    sentence, even if that sentence filled its last line."""
    text = text.strip()
    return bool(ann_grammar.LABEL_LINE_RE.match(text) or ann_grammar.DUTY_LINE_RE.match(text))


def _open_row_ends(page) -> list[float]:
    """Heights where two or more column rules end with no rule across them: a row that a browser split at a page
    break is drawn open at the page's foot and at the next page's head. A line across closes it into cells."""
    rules = page.rects + page.lines
    verticals = [r for r in rules if r["x1"] - r["x0"] < 2 and r["bottom"] - r["top"] > 4]
    across = [r for r in rules if r["bottom"] - r["top"] < 2 and r["x1"] - r["x0"] > 4]
    ends = []
    for end in ("top", "bottom"):
        for y, n in Counter(round(v[end]) for v in verticals).items():
            if n >= 2 and not any(abs((h["top"] + h["bottom"]) / 2 - y) <= 2 for h in across):
                ends.append(float(y))
    return ends


def _white(color) -> bool:
    """White in any colour space pdfplumber reports: gray 1, RGB (1, 1, 1), CMYK (0, 0, 0, 0)."""
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color:
        return False
    values = [float(v) for v in color if isinstance(v, (int, float))]
    if len(values) != len(color):
        return False
    return all(v == 0 for v in values) if len(values) == 4 else all(v == 1 for v in values)


def _drawn(obj) -> bool:
    """False for a rectangle or line nobody sees: white on the white page (a web page's white text background,
    printed to PDF, would otherwise rule every line of prose into a table)."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke") and not _white(obj.get("stroking_color"))
    filled = obj.get("fill") and not _white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


def pdf_blocks(data: bytes, path) -> tuple[list[Paragraph | Table], bool]:
    pdf = _open(data, path)
    try:
        return _read(pdf, path)
    except LoaderError:
        raise
    except Exception as e:   # pdfminer errors deep in a damaged content stream
        raise LoaderError(path, f"corrupt PDF ({type(e).__name__}: {' '.join(str(e).split())[:160]})") from None
    finally:
        pdf.close()


def _read(pdf, path) -> tuple[list[Paragraph | Table], bool]:
    pages = []            # per page: height, lines outside tables, table fragments, width
    n_chars = n_drawn = 0
    for p, page in enumerate(pdf.pages, 1):
        chars = page.chars
        n_chars += sum(1 for c in chars if c["text"].strip())
        n_drawn += len(page.images) + len(page.lines) + len(page.rects) + len(page.curves)
        drawn = page.filter(_drawn)
        tables = drawn.find_tables({"explicit_horizontal_lines": _open_row_ends(drawn)})
        frags = [f for f in (_fragment(t, chars, p) for t in tables if len(t.rows) >= 1) if f.rows]
        boxes = [t.bbox for t in tables]
        outside = [c for c in chars if not any(_inside(c, b) for b in boxes)]
        pages.append((page.height, _lines_of(outside), frags, page.width))
    if n_chars == 0 and n_drawn == 0:
        raise LoaderError(path, f"blank PDF: {len(pages)} page(s) with neither text nor drawing (a web page printed "
                                "before its scripts drew it prints so): print it again from a browser that shows "
                                "the text, or read the saved page itself")
    if n_chars == 0:
        raise LoaderError(path, f"scanned PDF: {len(pages)} page(s) without a text layer (images only); OCR is not "
                                "supported: use the original document or a PDF with text")
    sample = "".join(ln.text for _, lines, _, _ in pages for ln in lines[:50])
    if len(CID.findall(sample)) > 20:
        raise LoaderError(path, "PDF text layer cannot be decoded (fonts without a Unicode mapping): use the "
                                "original document")
    drop = _furniture([(h, lines) for h, lines, _, _ in pages])
    all_lines = [ln for p, (_, lines, _, _) in enumerate(pages) for k, ln in enumerate(lines) if (p, k) not in drop]
    left = min((ln.x0 for ln in all_lines), default=0)
    right = max((ln.x1 for ln in all_lines), default=0)
    if all_lines:
        # the text block's edges: the most common line start, the right end most lines reach
        left = Counter(round(ln.x0) for ln in all_lines).most_common(1)[0][0]
        ends = sorted(ln.x1 for ln in all_lines)
        right = ends[int(len(ends) * 0.9)] if len(ends) >= 5 else ends[-1]

    blocks: list[Paragraph | Table] = []
    n_par = n_tab = 0
    table: dict | None = None
    para: dict | None = None

    def end_paragraph():
        nonlocal para, n_par
        if para is not None:
            for piece in clean_line(para["text"]).split("\n"):
                if piece.strip():
                    n_par += 1
                    blocks.append(Paragraph(piece.strip(), n_par, origin=para["origin"]))
            para = None

    def end_table():
        nonlocal table, n_tab
        if table is not None:
            n_tab += 1
            width = max(len(r) for r in table["rows"])
            rows = [r + [""] * (width - len(r)) for r in table["rows"]]
            keep = [i for i, r in enumerate(rows) if any(r)]
            blocks.append(Table([rows[i] for i in keep], n_tab, "pdf",
                                row_origins=[table["origins"][i] for i in keep]))
            table = None

    # the line pitch inside paragraphs: steps below lines that reach the right edge (a wrapped line); a page's
    # menus and footers, set tighter, would otherwise make a body with generous leading look like paragraphs
    steps = [b.top - a.top for a, b in zip(all_lines, all_lines[1:]) if 0 < b.top - a.top < 3 * a.size]
    wrapped = [b.top - a.top for a, b in zip(all_lines, all_lines[1:])
               if 0 < b.top - a.top < 3 * a.size and right - a.x1 < WRAP_CHARS * a.size]
    pitch = statistics.median(wrapped if len(wrapped) >= 5 else steps or [14.0])
    for p, (height, lines, frags, _) in enumerate(pages):
        items = [(ln.top, "line", k, ln) for k, ln in enumerate(lines) if (p, k) not in drop]
        items += [(f.top, "table", k, f) for k, f in enumerate(frags)]
        items.sort(key=lambda it: (it[0], it[1] == "line"))
        prev: _Line | None = None
        for n, (_, kind, k, obj) in enumerate(items):
            if kind == "table":
                end_paragraph()
                first_on_page = n == 0
                if table is not None and first_on_page and _same_columns(table["last"], obj):
                    _continue(table, obj)
                else:
                    end_table()
                    table = {"rows": [list(r) for r in obj.rows], "full": [list(f) for f in obj.full],
                             "origins": [f"page {obj.page}"] * len(obj.rows), "last": obj}
                prev = None
                continue
            ln = obj
            if table is not None:
                end_table()
            indented = ln.x0 - left > INDENT_CHARS * ln.size * 0.9
            # a number opening a line that carries on a full line ending mid-sentence is the sentence's
            # (…对国 / 四、国三排放标准…), not an item's
            after_sentence = para is None or not para["full"] or para["text"][-1:] in SENTENCE_END
            opens_item = (ITEM_START.match(ln.text) is not None and after_sentence) or (
                after_sentence and _opens_labelled_line(ln.text))
            if para is not None and prev is not None and not indented and not opens_item \
                    and right - prev.x1 < WRAP_CHARS * prev.size and ln.top - prev.top <= GAP_FACTOR * pitch:
                sep = " " if para["text"][-1:].isascii() and para["text"][-1:].isalpha() and ln.text[:1].isascii() \
                    and ln.text[:1].isalpha() else ""
                para["text"] += sep + ln.text.strip()
            elif para is not None and prev is None and not indented and not opens_item \
                    and para["full"] and n == 0:
                para["text"] += ln.text.strip()           # a paragraph going on from the previous page
            else:
                end_paragraph()
                para = {"text": ln.text.strip(), "origin": f"page {p + 1}, line {k + 1}"}
            para["full"] = right - ln.x1 < WRAP_CHARS * ln.size
            prev = ln
        # a page ends: a paragraph may go on at the top of the next page (checked there)
    end_paragraph()
    end_table()
    return blocks, simplify(blocks)
