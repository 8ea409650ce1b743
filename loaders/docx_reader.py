"""Word (.docx) task lists through python-docx: body paragraphs and tables in document order.

Merges are resolved the way the plain-text renderings show them, so one segmenter serves every format:
a horizontally merged cell (gridSpan) gives its text once, followed by empty cells for the columns it covers;
a vertically merged cell (vMerge) gives its text in its first row and empty cells below, which the segmenter
carries down as the group of every row it spans. Automatic list numbering is rendered as text ("1.", "（一）").
"""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.oxml.ns import qn

from .blocks_common import check_zip, simplify
from .normalize import clean_line
from .numbering import Numbering
from .source import LoaderError, Paragraph, Table

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_T, W_TAB, W_BR, W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_TCPR, W_GRIDSPAN, W_VMERGE, W_VAL = qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val")
W_SDT, W_SDTCONTENT = qn("w:sdt"), qn("w:sdtContent")
W_DEL = qn("w:del")
W_TRPR, W_GRIDBEFORE = qn("w:trPr"), qn("w:gridBefore")
# a hyperlink relationship without TargetMode="External" (LibreOffice writes Target="#" for a page's "#" links):
# python-docx then looks for a part named word/#, which Word itself never does
_INTERNAL_HYPERLINK = re.compile(rb'<Relationship(?=[^>]*/relationships/hyperlink")(?![^>]*TargetMode)([^>]*?)(/?>)')


def _para_text(p) -> str:
    out = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR):
        if el.tag == W_T:
            # deleted text (tracked changes) is not part of the document
            parent = el.getparent()
            if parent is not None and parent.getparent() is not None and parent.getparent().tag == W_DEL:
                continue
            # an entity the parser leaves unresolved is a child node: the text after it is its tail
            out.append((el.text or "") + "".join(child.tail or "" for child in el))
        elif el.tag == W_TAB:
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _cell_text(tc, numbering) -> str:
    parts = []
    for p in tc.iter(W_P):
        number = numbering.render(p) if numbering is not None else None
        text = _para_text(p)
        parts.append((number or "") + text)
    return "\n".join(parts).strip()


def _table_rows(tbl, numbering=None) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(W_TR):
        row: list[str] = []
        trpr = tr.find(W_TRPR)
        before = trpr.find(W_GRIDBEFORE) if trpr is not None else None
        if before is not None:
            row.extend([""] * int(before.get(W_VAL) or 0))   # a row starting right of the first grid column
        for tc in tr.iterchildren(W_TC):
            span, continued = 1, False
            tcpr = tc.find(W_TCPR)
            if tcpr is not None:
                gs = tcpr.find(W_GRIDSPAN)
                if gs is not None:
                    span = int(gs.get(W_VAL) or 1)
                vm = tcpr.find(W_VMERGE)
                if vm is not None and (vm.get(W_VAL) or "continue") == "continue":
                    continued = True
            row.append("" if continued else clean_line(_cell_text(tc, numbering)))
            row.extend([""] * (span - 1))
        rows.append(row)
    return rows


def _body_elements(body):
    for el in body.iterchildren():
        if el.tag == W_SDT:        # content controls wrap ordinary paragraphs and tables
            content = el.find(W_SDTCONTENT)
            if content is not None:
                yield from _body_elements(content)
        elif el.tag in (W_P, W_TBL):
            yield el


def _hyperlinks_made_external(data: bytes) -> bytes:
    """The package with every hyperlink relationship marked external: a hyperlink never targets a part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.endswith(".rels"):
                content = _INTERNAL_HYPERLINK.sub(rb'<Relationship\1 TargetMode="External"\2', content)
            dst.writestr(info, content)
    return out.getvalue()


def docx_blocks(data: bytes, path) -> tuple[list[Paragraph | Table], bool]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, path, ".docx")       # before anything is inflated (zip-bomb guard)
    except zipfile.BadZipFile as e:
        raise LoaderError(path, f"corrupt .docx (cannot open the Word package: {e})")
    try:
        try:
            document = Document(io.BytesIO(data))
        except KeyError:
            document = Document(io.BytesIO(_hyperlinks_made_external(data)))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoaderError(path, f"corrupt .docx (cannot open the Word package: {e})")
    except Exception as e:  # lxml XMLSyntaxError and friends: a damaged package
        raise LoaderError(path, f"corrupt .docx ({type(e).__name__}: {e})")
    numbering = Numbering.from_document(document)
    blocks: list[Paragraph | Table] = []
    n_par = n_tab = 0
    for el in _body_elements(document.element.body):
        if el.tag == W_TBL:
            n_tab += 1
            blocks.append(Table(_table_rows(el, numbering), n_tab, "docx"))
            continue
        text = clean_line(_para_text(el))
        number = numbering.render(el)
        for line in text.split("\n"):      # a manual line break starts a new paragraph, as in the renderings
            if line.strip() or number:
                n_par += 1
                blocks.append(Paragraph(line.strip(), n_par, number=number))
                number = None
    return blocks, simplify(blocks)
