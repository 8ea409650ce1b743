"""One entry point for every file: recognise the format from the bytes (never from the extension), read it
into a SourceDocument, and list the input files of a run."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from .docx_reader import docx_blocks
from .source import LoaderError, SourceDocument, sha256_bytes
from .text_reader import decode, text_blocks

READABLE = {".txt", ".docx", ".text", ".tsv"}   # picked up from folders; a named file of any extension is read
# Recognised so that a folder run reports them instead of skipping them silently.
UNREADABLE = {".doc", ".wps", ".pdf", ".rtf", ".odt", ".xls", ".xlsx", ".et", ".ofd", ".wpt", ".dot", ".docm",
              ".pptx", ".ppt", ".html", ".htm"}
CONVERT_HINT = "convert it first, e.g. `soffice --headless --convert-to docx FILE`"


def _sniff(data: bytes, path: Path) -> str:
    if data[:4] == b"PK\x03\x04":
        head = data[:4096] + data[-65536:]
        if b"word/document.xml" in head or b"word/" in head:
            return "docx"
        if b"opendocument" in data[:200] or b"content.xml" in head:
            raise LoaderError(path, f"OpenDocument text, not .docx: {CONVERT_HINT}")
        if b"xl/" in head:
            raise LoaderError(path, "a spreadsheet (.xlsx), not a Word document: save the sheet as .docx or .txt")
        raise LoaderError(path, "a zip archive without a Word document inside (corrupt .docx?)")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise LoaderError(path, f"old binary Word/WPS format (.doc/.wps) is not supported: {CONVERT_HINT}")
    if data[:5] == b"%PDF-":
        raise LoaderError(path, "PDF is not supported: export the original as .docx "
                                "(or convert with `soffice --headless --infilter=writer_pdf_import --convert-to docx FILE`)")
    if data[:5] == b"{\\rtf":
        raise LoaderError(path, f"RTF is not supported: {CONVERT_HINT}")
    return "text"


def read_bytes(data: bytes, path, doc: str | None = None) -> SourceDocument:
    path = Path(path)
    if not data.strip():
        raise LoaderError(path, "empty file")
    kind = _sniff(data, path)
    src = SourceDocument(path=str(path), doc=doc or path.stem, sha256=sha256_bytes(data))
    if kind == "docx":
        src.blocks, src.converted_traditional = docx_blocks(data, path)
        src.encoding = "docx"
    else:
        text, src.encoding = decode(data, path)
        src.blocks, src.converted_traditional = text_blocks(text)
    return src


def read(path) -> SourceDocument:
    """A file's metadata and blocks (paragraphs; tables as cell grids with merges resolved)."""
    path = Path(path)
    ext = path.suffix.lower()
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise LoaderError(path, "is a folder (pass it to iter_input_files)")
    except OSError as e:
        raise LoaderError(path, f"cannot read ({e.strerror or e})")
    if ext in (".doc", ".wps") and data[:4] != b"PK\x03\x04":
        raise LoaderError(path, f"old {ext} format is not supported: {CONVERT_HINT}")
    return read_bytes(data, path)


def iter_input_files(paths: Iterable) -> Iterator[Path]:
    """Files named, and the task-list-like files inside folders (recursively, sorted). Files of formats we
    cannot read are yielded too, so the run reports them instead of skipping them silently.

    A folder walk leaves out what is never a task list: hidden folders and files (.git, .venv), Office lock
    files (~$...), virtual environments (any folder holding pyvenv.cfg), site-packages, node_modules and
    __pycache__ (symbolic links to folders are not followed), and files policykg wrote itself (a briefing or
    graph page saved among the inputs, see ``generated.py``). A file named on the command line is always read."""
    import os

    from .generated import is_generated

    never = {"site-packages", "dist-packages", "node_modules", "__pycache__"}
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        found = []
        for folder, subfolders, names in os.walk(p):
            here = Path(folder)
            subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in never
                             and not (here / d / "pyvenv.cfg").exists()]
            for name in names:
                f = here / name
                if name.startswith((".", "~$")) or f.suffix.lower() not in READABLE | UNREADABLE:
                    continue
                if f.is_file() and not is_generated(f):
                    found.append(f)
        yield from sorted(found)
