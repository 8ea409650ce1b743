"""The briefing's "who has taken up each task": for each task of the briefing, the lower-level tasks restating it
level by level (``graph.chain_tree``, confident links only) and the places below that have not taken it up;
and the annex of link suggestions awaiting review, which the briefing leaves out unless asked for.

Data here; the Word layout of these two sections at the end (it borrows the briefing's cell helpers).
"""
from __future__ import annotations

from dataclasses import dataclass

from policykg.app.briefing_data import Row, short_citation
from policykg.graph.cascade.chain_tree import (
    LEVEL_ORDER,
    ChainItem,
    ChainTree,
    _institution_scopes,
    build_tree,
    graph_documents,
    graph_items,
    jurisdictions_by_level,
)
from policykg.graph.model import PolicyGraph
from policykg.graph.views.network_page import LEVEL_NAMES, name_of

TEXT_CHARS = 30     # the task's text in the uptake table: its beginning (the task list has it whole)


@dataclass
class Uptake:
    row: Row
    tree: ChainTree             # confident links only


@dataclass
class Suggestion:
    lower: ChainItem
    higher: ChainItem
    score: float | None


def uptakes(graph: PolicyGraph, rows: list[Row]) -> tuple[list[Uptake], list[Suggestion]]:
    """The uptake of each task of the rows that has places below it (documents of lower levels inside its
    jurisdiction), in the rows' order; and every suggestion touching the rows or their trees."""
    documents = graph_documents(graph)
    items, links = graph_items(graph, documents)
    places, schools = jurisdictions_by_level(documents), _institution_scopes(documents)
    out, seen, suggested = [], set(), []
    for row in rows:
        if row.task_id not in items:
            continue
        if graph.nodes[row.task_id].label == "Task":
            tree = build_tree(row.task_id, items, links, places, institutions=schools)
            if tree.places_below:
                out.append(Uptake(row, tree))
            wider = build_tree(row.task_id, items, links, places, suggestions=True, institutions=schools)
            touching = [link for link in wider.links if link.review]
        else:
            touching = []
        touching += [link for link in links if link.review and link.lower == row.task_id]
        for link in touching:
            if (link.lower, link.higher) not in seen:
                seen.add((link.lower, link.higher))
                suggested.append(Suggestion(items[link.lower], items[link.higher], link.score))
    return out, suggested


def cited_documents(found: list[Uptake], suggestions: list[Suggestion]) -> list[str]:
    """The documents these sections cite, in the order they appear (labels continue the briefing's)."""
    out = []
    for u in found:
        out += [r.item.doc_id for r in u.tree.rows[1:]]
    for s in suggestions:
        out += [s.lower.doc_id, s.higher.doc_id]
    return out


def taken_lines(tree: ChainTree, labels: dict[str, str]) -> str:
    """Who has taken the task up, level by level, indented below the task they restate: ④第44项　江苏省."""
    lines = []
    for row in tree.rows[1:]:
        item = row.item
        who = item.jurisdiction or name_of(LEVEL_NAMES, item.level)
        mark = "（学校举措）" if item.kind == "SchoolMeasure" else ""
        cite = short_citation(labels.get(item.doc_id, ""), item.task_no)
        lines.append("　" * (row.depth - 1) + f"{cite}　{who}{mark}")   # the citation opens the line: never broken
    return "\n".join(lines) or "尚无"


def gap_lines(tree: ChainTree) -> str:
    """The places below that have not taken it up, by level: 省级：江西省、辽宁省."""
    lines = []
    for level in LEVEL_ORDER:
        here = [g.jurisdiction for g in tree.gaps if g.level == level]
        if here:
            lines.append(f"{name_of(LEVEL_NAMES, level)}：{'、'.join(here)}")
    return "\n".join(lines) or "无"


# -- Word layout ------------------------------------------------------------------------------------------------

# 任务, 已承接（逐级）, 尚未承接 (cm; 15.6 cm between the 公文 margins)
UPTAKE_COLUMNS = (("任务", 5.0), ("已承接（逐级）", 6.2), ("尚未承接", 4.4))
ANNEX_COLUMNS = (("下级任务", 6.6), ("上级任务", 6.6), ("得分", 2.4))


def uptake_sentence(found: list[Uptake]) -> str:
    taken = sum(1 for u in found if len(u.tree.rows) > 1)
    return (f"以下{len(found)}项任务在数据库中有下级文件可对照：已有下级任务承接的{taken}项，尚无承接的"
            f"{len(found) - taken}项。“已承接”按层级逐级列出承接任务的出处（下一级缩进在其所承接的任务之下）；"
            "“尚未承接”列出数据库中有该层级文件、但未承接该任务的地区和学校。只计确定的对应关系。")


def _table(document, columns, values_per_row) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm
    from policykg.app.briefing import HEADING_FONT, _cell_text, _repeat_header, _shade

    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (title, _) in zip(table.rows[0].cells, columns):
        _cell_text(cell, title, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "D9D9D9")
    _repeat_header(table.rows[0])
    for values in values_per_row:
        for cell, value in zip(table.add_row().cells, values):
            _cell_text(cell, value)
    table.autofit = False
    for row in table.rows:
        for cell, (_, width) in zip(row.cells, columns):
            cell.width = Cm(width)


def uptake_table(document, found: list[Uptake], labels: dict[str, str]) -> None:
    values = []
    for u in found:
        text = u.row.text if len(u.row.text) <= TEXT_CHARS else u.row.text[:TEXT_CHARS] + "……"
        cite = short_citation(labels.get(u.row.doc_id, ""), u.row.task_no)
        values.append((f"{cite}　{text}", taken_lines(u.tree, labels), gap_lines(u.tree)))
    _table(document, UPTAKE_COLUMNS, values)


def annex_table(document, suggestions: list[Suggestion], labels: dict[str, str]) -> None:
    def cell(item: ChainItem) -> str:
        who = item.jurisdiction or name_of(LEVEL_NAMES, item.level)
        text = item.text if len(item.text) <= TEXT_CHARS else item.text[:TEXT_CHARS] + "……"
        return f"{short_citation(labels.get(item.doc_id, ''), item.task_no)}　{who}\n{text}"

    _table(document, ANNEX_COLUMNS, [(cell(s.lower), cell(s.higher), f"{s.score:.2f}" if s.score is not None else "")
                                     for s in suggestions])
