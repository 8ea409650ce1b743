"""Small steps every format reader shares once it has its blocks: traditional script converted to simplified
(as the .docx and .txt readers do), a saved web page's site footer dropped, and a zip package checked before it
is inflated."""
from __future__ import annotations

import re
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


# A government portal's footer, kept when a page is printed to PDF or opened and saved as Word: its registration
# numbers and copyright mark it, and the label lines just above it (主办单位：X　承办单位：Y, 联系方式：…, 地址：…)
# would otherwise read as a responsibility annotation of the last task.
SITE_FOOTER_RE = re.compile(r"ICP备|公网安备|网站标识码|版权所有|Copyright|©|网站地图")
SITE_LABEL_RE = re.compile(r"^\s*(?:主办单位|承办单位|主办|承办|协办单位|联系方式|联系电话|联系我们|地址|邮编|技术支持)"
                           r"\s*[:：]")


def drop_site_footer(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """The blocks without the paragraphs of a site footer: those holding a registration number or copyright
    line, and the site label lines right above them."""
    drop: set[int] = set()
    for k, b in enumerate(blocks):
        if isinstance(b, Paragraph) and SITE_FOOTER_RE.search(b.text):
            drop.add(k)
            above = k - 1
            while above >= 0 and isinstance(blocks[above], Paragraph) and (
                    SITE_LABEL_RE.match(blocks[above].text) or SITE_FOOTER_RE.search(blocks[above].text)):
                drop.add(above)
                above -= 1
    return [b for k, b in enumerate(blocks) if k not in drop] if drop else blocks


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
