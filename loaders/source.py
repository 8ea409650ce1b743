"""What a reader returns: the file's blocks in document order, before any task is recognised.

Cells keep their line breaks (a department cell may list one unit a line, a goals cell one goal a paragraph);
only markup is removed. Merged cells are already resolved: a vertically merged cell appears in its first row
and is empty ("") in the rows it spans, as in the plain-text renderings, so the segmenter carries group cells
down the same way for every format; a horizontally merged cell appears once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from .normalize import clean_text


class LoaderError(Exception):
    """A file that cannot be read as a task list. ``str()`` is one line naming the file and the reason."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class Paragraph:
    text: str
    index: int                  # 1-based paragraph number in the file
    style: str | None = None    # Word style name (Heading 1, List Number) when known
    number: str | None = None   # automatic Word numbering rendered as text ("1.", "（一）")


@dataclass
class Table:
    rows: list[list[str]]       # cell grid; merges resolved (see module docstring)
    index: int                  # 1-based table number in the file
    layout: str = "grid"        # grid / tabbed / cell-lines / pipe / box / docx


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

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
