"""Files policykg wrote itself (briefings, graph pages), marked when written and recognised when a folder is read,
so that an export saved into the input folder is never read back as a task list.

Writers: the Word briefing sets its ``keywords`` core property to ``MARK``; the HTML graph page carries
``<meta name="generator" content="MARK">``. Readers call ``is_generated(path)``.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

MARK = "policykg-generated"
HTML_META = f'<meta name="generator" content="{MARK}">'
_HEAD_BYTES = 4096   # the page's <head> comes first


def is_generated(path: str | Path) -> bool:
    """Whether ``path`` is a .docx or HTML file that policykg wrote (reads only its properties or first bytes)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
        if head.startswith(b"PK"):
            with zipfile.ZipFile(path) as archive:
                if "docProps/core.xml" not in archive.namelist():
                    return False
                return MARK.encode() in archive.read("docProps/core.xml")
        return HTML_META.encode() in head
    except (OSError, zipfile.BadZipFile):
        return False
