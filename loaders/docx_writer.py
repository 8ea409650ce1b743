"""Blocks back to a real Word file with python-docx: the tables merged the way Word users merge them.

Used to turn a plain-text task list into the .docx a ministry would have sent (tests compare both readings,
the benchmark builds its .docx corpus with it). A group column whose cell is empty under a filled one becomes
one vertically merged cell; a row with fewer cells than the table (a section heading, a two-level header) is
spread over the row with horizontal merges.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document

from .segment import _columns, _is_header
from .source import Paragraph, Table


def _group_columns(rows: list[list[str]]) -> set[int]:
    """The group column named by the (last of the leading) header row(s)."""
    found: set[int] = set()
    for row in rows[:6]:
        roles = _is_header(row)
        if roles:
            cols = _columns(roles)
            found = {cols["group"]} if "group" in cols else found
        elif found:
            break
    return found


def _write_cell(cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_table(document, rows: list[list[str]]) -> None:
    ncols = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=ncols)
    table.style = "Table Grid"
    groups = _group_columns(rows)
    for i, row in enumerate(rows):
        cells = table.rows[i].cells
        if len(row) < ncols:
            # spread the cells of a short row over the width: 1 cell → whole row, 2 cells → halves
            span = ncols // len(row)
            for k, text in enumerate(row):
                a = k * span
                b = ncols - 1 if k == len(row) - 1 else a + span - 1
                merged = cells[a].merge(cells[b]) if b > a else cells[a]
                _write_cell(merged, text)
            continue
        for j, text in enumerate(row):
            if j in groups and not text and i > 0:
                continue
            _write_cell(cells[j], text)
    # vertical merges: a filled group cell absorbs the empty cells below it
    for j in groups:
        top = None
        for i, row in enumerate(rows):
            if len(row) < ncols:
                top = None
                continue
            if row[j]:
                top = i
            elif top is not None:
                first = table.cell(top, j)
                first.merge(table.cell(i, j))
                # merging concatenates paragraphs; keep the group text once
                for p in first.paragraphs[len(rows[top][j].split("\n")):]:
                    p._element.getparent().remove(p._element)


def write_docx(blocks, path, numbered_style: str | None = None) -> Path:
    """Write blocks (Paragraph / Table) to ``path``. With ``numbered_style`` (e.g. "List Number"), paragraphs
    starting with an Arabic task number get Word automatic numbering instead of the printed number."""
    from .segment import PREFIX_RE

    document = Document()
    for b in blocks:
        if isinstance(b, Table):
            write_table(document, b.rows)
        elif isinstance(b, Paragraph):
            m = PREFIX_RE.match(b.text) if numbered_style else None
            if m and m.group(1):
                document.add_paragraph(b.text[m.end():], style=numbered_style)
            else:
                document.add_paragraph(b.text)
    path = Path(path)
    document.save(path)
    return path
