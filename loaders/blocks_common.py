"""Small steps every format reader shares once it has its blocks: traditional script converted to simplified
(as the .docx and .txt readers do), grids squared off, and a zip package checked before it is inflated."""
from __future__ import annotations

import zipfile

from .normalize import is_traditional, to_simplified
from .source import LoaderError, Paragraph, Table


def simplify(blocks: list[Paragraph | Table]) -> bool:
    """Convert a traditional-script document to simplified in place; True when it was converted."""
    sample = "".join(b.text if isinstance(b, Paragraph) else "".join("".join(r) for r in b.rows) for b in blocks)
    if not is_traditional(sample):
        return False
    for b in blocks:
        if isinstance(b, Paragraph):
            b.text = to_simplified(b.text)
            b.number = to_simplified(b.number) if b.number else None
        else:
            b.rows = [[to_simplified(c) for c in r] for r in b.rows]
    return True


def check_zip(archive: zipfile.ZipFile, path, what: str) -> None:
    """Refuse a zip package (.docx, .xlsx) whose members would inflate past the declared limits, before any
    member is inflated: the member count and the sum of the uncompressed sizes its directory declares."""
    from policykg.core import settings

    max_members = int(settings.get("max_zip_members"))
    max_mb = float(settings.get("max_unzipped_mb"))
    infos = archive.infolist()
    if len(infos) > max_members:
        raise LoaderError(path, f"{what} package has {len(infos):,} members, over the limit of {max_members:,} "
                                f"(max_zip_members, POLICYKG_MAX_ZIP_MEMBERS): refused as a possible zip bomb")
    total = sum(i.file_size for i in infos)
    if total > max_mb * 1024 * 1024:
        raise LoaderError(path, f"{what} package would inflate to {total / 1024 / 1024:,.0f} MB, over the limit of "
                                f"{max_mb:g} MB (max_unzipped_mb, POLICYKG_MAX_UNZIPPED_MB): refused as a possible "
                                "zip bomb")
