"""Writing a document: abstract blocks (paragraphs, tables with merged cells) to .txt or .docx, plus layout noise.

The .txt form is the rendering the seeds show: a Word table one cell per line (each cell led by a tab, a blank
line after each row, an empty cell where a vertical merge continues) or tab-separated rows. The .docx form is
a real Word file made with python-docx, with horizontally and vertically merged cells.
"""
from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

VARIANTS = {"厅": "庁", "高": "髙", "采": "釆", "领": "領"}
CJK_PAIR = re.compile(r"(?=[\u4e00-\u9fff]{2})")


@dataclass
class Cell:
    lines: list[str]
    span: int = 1          # columns covered (horizontal merge)
    merged_up: bool = False  # continues the vertically merged cell above


@dataclass
class Table:
    style: str             # "cells" (one cell per line) or "tabs" (one row per line)
    ncols: int
    rows: list[list[Cell]] = field(default_factory=list)
    gaps: set[int] = field(default_factory=set)  # "tabs": a blank line before these rows


# ---------------------------------------------------------------- noise

class Noise:
    """Layout artefacts like the seeds': words broken by spaces or line breaks, variant characters, bookmarks."""

    def __init__(self, rng: random.Random, level: int, docx: bool):
        self.rng, self.level, self.docx = rng, level, docx
        self._bookmark = rng.randint(10000000, 99999999)

    def _cut_points(self, s: str, every: int) -> list[int]:
        # only between two CJK characters, never next to digits or brackets, not before the second character
        points = [m.start() + 1 for m in CJK_PAIR.finditer(s, 1, len(s) - 1)]
        k = min(len(points), int(len(s) / every + self.rng.random()))
        return sorted(self.rng.sample(points, k)) if k else []

    def text(self, s: str, breaks: bool) -> list[str]:
        """A cell's printed lines for clean text ``s``."""
        rng = self.rng
        if self.level >= 2:
            s = "".join(VARIANTS[c] if c in VARIANTS and rng.random() < 0.25 else c for c in s)
            cuts = self._cut_points(s, 28)
            for i in reversed(cuts):
                s = s[:i] + " " + s[i:]
        lines = [s]
        if breaks and self.level >= 1:
            s = lines[0]
            cuts = [i for i in self._cut_points(s, 45 if self.level >= 2 else 90) if s[i - 1] != " " and s[i] != " "]
            lines = [s[a:b] for a, b in zip([0] + cuts, cuts + [len(s)])]
        if self.level >= 1 and rng.random() < 0.05:
            lines[-1] += " "
        return lines

    def bookmark(self, s: str, p: float, kind: str = "_Toc") -> str:
        if self.docx or self.rng.random() >= p:
            return s
        self._bookmark += self.rng.randint(1, 9)
        name = {"_Toc": f"_Toc{self._bookmark}", "_GoBack": "_GoBack"}.get(kind, f"OLE_LINK{self.rng.randint(1, 40)}")
        return f"[bookmark: {name}]{s}"


def spaced_digits(s: str) -> str:
    """002's rendering: ASCII runs set off by spaces, "达到 200 万人次"."""
    return re.sub(r"(?<=[^\x00-\x7f])([0-9A-Za-z.:%]+)(?=[^\x00-\x7f])", r" \1 ", s)


HALF_WIDTH = str.maketrans({"，": ",", "；": ";", "（": "(", "）": ")"})


# ---------------------------------------------------------------- .txt

def render_txt(blocks: list) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, str):
            out.append(b)
            continue
        for r, row in enumerate(b.rows):
            if b.style == "tabs":
                if r in b.gaps:
                    out.append("")
                out.append("\t".join("".join(c.lines) for c in row))
            else:
                for c in row:
                    out.append("\t" if c.merged_up else "\t" + "\n".join(c.lines))
                out.append("")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- .docx

FIXED_TIME = datetime(2021, 11, 4, 9, 0, 0)


_TEMPLATE = []


def _blank_document():
    """One python-docx document reused for every file with its body emptied: parsing the default template
    again for each file would cost more than writing the file."""
    if not _TEMPLATE:
        from docx import Document

        doc = Document()
        doc.core_properties.author = "policykg synth"
        doc.core_properties.created = FIXED_TIME
        doc.core_properties.modified = FIXED_TIME
        doc.core_properties.last_modified_by = "policykg synth"
        doc.core_properties.revision = 1
        _TEMPLATE.append(doc)
    doc = _TEMPLATE[0]
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def render_docx(blocks: list) -> bytes:
    doc = _blank_document()
    for b in blocks:
        if isinstance(b, str):
            doc.add_paragraph(b)
            continue
        _docx_table(doc, b)
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


def _docx_table(doc, t: Table) -> None:
    """Cells written at the XML level (gridSpan, vMerge): python-docx's cell.merge is exact but slow."""
    table = doc.add_table(rows=len(t.rows), cols=t.ncols)
    table.style = "Table Grid"
    trs = table._tbl.tr_lst
    top: dict[int, object] = {}  # column -> first cell of the vertical merge now open
    for tr, row in zip(trs, t.rows):
        tcs = tr.tc_lst
        c = 0
        for cell in row:
            tc = tcs[c]
            if cell.merged_up:
                top[c].get_or_add_tcPr().vMerge_val = "restart"
                tc.get_or_add_tcPr().vMerge_val = "continue"
            else:
                top[c] = tc
                tc.p_lst[0].add_r().text = "\n".join(cell.lines)  # a line break becomes <w:br/>
                if cell.span > 1:
                    tc.get_or_add_tcPr().grid_span = cell.span
                    for extra in tcs[c + 1:c + cell.span]:
                        tr.remove(extra)
            c += cell.span


def _stable_zip(data: bytes) -> bytes:
    """python-docx stamps zip entries with the current time; set every stamp to 1980-01-01 00:00 in place
    (same seed, same bytes) rather than compressing everything a second time."""
    buf = bytearray(data)
    zf = zipfile.ZipFile(io.BytesIO(data))
    stamp = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)   # DOS time, DOS date
    for info in zf.infolist():  # local file headers: time and date at +10
        o = info.header_offset
        buf[o + 10:o + 14] = stamp
    p = zf.start_dir
    while buf[p:p + 4] == b"PK\x01\x02":  # central directory records: time and date at +12
        buf[p + 12:p + 16] = stamp
        n, m, k = struct.unpack_from("<HHH", buf, p + 28)
        p += 46 + n + m + k
    return bytes(buf)
