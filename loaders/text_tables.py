"""Tables that web pages and copy-paste leave as text without a grid: cells separated by `|` where each `</td>`
stood (a row a line, or a cell's paragraphs on lines of their own between `|` lines), and cells on lines of
their own separated by blank lines. Rows are rebuilt from the header's width and the task numbers: a cell
holding only a task number starts a row, so rows shortened by merged cells and one-cell section rows are
still found.
"""
from __future__ import annotations

import re

from .normalize import clean_text

_NUMBER_RE = re.compile(r"^[（(]?\d{1,6}[)）.．、]?$")
_LOOKAHEAD = 12        # lines without a `|` after a row end that close the table
_HEADER_CHARS = 10     # a header cell is a short label


def _role(cell: str) -> str | None:
    from .segment import header_role     # the segmenter owns the header vocabulary

    return header_role(cell)


def _is_number(cell: str) -> bool:
    return bool(_NUMBER_RE.match(clean_text(cell)))


def starts_pipe_stream(lines: list[str], i: int) -> bool:
    """A rendered table starts here: `序号 | 任务 | 部门 |` (not a Markdown row, which opens with `|`), or a
    header word on a line of its own followed by a `|` line."""
    s = lines[i].strip()
    if not s or s.startswith("|"):
        return False
    if s.endswith("|") and s.count("|") >= 2:
        return True
    nxt = next((ln.strip() for ln in lines[i + 1:i + 3] if ln.strip()), "")
    if s.endswith("|") and nxt.endswith("|"):       # 序号 | / 目标与任务 | : a header cell a line
        return _role(s[:-1]) is not None and _role(nxt[:-1]) is not None
    return nxt == "|" and _role(s) is not None


def pipe_stream(lines: list[str], i: int) -> tuple[list[list[str]] | None, int]:
    """Rows of a rendered table starting at line i, and the line after it (None when no header is found)."""
    cells, ends_line, j = _cells(lines, i)
    first_line = next((k + 1 for k, end in enumerate(ends_line) if end), len(cells))
    # a header on one line: every row is a line (rows shortened by merged cells end at their line end)
    one_line = first_line >= 2
    header = first_line if one_line else _header_width(cells)
    if header < 2 or sum(1 for c in cells[:header] if _role(c)) < 2:
        return None, i
    rows = _rows(cells, header, ends_line, one_line)
    if one_line and _role(rows[0][0]) == "group":
        # a row a line that leaves out the group cell written once above it (类别 | 四、教育文化 | 14.… |): a
        # shorter row opening with a numbered task text is the group's next row
        rows = [rows[0]] + [[""] + r if len(r) < header and _numbered(r[0]) else r for r in rows[1:]]
    return rows, j


def _numbered(cell: str) -> bool:
    from .segment import PREFIX_RE     # the segmenter owns the task-number grammar

    return bool(PREFIX_RE.match(cell))


def _heading(cell: str | None) -> bool:
    """A section heading (一、… · （一）… · 第一部分): the segmenter's grammar."""
    from .segment import HEADING_RE

    return cell is not None and HEADING_RE.match(cell) is not None


def _header_width(cells: list[str]) -> int:
    """How many cells the header of a table written a cell at a time holds: the short labels before the first
    row, a column nobody reads included (分管县领导 between 目标与任务 and 牵头责任单位). It opens with a column
    name (附件1 before it is the annex's title)."""
    if not cells or _role(cells[0]) is None:
        return 0
    width = 0
    while width < len(cells) and _label(cells[width]):
        width += 1
    return width


def _label(cell: str) -> bool:
    """A header cell: a few words, not a task number, a sentence or a section heading."""
    return (len(clean_text(cell)) <= _HEADER_CHARS and not _is_number(cell) and "。" not in cell
            and not _heading(cell))


def _rows(cells: list[str], header: int, ends_line: list[bool], one_line: bool) -> list[list[str]]:
    """The header and the rows after it: a row ends when it is full, at its line's end (a row a line), or before
    a cell holding only a task number; a section heading (一、…) alone ends before the next heading."""
    rows = [cells[:header]]
    row: list[str] = []
    for k in range(header, len(cells)):
        row.append(cells[k])
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        if nxt is None or len(row) >= header or (ends_line[k] and (one_line or _is_number(nxt))) \
                or (len(row) == 1 and _heading(row[0]) and _heading(nxt)):
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return rows


def _cells(lines: list[str], i: int) -> tuple[list[str], list[bool], int]:
    """The cell texts of the table from line i, whether each cell's `|` ended its line, and the end line."""
    cells: list[str] = []
    ends_line: list[bool] = []
    buf: list[str] = []
    n = len(lines)
    j = i
    while j < n:
        s = lines[j].strip()
        if "|" not in s:
            if not buf and not _more_pipes(lines, j):
                break
            buf.append(s)
            j += 1
            continue
        parts = s.split("|")
        for k, part in enumerate(parts[:-1]):
            buf.append(part.strip())
            text = "\n".join(b for b in buf).strip("\n")
            if text or k > 0 or cells:
                cells.append(text)
                ends_line.append(k == len(parts) - 2 and not parts[-1].strip())
            buf = []
        if parts[-1].strip():
            buf.append(parts[-1].strip())
        j += 1
    # a leading `|` leaves an empty first cell on every line: drop the empties that came from them; an empty
    # cell that ended its line (…| |) hands the line's end to the cell before it
    keep = [k for k, c in enumerate(cells) if c.strip()]
    ends = [ends_line[k] or (k + 1 < len(cells) and not cells[k + 1].strip() and ends_line[k + 1]) for k in keep]
    return [cells[k] for k in keep], ends, j


def _more_pipes(lines: list[str], j: int) -> bool:
    """Does the table go on: a `|` within the next few lines."""
    for ln in lines[j:j + _LOOKAHEAD]:
        if "|" in ln:
            return True
    return False


def starts_blank_separated(lines: list[str], i: int) -> bool:
    """A header of one word a line, blank lines between: 序号 / 工作任务 / 责任部门."""
    words = _blank_cells(lines, i, limit=4)
    roles = [_role(w) for w in words]
    return len(words) >= 2 and all(roles[:2]) and any(r in ("text",) for r in roles if r)


def _blank_cells(lines: list[str], i: int, limit: int) -> list[str]:
    out, j = [], i
    while j < len(lines) and len(out) < limit:
        if lines[j].strip():
            out.append(lines[j].strip())
            if j + 1 < len(lines) and lines[j + 1].strip():
                break
        elif j + 2 < len(lines) and not lines[j + 1].strip() and out:
            break
        j += 1
    return out


def blank_separated(lines: list[str], i: int) -> tuple[list[list[str]] | None, int]:
    """Cells on lines of their own, one blank line between cells and two between rows."""
    rows: list[list[str]] = []
    row: list[str] = []
    blanks = 0
    j, n = i, len(lines)
    while j < n:
        s = lines[j].strip()
        if not s:
            blanks += 1
            j += 1
            continue
        if blanks >= 2 and row:
            rows.append(row)
            row = []
        if blanks >= 2 and rows and not _is_number(s) and len(rows[-1]) > 1 and not _next_is_number(lines, j):
            break                                   # prose after the table
        row.append(s)
        blanks = 0
        j += 1
    if row:
        rows.append(row)
    if len(rows) == 1:
        # one blank line between every two cells, rows too: rows rebuilt from the header's width and the
        # task numbers, as for a `|` stream
        cells = rows[0]
        width = _header_width(cells)
        header = cells[:width]
        roles = {_role(c) for c in header}
        first = cells[width] if width < len(cells) else ""
        if width < 2 or any("\t" in c for c in header) or not roles & {"depts", "lead", "support"} \
                or "text" not in roles or not (_is_number(first) or _heading(first)):
            return None, i
        return _rows(cells, width, [True] * len(cells), False), j
    header = rows[0] if rows else []
    if len(header) < 2 or not all(_role(c) for c in header):
        return None, i
    return rows, j


def _next_is_number(lines: list[str], j: int) -> bool:
    """A one-cell row (a section) is followed by a row opening with a task number."""
    for ln in lines[j + 1:j + 6]:
        if ln.strip():
            return _is_number(ln)
    return False
