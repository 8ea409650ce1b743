"""The Word briefing an official hands to a leader: "what does this selection owe, by when?".

Title and dates, the selection in words, headline figures, a co-responsibility figure, and every obligation in a
table grouped by deadline with its targets, responsible departments, what it implements and its source.
Layout follows Chinese official-document habits (GB/T 9704): A4, 仿宋 body, 黑体 headings, "— N —" page
numbers; the Chinese fonts are named through ``w:rFonts w:eastAsia`` with their English names and a GB2312
charset in the font table, so Word and LibreOffice substitute a matching face where the font is missing.

    build_briefing(graph, Selection(department="江西省教育厅"), "jyt.docx", as_of=date(2025, 6, 30))
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from policykg.app.briefing_data import (Group, Headline, Row, briefing_tasks, chinese_date,
                                        describe, document_labels, document_name, focus_departments, groups,
                                        headline, query_date, quoted, rows_for, short_citation)
from policykg.app.briefing_figure import figure_png
from policykg.graph.model import PolicyGraph
from policykg.graph.views.subgraph import Selection, find_nodes
from policykg.graph.views.network_page import function_label
from policykg.loaders.generated import MARK as GENERATED_MARK

BODY_FONT = "仿宋"        # FangSong
HEADING_FONT = "黑体"     # SimHei
LATIN_FONT = "Times New Roman"
# Chinese name -> (English name, font-table family) written to the font table for substitution.
_FONT_TABLE = {"仿宋": ("FangSong", "modern"), "黑体": ("SimHei", "swiss"), "宋体": ("SimSun", "roman")}
BODY_PT, TABLE_PT, TITLE_PT, HEADING_PT = 16, 10.5, 22, 16      # 三号, 五号, 二号, 三号
# 序号, 任务内容, 量化目标, 责任单位, 落实上级任务, 出处 (cm; 15.6 cm of A4 between the 公文 margins)
COLUMNS = (("序号", 1.2), ("任务内容", 5.3), ("量化目标", 1.9), ("责任单位", 3.0), ("落实上级任务", 2.0),
           ("出处", 2.2))
NUMERALS = "一二三四五六七八九十"


class BriefingError(ValueError):
    pass


@dataclass
class BriefingResult:
    path: Path
    description: str
    headline: Headline
    rows: list[Row]


# -- fonts and page ----------------------------------------------------------------------------------------

def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a style or run: Latin faces for letters and digits, ``east_asia`` for Chinese."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def _language(element) -> None:
    """Mark text as Simplified Chinese, so a substituted CJK font uses its Chinese (not Japanese) glyph forms."""
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(document) -> None:
    """Declare 仿宋/黑体 with their English names and the GB2312 charset, for font substitution."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    for name, (alt, family) in _FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag), {qn("w:val"): value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(document) -> None:
    for name, font, size in (("Normal", BODY_FONT, BODY_PT), ("Heading 1", HEADING_FONT, HEADING_PT),
                             ("Heading 2", HEADING_FONT, BODY_PT), ("Title", HEADING_FONT, TITLE_PT)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(style.element, font)
        _language(style.element)
        fmt = style.paragraph_format
        fmt.space_before = Pt(6 if name != "Normal" else 0)
        fmt.space_after = Pt(6 if name != "Normal" else 0)
        fmt.line_spacing = Pt(28) if name == "Normal" else None   # 公文: about 28 pt lines for 三号 text
        if name == "Title":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # the template's Title has a bottom border line; an official title has none
            ppr = style.element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", size=14, font="宋体")
    _page_field(paragraph)
    _run(paragraph, " —", size=14, font="宋体")


def _page_field(paragraph) -> None:
    """A PAGE field (begin / instruction / separate / shown value / end), updated by Word and LibreOffice."""
    def fld(kind: str):
        run = paragraph.add_run()
        run.font.size = Pt(14)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld("begin")
    run = paragraph.add_run()
    run.font.size = Pt(14)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    fld("separate")
    _run(paragraph, "1", size=14)
    fld("end")


def _run(paragraph, text: str, size: float | None = None, font: str | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    if size:
        run.font.size = Pt(size)
    if font:
        set_fonts(run._r, font)
    run.font.bold = bold or None
    return run


# -- table ---------------------------------------------------------------------------------------------------

def _cell_text(cell, text: str, size: float = TABLE_PT, bold: bool = False, font: str = BODY_FONT,
               align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.alignment = align
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = _run(paragraph, line, size=size, font=font, bold=bold)
        if i < len(lines) - 1:
            run.add_break()


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _widths(table) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, (_, width) in zip(row.cells, COLUMNS):
            cell.width = Cm(width)
    for col, (_, width) in zip(table.columns, COLUMNS):
        col.width = Cm(width)


def responsible(row: Row) -> str:
    parts = []
    if row.lead:
        parts.append("牵头：" + "、".join(row.lead))
    if row.support:
        parts.append("配合：" + "、".join(row.support))
    return "\n".join(parts) or "未写明"


def implemented(row: Row, labels: dict[str, str]) -> str:
    """The higher tasks it restates, confidently linked, as short citations (suggestions go to the annex)."""
    sure = [i for i in row.implements if not i.review][:3]
    return "\n".join(short_citation(labels.get(i.doc_id, ""), i.task_no) if i.doc_id in labels
                     else i.citation for i in sure)


def _obligations_table(document, grouped: list[Group], labels: dict[str, str]) -> None:
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (title, _) in zip(table.rows[0].cells, COLUMNS):
        _cell_text(cell, title, bold=False, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "D9D9D9")
    _repeat_header(table.rows[0])
    number = 0
    for group in grouped:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell_text(merged, f"{group.title}  共{len(group.rows)}项", font=HEADING_FONT)
        _shade(merged, "FCE4D6" if group.passed else ("E2EFDA" if group.passed is False else "EDEDED"))
        for row in group.rows:
            number += 1
            cells = table.add_row().cells
            deadline = f"\n（时限：{row.deadline_text}）" if row.deadline_text else ""
            values = (str(number), row.text + deadline, "、".join(row.targets), responsible(row),
                      implemented(row, labels), short_citation(labels.get(row.doc_id, ""), row.task_no))
            for i, (cell, value) in enumerate(zip(cells, values)):
                _cell_text(cell, value, align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT)
    _widths(table)


# -- the document ----------------------------------------------------------------------------------------------

def _documents_sentence(graph: PolicyGraph, rows: list[Row], labels: dict[str, str]) -> str:
    """The documents, each named once with the label its citations use: 涉及文件2份：①《…》；②《…》。"""
    by_id = {str(d.props.get("doc_id")): d for d in graph.nodes_by_label("Document")}

    def named(doc_id: str) -> str:
        doc = by_id.get(doc_id)
        return f"{labels[doc_id]}{quoted(document_name(doc.props)) if doc is not None else doc_id}"

    own = list(dict.fromkeys(r.doc_id for r in rows))
    others = [d for d in labels if d not in own]
    text = f"涉及文件{len(own)}份：{'；'.join(named(d) for d in own)}。"
    if others:
        text += f"对照的其他文件：{'；'.join(named(d) for d in others)}。"
    return text + "下文以编号指代文件。"


def centre_label(graph: PolicyGraph, selection: Selection) -> str:
    """What the figure's centre stands for: the department, the document's name, the function..."""
    def props(ref: str, label: str) -> dict:
        found = find_nodes(graph, ref, label)
        return graph.nodes[found[0]].props if found else {}

    if selection.department is not None:
        return props(selection.department, "Department").get("name") or selection.department
    if selection.document is not None:
        p = props(selection.document, "Document")
        return document_name(p) or selection.document
    if selection.function is not None:
        return f"{function_label(selection.function) or selection.function}部门"
    return "所选任务"


ATTENTION_ROWS = 8
ATTENTION_CHARS = 36


def attention_lines(rows: list[Row], as_of: date, labels: dict[str, str] | None = None) -> list[str]:
    """The tasks past their deadline and those due within a year, one short line each, opening with its source
    (①第3项: at the start of the line, so it is never broken across lines)."""
    passed = sorted((r for r in rows if r.due is not None and r.due < as_of), key=lambda r: r.due)
    year_later = date(as_of.year + 1, as_of.month, min(as_of.day, 28))
    soon = sorted((r for r in rows if r.due is not None and as_of <= r.due <= year_later), key=lambda r: r.due)
    one_document = len({r.doc_id for r in rows}) == 1     # the document is named above: the number suffices
    lines = []
    for title, chosen in (("已过完成时限", passed), ("一年内到期", soon)):
        if not chosen:
            lines.append(f"{title}的任务：无。")
            continue
        lines.append(f"{title}的任务{len(chosen)}项：")
        for r in chosen[:ATTENTION_ROWS]:
            text = r.text if len(r.text) <= ATTENTION_CHARS else r.text[:ATTENTION_CHARS] + "……"
            lead = f"（牵头：{'、'.join(r.lead)}）" if r.lead else ""
            if one_document and r.task_no:
                source = f"第{r.task_no}项"
            elif labels and r.doc_id in labels:
                source = short_citation(labels[r.doc_id], r.task_no)
            else:
                source = r.citation
            lines.append(f"　　{source}　{chinese_date(r.due)}前：{text}{lead}")
        if len(chosen) > ATTENTION_ROWS:
            lines.append(f"　　另有{len(chosen) - ATTENTION_ROWS}项，见任务清单。")
    return lines


def default_title(graph: PolicyGraph, selection: Selection, centre: str) -> tuple[str, str]:
    """(title, figure caption) that stay short whatever the document's title is."""
    if selection.document is not None and selection.department is None and selection.function is None:
        found = find_nodes(graph, selection.document, "Document")
        p = graph.nodes[found[0]].props if found else {}
        title = document_name(p)
        name = quoted(title) if len(title) <= 40 else "文件"   # up to two lines of a 二号 title
        return f"{name}任务分工简报", "图1　文件所列任务的责任部门分工"
    if centre == "所选任务":
        return "任务清单简报", "图1　所选任务的责任部门分工"
    return f"{centre}任务清单简报", f"图1　{centre}与各责任部门共同承担的任务"


def _figures_sentence(h: Headline, centre: str, as_of: date) -> str:
    measures = f"（其中学校举措{h.measures}项）" if h.measures else ""
    if h.relative:
        split = f"{centre}牵头{h.lead}项、配合{h.support}项"
    else:
        split = f"写明牵头单位的{h.lead}项、写明配合单位的{h.support}项"
    return (f"共梳理任务{h.tasks}项{measures}，其中{split}；涉及责任部门{h.departments}个，量化目标{h.targets}个。"
            f"截至{chinese_date(as_of)}，已到期{h.passed}项，未到期{h.coming}项（其中一年内到期{h.within_year}项），"
            f"无明确时限{h.undated}项。")


def _figures_table(document, h: Headline) -> None:
    heads = ("任务", "牵头", "配合", "涉及部门", "量化目标", "已到期", "未到期", "无明确时限")
    values = (h.tasks, h.lead, h.support, h.departments, h.targets, h.passed, h.coming, h.undated)
    table = document.add_table(rows=2, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, head, value in zip(table.rows[0].cells, heads, values):
        _cell_text(cell, head, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "D9D9D9")
    for cell, value in zip(table.rows[1].cells, values):
        _cell_text(cell, str(value), size=14, align=WD_ALIGN_PARAGRAPH.CENTER)


def build_briefing(graph: PolicyGraph, selection: Selection, output: str | Path, as_of: date | None = None,
                   title: str | None = None, description: str | None = None, query_title: str | None = None,
                   today: date | None = None, query_params: dict | None = None,
                   suggestions: bool = False) -> BriefingResult:
    """Write the briefing for ``selection`` of ``graph`` to ``output`` (.docx); refuses a selection without tasks.

    ``graph`` should hold the lower levels' documents too: the section on who has taken up each task reads
    them. A query's ``query_params`` are named in the scope, and its date is the as-of date unless one is
    given. Link suggestions awaiting review are left out, unless ``suggestions`` adds them in an annex."""
    from policykg.app.briefing_uptake import annex_table, cited_documents, uptake_sentence, uptake_table, uptakes

    as_of = as_of or query_date(query_params) or date.today()
    today = today or date.today()
    task_ids = briefing_tasks(graph, selection)
    if not task_ids:
        raise BriefingError("the selection has no tasks: nothing to brief")
    rows = rows_for(graph, task_ids)
    focus = focus_departments(graph, selection)
    figures = headline(graph, rows, as_of, focus)
    described = description or describe(graph, selection, query_title, query_params)
    found, suggested = uptakes(graph, rows)
    labels = document_labels([r.doc_id for r in rows]
                             + [i.doc_id for r in rows for i in r.implements if not i.review]
                             + cited_documents(found, suggested if suggestions else []))
    centre = centre_label(graph, selection)

    document = Document()
    _styles(document)
    _font_table(document)
    _page(document)
    title_text, caption_text = default_title(graph, selection, centre)
    title_text = title or title_text
    document.core_properties.title = title_text
    document.core_properties.author = "policykg"
    document.core_properties.keywords = GENERATED_MARK   # a folder run never reads a briefing back as a task list
    document.add_paragraph(title_text, style="Title")
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, f"（数据截至{chinese_date(as_of)}　{chinese_date(today)}生成）", size=14, font=BODY_FONT)

    headings = iter(NUMERALS)
    document.add_paragraph(f"{next(headings)}、范围", style="Heading 1")
    document.add_paragraph(f"本简报汇总{described}。")
    document.add_paragraph(_documents_sentence(graph, rows, labels))
    document.add_paragraph(f"{next(headings)}、总体情况", style="Heading 1")
    document.add_paragraph(_figures_sentence(figures, centre, as_of))
    _figures_table(document, figures)

    document.add_paragraph(f"{next(headings)}、需关注的时限", style="Heading 1")
    for line in attention_lines(rows, as_of, labels):
        document.add_paragraph(line)

    document.add_paragraph(f"{next(headings)}、分工关系", style="Heading 1")
    png, _ = figure_png(graph, task_ids, focus, centre)
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.line_spacing = 1.0    # not the body's exact 28 pt, which would clip the picture
    picture.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, caption_text, size=TABLE_PT + 1.5, font=HEADING_FONT)

    document.add_paragraph(f"{next(headings)}、任务清单（按完成时限）", style="Heading 1")
    grouped = groups(rows, as_of)
    _obligations_table(document, grouped, labels)

    if found:
        document.add_paragraph(f"{next(headings)}、各项任务的承接情况", style="Heading 1")
        document.add_paragraph(uptake_sentence(found))
        uptake_table(document, found, labels)

    document.add_paragraph(f"{next(headings)}、说明", style="Heading 1")
    for note in (
        "完成时限按原文推算：“到2025年”“‘十四五’期间”等按该年12月31日计；未写明时限的列入“无明确时限”。",
        "“落实上级任务”和承接情况为系统比对上下级文件后给出的确定对应关系；系统另给出的待核建议"
        + ("列于附件，需人工核对。" if suggestions and suggested else "未列入（导出时可选择以附件列出）。"),
        "“出处”以“范围”中的文件编号（①②……）加任务序号标注（如①第3项）；印发通知的，文件名称为所印发文件的名称。",
    ):
        document.add_paragraph(note)
    if suggestions and suggested:
        document.add_paragraph("附件：待核的落实关系建议", style="Heading 1")
        document.add_paragraph(f"以下{len(suggested)}条对应关系为系统给出的建议，尚未经人工核对，不计入正文。")
        annex_table(document, suggested, labels)
    output = Path(output)
    if not output.parent.exists():
        raise BriefingError(f"cannot write {output}: folder {output.parent} does not exist")
    document.save(output)
    return BriefingResult(output, described, figures, rows)
