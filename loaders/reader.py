"""One entry point for every file: recognise the format from the bytes (never from the extension), read it
into a SourceDocument, and list the input files of a run."""
from __future__ import annotations

import stat
from pathlib import Path
from typing import Iterable, Iterator

from . import office_convert
from .blocks_common import drop_site_footer
from .docx_reader import docx_blocks
from .html_reader import html_blocks
from .pdf_reader import pdf_blocks
from policykg.core import settings

from .source import LoaderError, SourceDocument, printable, sha256_bytes
from .text_reader import decode, text_blocks
from .xlsx_reader import xlsx_blocks

# picked up from folders; a named file of any extension is read
READABLE = {".txt", ".docx", ".text", ".tsv", ".html", ".htm", ".mhtml", ".mht", ".pdf", ".xlsx", ".xlsm",
            ".doc", ".wps", ".odt", ".rtf", ".xls", ".et", ".ods"}
# said once for help texts and the explorer's upload box
FORMATS = ("text (.txt in UTF-8/GBK/UTF-16), Word (.docx; .doc, .wps, .odt, .rtf through LibreOffice), "
           "saved web pages (.html, .mhtml), PDF with a text layer, Excel (.xlsx; .xls, .ods through LibreOffice)")
# Recognised so that a folder run reports them instead of skipping them silently.
UNREADABLE = {".ofd", ".wpt", ".dot", ".docm", ".pptx", ".ppt"}
CONVERT_HINT = "convert it first, e.g. `soffice --headless --convert-to docx FILE`"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff(data: bytes, path: Path) -> str:
    """The format the bytes show: docx, xlsx, pdf, html, mhtml, text, or convert:EXT:TARGET for LibreOffice."""
    if data[:4] == b"PK\x03\x04":
        head = data[:4096] + data[-65536:]
        if b"word/document.xml" in head or b"word/" in head:
            return "docx"
        if b"xl/workbook" in head or b"xl/" in head:
            return "xlsx"
        if b"opendocument.text" in data[:200]:
            return "convert:odt:docx"
        if b"opendocument.spreadsheet" in data[:200]:
            return "convert:ods:xlsx"
        if b"opendocument" in data[:200] or b"content.xml" in head:
            raise LoaderError(path, f"an OpenDocument file that is neither text nor a spreadsheet: {CONVERT_HINT}")
        raise LoaderError(path, "a zip archive without a Word document or workbook inside (corrupt .docx/.xlsx?)")
    if data[:8] == OLE2:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise LoaderError(path, "password-protected (encrypted) Office file: open it in Word, Excel or WPS, "
                                    "remove the password and save it again")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") + b"\x00\x00" in data:
            return "convert:xls:xlsx"
        return "convert:doc:docx"       # Word 97-2003 .doc and Kingsoft .wps
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "convert:rtf:docx"
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"mime-version:", b"from:", b"content-type:")) and b"multipart/related" in data[:4096].lower():
        return "mhtml"
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body", b"<!--", b"<?xml")) and (
            b"<html" in data[:4096].lower() or b"<body" in data[:8192].lower()):
        return "html"
    return "text"


def max_file_bytes() -> int:
    return int(float(settings.get("max_file_mb")) * 1024 * 1024)


def _too_large(path, size: int) -> LoaderError:
    return LoaderError(path, f"{size / 1024 / 1024:,.1f} MB, over the limit of {settings.get('max_file_mb')} MB "
                             "(POLICYKG_MAX_FILE_MB)")


def read_bytes(data: bytes, path, doc: str | None = None) -> SourceDocument:
    path = Path(path)
    if len(data) > max_file_bytes():
        raise _too_large(path, len(data))
    if not data.strip():
        raise LoaderError(path, "empty file")
    kind = _sniff(data, path)
    src = SourceDocument(path=printable(path), doc=printable(doc or path.stem), sha256=sha256_bytes(data))
    if kind.startswith("convert:"):
        _, ext, kind = kind.split(":")
        data = office_convert.convert(data, path, ext, kind)
        src.encoding = f"{ext}→{kind} (LibreOffice)"
    if kind == "docx":
        src.blocks, src.converted_traditional = docx_blocks(data, path)
    elif kind == "xlsx":
        src.blocks, src.converted_traditional = xlsx_blocks(data, path)
    elif kind == "pdf":
        src.blocks, src.converted_traditional = pdf_blocks(data, path)
    elif kind in ("html", "mhtml"):
        src.blocks, src.converted_traditional, src.encoding = html_blocks(data, path, archive=kind == "mhtml")
    else:
        text, src.encoding = decode(data, path)
        src.blocks, src.converted_traditional = text_blocks(text)
    src.blocks = drop_site_footer(src.blocks)
    src.encoding = src.encoding or kind
    return src


def read(path) -> SourceDocument:
    """A file's metadata and blocks (paragraphs; tables as cell grids with merges resolved)."""
    path = Path(path)
    limit = max_file_bytes()
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LoaderError(path, "is a folder (pass it to iter_input_files)")
        if not stat.S_ISREG(info.st_mode):
            # a pipe would block and a device (/dev/zero) never end: only files are read
            raise LoaderError(path, "not a regular file (a pipe, device or socket): only files are read")
        if info.st_size > limit:
            raise _too_large(path, info.st_size)
        with open(path, "rb") as f:
            data = f.read(limit + 1)        # never more than the limit, whatever the file grew to
    except OSError as e:
        raise LoaderError(path, f"cannot read ({e.strerror or e})")
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
