"""What a briefing says, worked out from the graph: the selection in words, headline figures and one row per task.

Kept apart from the Word layout (``briefing.py``) so the numbers can be checked without opening a document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from policykg.graph.model import Node, PolicyGraph
from policykg.graph.views.subgraph import Selection, TASK_LABELS, find_nodes, matching_tasks
from policykg.graph.views.network_page import LEVEL_NAMES, document_name, function_label, name_of, quoted  # noqa: F401

NO_DEADLINE = "无明确时限"


@dataclass
class Implemented:
    citation: str          # where the higher task is: 《document》 and its number
    review: bool           # the link is a suggestion that needs a person's check
    doc_id: str = ""       # the higher task's document and number (for the short citation ①第N项)
    task_no: str | None = None
    score: float | None = None


@dataclass
class Row:
    task_id: str
    citation: str          # 《文件》第N项
    doc_id: str
    task_no: str | None
    text: str
    targets: list[str]
    lead: list[str]
    support: list[str]
    deadline_text: str | None
    due: date | None
    implements: list[Implemented] = field(default_factory=list)


@dataclass
class Headline:
    tasks: int
    measures: int
    lead: int              # tasks the focus departments lead (or: tasks with a lead department)
    support: int           # tasks they only support (or: tasks with support departments)
    relative: bool         # lead/support counted for the focus departments
    departments: int
    targets: int
    passed: int
    coming: int
    within_year: int       # of the coming ones, due within a year of the as-of date
    undated: int


@dataclass
class Group:
    title: str
    passed: bool | None    # None: no deadline
    rows: list[Row]


# -- reading the graph ---------------------------------------------------------------------------------------

class _Adjacency:
    def __init__(self, graph: PolicyGraph) -> None:
        self.out: dict[str, list] = {}
        self.inc: dict[str, list] = {}
        for e in graph.edges.values():
            self.out.setdefault(e.source, []).append(e)
            self.inc.setdefault(e.target, []).append(e)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def document_of(graph: PolicyGraph, adj: _Adjacency, task_id: str) -> Node | None:
    for e in adj.inc.get(task_id, ()):
        if e.type == "HAS_TASK":
            return graph.nodes[e.source]
        if e.type == "HAS_MEASURE":
            return document_of(graph, adj, e.source)
    return None




def cite(doc: Node | None, task: Node) -> str:
    """A task's source as an official would cite it: 《document》第N项."""
    no = task.props.get("task_no")
    where = f"第{no}项" if no else (task.props.get("location") or "")
    if doc is None:
        return f"{task.props.get('doc_id', '')} {where}".strip()
    return f"{quoted(document_name(doc.props))}{where}"


def documents_named(graph: PolicyGraph, rows: list[Row]) -> list[str]:
    """《name》 of each document the rows come from, in first-seen order."""
    by_id = {d.props.get("doc_id"): d for d in graph.nodes_by_label("Document")}
    out = []
    for doc_id in dict.fromkeys(r.doc_id for r in rows):
        doc = by_id.get(doc_id)
        if doc is None:
            out.append(doc_id)
            continue
        out.append(quoted(document_name(doc.props)))
    return out


def task_text(task: Node) -> str:
    p = task.props
    if task.label == "SchoolMeasure":
        goals = "；".join(p.get("goals") or [])
        return p.get("measure") or goals or ""
    return p.get("text") or ""


def rows_for(graph: PolicyGraph, task_ids: list[str]) -> list[Row]:
    """One row per task, in document order (then as given), with targets, lead and support departments,
    deadline and what it implements."""
    from policykg.graph.views.browse import reading_order

    adj = _Adjacency(graph)
    rows = []
    for tid in reading_order(graph, task_ids):
        task = graph.nodes[tid]
        doc = document_of(graph, adj, tid)
        lead, support, targets, ends, implements = [], [], [], [], []
        for e in sorted(adj.out.get(tid, ()), key=lambda e: (e.props.get("position") or 0, e.target)):
            other = graph.nodes[e.target]
            if e.type == "LEAD":
                lead.append(other.props.get("name") or other.id)
            elif e.type == "SUPPORT":
                support.append(other.props.get("name") or other.id)
            elif e.type == "HAS_TARGET":
                targets.append(other.props.get("text") or "")
            elif e.type == "HAS_DEADLINE":
                end = _date(other.props.get("end")) or _date(other.props.get("start"))
                if end:
                    ends.append(end)
        links = sorted((e for e in adj.out.get(tid, ()) if e.type == "IMPLEMENTS"),
                       key=lambda e: -(e.props.get("score") or 0))
        for e in links:
            higher = graph.nodes[e.target]
            implements.append(Implemented(cite(document_of(graph, adj, e.target), higher), bool(e.props.get("review")),
                                          str(higher.props.get("doc_id") or ""), higher.props.get("task_no"),
                                          e.props.get("score")))
        rows.append(Row(tid, cite(doc, task), str(task.props.get("doc_id") or ""), task.props.get("task_no"),
                        task_text(task), targets, lead, support, task.props.get("deadline_text"),
                        min(ends) if ends else None, implements))
    return rows


# -- figures and groups ----------------------------------------------------------------------------------------

def focus_departments(graph: PolicyGraph, selection: Selection) -> set[str] | None:
    """The departments a department or function selection is about (None for other selections)."""
    from policykg.graph.views.subgraph import select

    if selection.department is None and selection.function is None:
        return None
    probe = Selection(department=selection.department, with_units=selection.with_units,
                      function=selection.function, max_nodes=10 ** 9)
    return {n for n in select(graph, probe).focus if graph.nodes[n].label == "Department"}


def headline(graph: PolicyGraph, rows: list[Row], as_of: date, focus: set[str] | None) -> Headline:
    adj = _Adjacency(graph)
    departments: set[str] = set()
    lead = support = 0
    for row in rows:
        linked = [(e.type, e.target) for e in adj.out.get(row.task_id, ()) if e.type in ("LEAD", "SUPPORT")]
        departments.update(t for _, t in linked)
        if focus is not None:
            if any(kind == "LEAD" and t in focus for kind, t in linked):
                lead += 1
            elif any(kind == "SUPPORT" and t in focus for kind, t in linked):
                support += 1
        else:
            lead += any(kind == "LEAD" for kind, _ in linked)
            support += any(kind == "SUPPORT" for kind, _ in linked)
    passed = [r for r in rows if r.due is not None and r.due < as_of]
    coming = [r for r in rows if r.due is not None and r.due >= as_of]
    year_later = date(as_of.year + 1, as_of.month, min(as_of.day, 28))
    return Headline(
        tasks=len(rows),
        measures=sum(1 for r in rows if graph.nodes[r.task_id].label == "SchoolMeasure"),
        lead=lead, support=support, relative=focus is not None, departments=len(departments),
        targets=sum(len(r.targets) for r in rows),
        passed=len(passed), coming=len(coming), within_year=sum(1 for r in coming if r.due <= year_later),
        undated=sum(1 for r in rows if r.due is None),
    )


def groups(rows: list[Row], as_of: date) -> list[Group]:
    """Rows grouped by due date: passed deadlines first, then coming ones in order, then the undated."""
    by_due: dict[date | None, list[Row]] = {}
    for row in rows:
        by_due.setdefault(row.due, []).append(row)
    out = []
    for due in sorted(d for d in by_due if d is not None):
        state = "已到期" if due < as_of else "未到期"
        out.append(Group(f"{chinese_date(due)}前完成（{state}）", due < as_of, by_due[due]))
    if None in by_due:
        out.append(Group(f"{NO_DEADLINE}（持续推进或未写明时限）", None, by_due[None]))
    return out


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# -- documents named once, cited short ------------------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"   # in GB2312, so every Chinese font has them


def document_labels(doc_ids) -> dict[str, str]:
    """①, ②, ... for the documents in the order given (〔11〕 from the eleventh on): the scope names each
    document once by its label, and every citation is then short enough to stay on one line."""
    labels = {}
    for doc_id in doc_ids:
        if doc_id not in labels:
            n = len(labels) + 1
            labels[doc_id] = _CIRCLED[n - 1] if n <= len(_CIRCLED) else f"〔{n}〕"
    return labels


def short_citation(label: str, task_no: str | None) -> str:
    """①第3项: a document's label and the task's number. Four or five characters: the briefing puts it where a
    line starts (or in a column wider than it), so it is never broken across lines, which Word and LibreOffice
    would do anywhere inside Chinese text (neither honours a word joiner there)."""
    return f"{label}第{task_no}项" if task_no else label


# -- a saved query in words ------------------------------------------------------------------------------------

_PARAM_WORDS = {"department": "部门", "document": "文件", "function": "职能", "level": "层级",
                "jurisdiction": "辖区", "keyword": "关键词", "task": "任务", "unit": "单位", "year": "年份"}


def query_in_words(title: str, params: dict | None, graph: PolicyGraph | None = None) -> str:
    """A saved query's title with the values it was run with: "截至某日应完成的任务" run with date=2022-12-31
    reads "截至2022年12月31日应完成的任务"; other values follow in brackets (部门：江西省教育厅). Limits and
    switches left at their defaults are not named."""
    params = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
    text = title
    day = query_date(params)
    if day is not None:
        text = text.replace("某日", chinese_date(day), 1) if "某日" in text else f"{text}（截至{chinese_date(day)}）"
        params.pop("date")
    named = []
    for key, value in params.items():
        if key in ("limit",) or isinstance(value, bool):
            continue
        shown = str(value)
        if key == "level":
            shown = "、".join(name_of(LEVEL_NAMES, part) for part in shown.split("+"))
        elif key == "function":
            shown = function_label(shown) or shown
        elif key in ("document", "department") and graph is not None:
            found = find_nodes(graph, shown, "Document" if key == "document" else "Department")
            if found:
                p = graph.nodes[found[0]].props
                shown = quoted(document_name(p)) if key == "document" else str(p.get("name") or shown)
        named.append(f"{_PARAM_WORDS.get(key, key)}：{shown}")
    return text + (f"（{'；'.join(named)}）" if named else "")


def query_date(params: dict | None) -> date | None:
    """The date a saved query was asked about (its ``date`` parameter), the briefing's as-of date."""
    value = (params or {}).get("date")
    return value if isinstance(value, date) else _date(value)


# -- the selection in words ----------------------------------------------------------------------------------

def describe(graph: PolicyGraph, selection: Selection, query_title: str | None = None,
             query_params: dict | None = None) -> str:
    """E.g. "江西省教育厅及其内设机构、下属单位承担的任务（省级）"."""
    def name(ref: str, label: str | None) -> str:
        found = find_nodes(graph, ref, label)
        if not found:
            return ref
        p = graph.nodes[found[0]].props
        return p.get("name") or p.get("title") or p.get("label_zh") or ref

    parts = []
    if selection.department is not None:
        who = name(selection.department, "Department")
        parts.append(f"{who}及其内设机构、下属单位承担的任务" if selection.with_units else f"{who}承担的任务")
    if selection.document is not None:
        found = find_nodes(graph, selection.document, "Document")
        doc = graph.nodes[found[0]] if found else None
        title = quoted(document_name(doc.props)) if doc else quoted(selection.document)
        parts.append(f"{title}所列任务")
    if selection.function is not None:
        parts.append(f"{function_label(selection.function) or selection.function}职能部门（各层级）承担的任务")
    if selection.center is not None:
        centre = find_nodes(graph, selection.center)
        label = graph.nodes[centre[0]] if centre else None
        from policykg.graph.views.network_page import node_caption
        caption = (node_caption(label) if label else selection.center).replace("“", "‘").replace("”", "’")
        parts.append(f"“{caption}”周边{selection.depth}步以内的任务")
    if selection.nodes and query_title:
        parts.append(f"查询“{query_in_words(query_title, query_params, graph)}”结果所涉任务")
    elif selection.nodes:
        parts.append("所列节点涉及的任务")
    text = "中的".join(parts) if parts else "图谱中的全部任务"
    filters = []
    if selection.levels:
        filters.append("、".join(name_of(LEVEL_NAMES, lv) for lv in selection.levels))
    if selection.jurisdictions:
        filters.append("、".join(selection.jurisdictions))
    if selection.deadline_from or selection.deadline_to:
        lo = chinese_date(selection.deadline_from) if selection.deadline_from else "不限"
        hi = chinese_date(selection.deadline_to) if selection.deadline_to else "不限"
        filters.append(f"完成时限{lo}至{hi}")
    return text + (f"（{'；'.join(filters)}）" if filters else "")


def briefing_tasks(graph: PolicyGraph, selection: Selection) -> list[str]:
    """The tasks a briefing lists: those the selection picks (a neighbourhood: the tasks within it)."""
    if selection.center is not None:
        from policykg.graph.views.subgraph import select

        sub = select(graph, Selection(center=selection.center, depth=selection.depth, levels=selection.levels,
                                      jurisdictions=selection.jurisdictions, deadline_from=selection.deadline_from,
                                      deadline_to=selection.deadline_to, max_nodes=10 ** 9))
        return [n for n in sub.nodes if graph.nodes[n].label in TASK_LABELS]
    return matching_tasks(graph, selection)
