"""Excel workbooks (.xlsx/.xlsm) through openpyxl: every visible sheet, merged cells resolved, values as shown.

A task list in Excel (一览表) is a sheet with a title row or two, a header row and one row per task, sometimes
notes below; a sheet may also hold several tables, or only text in the first column. Each sheet is cut into
blocks the way the text reader cuts tab-separated lines: a table runs from a row with at least two filled
cells to the last such row, keeping the rows with one filled cell between them (section headings merged
across the table) as long as at most two come together; the other rows are paragraphs. Merged ranges follow
the convention of every reader: the text in the top-left cell, "" in the cells the range covers. Header rows
are found later by the segmenter, as for Word tables. Hidden sheets (lookup lists, macros' data) are skipped.

The package is checked before inflating (member count, total uncompressed size: settings max_zip_members and
max_unzipped_mb); a password-protected workbook is an encrypted OLE2 file and is refused by the sniffer.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from .blocks_common import check_zip, simplify
from .normalize import clean_line
from .source import LoaderError, Paragraph, Table

MAX_HEADING_RUN = 2      # rows with one filled cell that may sit inside a table (section headings)


def _shown(value) -> str:
    """A cell value as Excel shows it in a task list: whole numbers without .0, dates as 2025年6月30日."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _column_letter(j: int) -> str:
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_grid(ws) -> list[list[str]]:
    """The sheet's used range as a grid of strings, merged ranges resolved (text top-left, "" elsewhere)."""
    grid = [[clean_line(_shown(v)).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    # openpyxl already leaves the covered cells of a merged range empty; a covered cell that still holds a
    # value (files written by other programs sometimes keep it) is blanked, as Excel shows it.
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col) and r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = ""
    width = max((max((j + 1 for j, c in enumerate(r) if c), default=0) for r in grid), default=0)
    return [r[:width] + [""] * (width - len(r)) for r in grid]


def _sheet_blocks(title: str, grid: list[list[str]], start_par: int, start_tab: int) -> list[Paragraph | Table]:
    filled = [sum(1 for c in row if c) for row in grid]
    blocks: list[Paragraph | Table] = []
    n_par, n_tab = start_par, start_tab

    def paragraph(i: int) -> None:
        nonlocal n_par
        j = next(j for j, c in enumerate(grid[i]) if c)
        for line in "\n".join(c for c in grid[i] if c).split("\n"):
            if line.strip():
                n_par += 1
                blocks.append(Paragraph(line.strip(), n_par, origin=f"sheet {title}, cell {_column_letter(j)}{i + 1}"))

    i, n = 0, len(grid)
    while i < n:
        if filled[i] == 0:
            i += 1
            continue
        if filled[i] == 1:
            paragraph(i)
            i += 1
            continue
        rows: list[int] = [i]
        i += 1
        while i < n:
            if filled[i] >= 2:
                rows.append(i)
                i += 1
                continue
            # rows with at most one filled cell: inside the table only if another table row follows soon
            j, texts = i, []
            while j < n and filled[j] < 2:
                if filled[j]:
                    texts.append(j)
                j += 1
            if j >= n or len(texts) > MAX_HEADING_RUN:
                break
            rows.extend(texts)
            i = j
        n_tab += 1
        width = max(max((k + 1 for k, c in enumerate(grid[r]) if c), default=0) for r in rows)
        blocks.append(Table([grid[r][:width] for r in rows], n_tab, "xlsx",
                            row_origins=[f"sheet {title}, row {r + 1}" for r in rows]))
    return blocks


def xlsx_blocks(data: bytes, path) -> tuple[list[Paragraph | Table], bool]:
    import openpyxl                      # imported on use: the CLI starts without it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, path, ".xlsx")
    except zipfile.BadZipFile as e:
        raise LoaderError(path, f"corrupt .xlsx (cannot open the workbook package: {e})")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except LoaderError:
        raise
    except Exception as e:   # zipfile, KeyError, lxml and openpyxl's own errors: a damaged package
        raise LoaderError(path, f"corrupt .xlsx ({type(e).__name__}: {' '.join(str(e).split())[:160]})")
    blocks: list[Paragraph | Table] = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        n_par = sum(1 for b in blocks if isinstance(b, Paragraph))
        n_tab = sum(1 for b in blocks if isinstance(b, Table))
        blocks.extend(_sheet_blocks(ws.title, sheet_grid(ws), n_par, n_tab))
    if not blocks:
        raise LoaderError(path, "workbook without any filled cell in its visible sheets")
    return blocks, simplify(blocks)
