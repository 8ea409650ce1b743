"""What a reader returns: the file's blocks in document order, before any task is recognised.

Cells keep their line breaks (a department cell may list one unit a line, a goals cell one goal a paragraph);
only markup is removed. Merged cells are already resolved: a vertically merged cell appears in its first row
and is empty ("") in the rows it spans, as in the plain-text renderings, so the segmenter carries group cells
down the same way for every format; a horizontally merged cell appears once.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property

from .normalize import clean_text


def printable(path) -> str:
    """A path as text that can always be printed and stored: bytes of a file name that are not UTF-8 (held as
    lone surrogates by Python) written as \\xNN, so two such names stay apart, instead of failing with
    'surrogates not allowed'."""
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


class LoaderError(Exception):
    """A file that cannot be read as a task list. ``str()`` is one line naming the file and the reason."""

    def __init__(self, path, reason: str):
        self.path = printable(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class Paragraph:
    text: str
    index: int                  # 1-based paragraph number in the file
    style: str | None = None    # Word style name (Heading 1, List Number) when known
    number: str | None = None   # automatic Word numbering rendered as text ("1.", "（一）")
    origin: str | None = None   # where in the file, for formats with places: "page 3", "sheet 任务, cell A4"


@dataclass
class Table:
    rows: list[list[str]]       # cell grid; merges resolved (see module docstring)
    index: int                  # 1-based table number in the file
    layout: str = "grid"        # grid / tabbed / cell-lines / pipe / box / docx / html / pdf / xlsx
    row_origins: list[str] | None = None   # per row, where in the file: "page 2", "sheet 任务, row 7"


@dataclass
class SourceDocument:
    path: str
    doc: str                    # file name without extension
    sha256: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    encoding: str | None = None
    converted_traditional: bool = False

    @cached_property
    def text(self) -> str:
        """Normalised full text that provenance spans index into: one line per paragraph and per table row
        (cells tab-joined), each cell or paragraph cleaned like the task fields (so a task's text is a
        substring of it)."""
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(clean_text((b.number or "") + b.text))
            else:
                out.extend("\t".join(clean_text(c) for c in row) for row in b.rows)
        return "\n".join(out)

    def origin(self, location: str) -> str | None:
        """The place in the file (page, sheet and cell) of a segmenter location ("table 2, row 5",
        "paragraph 12"), for the formats that have places; None otherwise."""
        kind, _, rest = location.partition(" ")
        try:
            if kind == "table":
                number, _, row = rest.partition(", row ")
                table = self.tables[int(number) - 1]
                return table.row_origins[int(row) - 1] if table.row_origins else None
            if kind == "paragraph":
                return self.paragraphs[int(rest) - 1].origin
        except (ValueError, IndexError):
            return None
        return None

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
