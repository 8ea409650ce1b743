"""A task's implementation chain as a tree by level: who has taken up a task below it, and who has not.

The national task (or whichever task is chosen) is the root; the tasks that restate it sit below it, placed
by level: provinces, then cities, counties and schools. A lower task that restates both the root and a
province's restatement of it hangs under the province (the closest level above it), so each task appears
once. Confident links are the tree's default; suggestions awaiting review join it only when asked for, and
are marked. Jurisdictions of a lower level that hold documents in the store but have no task in the tree are
the gaps.

The tree is built from plain links and items, so the CLI (the ``task-chain`` and ``documents`` canned
queries' rows, ``from_rows``), the explorer (the same rows) and the Word briefing (an in-memory
``PolicyGraph``, ``from_graph``) draw the same tree.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

LEVEL_ORDER = ("national", "provincial", "municipal", "county", "institution")
NATIONAL = "全国"


def item_text(text: str | None, goals: Sequence[str] = ()) -> str:
    """A task's text; a school measure's measure and its goals (either may be empty)."""
    goals = [str(g).rstrip("。；; ") for g in goals if g]
    if text and goals:
        return f"{str(text).rstrip('。；;，, ')}：{'；'.join(goals)}"
    return str(text or "；".join(goals))


def level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


@dataclass(frozen=True)
class ChainItem:
    """A task or school measure, with where it comes from."""

    id: str
    kind: str                  # Task or SchoolMeasure
    level: str | None          # the level of the item itself (a school measure: institution)
    jurisdiction: str          # the jurisdiction at that level ("" when the document names none)
    doc_id: str
    doc_title: str
    task_no: str
    text: str


@dataclass(frozen=True)
class ChainLink:
    lower: str                 # implements ...
    higher: str
    score: float | None
    review: bool               # a suggestion awaiting a person's check


@dataclass
class TreeRow:
    item: ChainItem
    depth: int                 # 0: the root; 1: takes it up directly or below the root's level ...
    parent: str | None
    review: bool = False       # the link to the parent is a suggestion
    score: float | None = None
    also: list[tuple[ChainItem, bool]] = field(default_factory=list)   # other tasks in the tree it restates


@dataclass(frozen=True)
class Gap:
    level: str
    jurisdiction: str
    suggested: bool            # a suggestion (hidden) links a task of it: worth a look


@dataclass
class ChainTree:
    root: ChainItem
    above: list[TreeRow]       # what the root restates, nearest first (depth -1, -2, ...)
    rows: list[TreeRow]        # the root first, then depth first, children by level, jurisdiction, number
    gaps: list[Gap]
    suggestions: bool          # suggestions are part of the tree
    hidden: int = 0            # tasks only suggestions would add (when they are left out)
    places_below: int = 0      # places of the levels below (inside the root's jurisdiction) that could take it up
    links: list[ChainLink] = field(default_factory=list)   # every link among the tree's items (drawing)

    def rows_at(self, level: str) -> list[TreeRow]:
        return [r for r in self.rows[1:] if r.item.level == level]


# -- jurisdictions of a document, per level ----------------------------------------------------------------

def split_places(level: str | None, jurisdiction: str | None) -> dict[str, str]:
    """{level: jurisdiction} of a document: "provincial+institution" with "辽宁省 + 锦州师范高等专科学校" gives
    both; a single level gives its jurisdiction whole."""
    levels = [p.strip() for p in str(level or "").split("+") if p.strip()]
    places = [p.strip() for p in str(jurisdiction or "").split("+")]
    if len(levels) == len(places):
        return dict(zip(levels, places))
    return {lv: str(jurisdiction or "").strip() for lv in levels}


@dataclass(frozen=True)
class DocumentPlace:
    doc_id: str
    title: str
    level: str | None
    jurisdiction: str | None

    def place(self, level: str | None) -> str:
        places = split_places(self.level, self.jurisdiction)
        if level in places:
            return places[level]
        return next(iter(places.values()), "") if places else ""

    def first_level(self) -> str | None:
        return str(self.level).split("+")[0] if self.level else None


def jurisdictions_by_level(documents: Iterable[DocumentPlace]) -> dict[str, list[str]]:
    """Every jurisdiction holding a document of each level in the store (the places a task could be taken up)."""
    out: dict[str, set[str]] = {}
    for d in documents:
        for level, place in split_places(d.level, d.jurisdiction).items():
            if place:
                out.setdefault(level, set()).add(place)
    return {lv: sorted(places) for lv, places in out.items()}


def within(place: str, scope: str) -> bool:
    """Whether ``place`` lies inside ``scope`` (a national scope holds every place), by the gazetteer."""
    if not scope or scope == NATIONAL or place == scope:
        return True
    from policykg.ontology.reference import gazetteer

    found = gazetteer().lookup(place)
    return found is not None and scope in (found.province, found.prefecture)


# -- the tree ------------------------------------------------------------------------------------------------

def build_tree(root: str, items: dict[str, ChainItem], links: Sequence[ChainLink], places: dict[str, list[str]],
               suggestions: bool = False, institutions: dict[str, str] | None = None) -> ChainTree:
    """The tree below ``root`` (and the chain above it) from the links; ``places`` lists the jurisdictions per
    level that could have taken the task up (``jurisdictions_by_level``); ``institutions`` maps a school to
    the jurisdiction of its document's other level, so a province's task looks for gaps among its own schools."""
    used = [link for link in links if suggestions or not link.review]
    below, _ = _reach(root, used, down=True)
    rows = _place(root, items, used, below)
    above_ids, _ = _reach(root, used, down=False)
    above = _above(root, items, used, above_ids)
    everything, _ = _reach(root, links, down=True)
    hidden = 0 if suggestions else len(set(everything) - set(below))
    gaps, considered = _gaps(items[root], rows, places, _present(items, everything), institutions or {})
    inside = set(below) | set(above_ids) | {root}
    drawn = [link for link in used if link.lower in inside and link.higher in inside]
    return ChainTree(items[root], above, rows, gaps, suggestions, hidden, considered, drawn)


def _reach(start: str, links: Sequence[ChainLink], down: bool) -> tuple[dict[str, int], list[str]]:
    """Breadth-first distances from ``start`` following links downward (who restates it) or upward."""
    step: dict[str, list[str]] = {}
    for link in links:
        a, b = (link.higher, link.lower) if down else (link.lower, link.higher)
        step.setdefault(a, []).append(b)
    dist, queue = {start: 0}, [start]
    for node in queue:
        for nxt in sorted(step.get(node, ())):
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    dist.pop(start)
    return dist, queue[1:]


def _parent_key(child: ChainItem, parent: ChainItem, link: ChainLink) -> tuple:
    # confident first, then the closest level above the child, then the best score
    gap = level_rank(child.level) - level_rank(parent.level)
    return (link.review, gap if gap >= 0 else 99, -(link.score or 0.0), parent.id)


def _place(root: str, items: dict[str, ChainItem], links: Sequence[ChainLink], dist: dict[str, int]) -> list[TreeRow]:
    """Each item under one parent already placed, chosen by ``_parent_key``; the others it restates listed."""
    up: dict[str, list[ChainLink]] = {}
    for link in links:
        up.setdefault(link.lower, []).append(link)
    placed: dict[str, TreeRow] = {root: TreeRow(items[root], 0, None)}
    waiting = sorted(dist, key=lambda i: (level_rank(items[i].level), dist[i], i))
    while waiting:
        left = []
        for node in waiting:
            options = [link for link in up.get(node, ()) if link.higher in placed and link.higher != node]
            if not options:
                left.append(node)
                continue
            best = min(options, key=lambda link: _parent_key(items[node], items[link.higher], link))
            parent = placed[best.higher]
            placed[node] = TreeRow(items[node], parent.depth + 1, parent.item.id, best.review, best.score)
        if len(left) == len(waiting):   # unreachable through placed items: cannot happen for reached items
            break
        waiting = left
    for node, row in placed.items():
        row.also = sorted(((items[link.higher], link.review) for link in up.get(node, ())
                           if link.higher in placed and link.higher != row.parent),
                          key=lambda pair: (level_rank(pair[0].level), pair[0].id))
    children: dict[str | None, list[TreeRow]] = {}
    for row in placed.values():
        children.setdefault(row.parent, []).append(row)
    out: list[TreeRow] = []

    def walk(row: TreeRow) -> None:
        out.append(row)
        for child in sorted(children.get(row.item.id, ()), key=_sibling_key):
            walk(child)

    walk(placed[root])
    return out


def _sibling_key(row: TreeRow) -> tuple:
    item = row.item
    number = int(item.task_no) if item.task_no.isdigit() else 10 ** 6
    return (level_rank(item.level), item.jurisdiction, item.doc_id, number, item.id)


def _above(root: str, items: dict[str, ChainItem], links: Sequence[ChainLink], dist: dict[str, int]) -> list[TreeRow]:
    """What the root restates, by distance upward (nearest first), each with its link to the item below."""
    rows = []
    for node in sorted(dist, key=lambda i: (dist[i], level_rank(items[i].level), i)):
        link = min((lk for lk in links if lk.higher == node and (lk.lower == root or lk.lower in dist)),
                   key=lambda lk: (lk.review, -(lk.score or 0.0)))
        rows.append(TreeRow(items[node], -dist[node], link.lower, link.review, link.score))
    return rows


def _present(items: dict[str, ChainItem], reached: Iterable[str]) -> set[tuple[str | None, str]]:
    return {(items[i].level, items[i].jurisdiction) for i in reached}


def _gaps(root: ChainItem, rows: list[TreeRow], places: dict[str, list[str]], suggested: set[tuple[str | None, str]],
          institutions: dict[str, str]) -> tuple[list[Gap], int]:
    """Jurisdictions of the levels below the root, inside the root's jurisdiction, with no task in the tree;
    and how many places below were looked at."""
    taken = {(r.item.level, r.item.jurisdiction) for r in rows}
    gaps, considered = [], 0
    for level in LEVEL_ORDER[level_rank(root.level) + 1:]:
        for place in places.get(level, ()):
            scope_place = institutions.get(place, place) if level == "institution" else place
            if not within(scope_place, root.jurisdiction if root.level != "national" else NATIONAL):
                continue
            considered += 1
            if (level, place) not in taken:
                gaps.append(Gap(level, place, (level, place) in suggested))
    return gaps, considered


# -- from the canned queries' rows ---------------------------------------------------------------------------

def documents_from_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[DocumentPlace]:
    """The ``documents`` query's rows as places."""
    at = {c: i for i, c in enumerate(columns)}
    return [DocumentPlace(str(r[at["document"]]), str(r[at["title"]] or r[at["document"]]), r[at["level"]],
                          r[at["jurisdiction"]]) for r in rows]


def from_rows(task: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], documents: list[DocumentPlace],
              suggestions: bool = False, root: ChainItem | None = None) -> ChainTree:
    """The tree of the ``task-chain`` query's rows (run without ``confident_only``) for ``task``; ``root``
    describes the task when no link touches it (then the tree is the task alone, every place a gap)."""
    at = {c: i for i, c in enumerate(columns)}
    docs = {d.doc_id: d for d in documents}
    items: dict[str, ChainItem] = {}
    links: list[ChainLink] = []

    def item(end: str, row: Sequence[Any]) -> str:
        node = str(row[at[end]])
        if node not in items:
            doc = docs.get(str(row[at[f"{end}_document"]]))
            level = row[at[f"{end}_level"]]
            goals = row[at[f"{end}_goals"]] if f"{end}_goals" in at else None
            text = item_text(row[at[f"{end}_text"]], goals if isinstance(goals, list) else [goals] if goals else [])
            items[node] = ChainItem(
                node, "SchoolMeasure" if node.startswith("measure/") else "Task", level,
                doc.place(level) if doc else "", str(row[at[f"{end}_document"]]),
                doc.title if doc else str(row[at[f"{end}_document"]]), str(row[at[f"{end}_task_no"]] or ""),
                str(text))
        return node

    seen = set()
    for row in rows:
        lower, higher = item("lower", row), item("higher", row)
        if (lower, higher) in seen:
            continue
        seen.add((lower, higher))
        score = row[at["score"]]
        links.append(ChainLink(lower, higher, float(score) if score is not None else None, bool(row[at["review"]])))
    if task not in items:
        if root is None:
            raise ValueError(f"no link touches {task} and nothing describes it")
        items[task] = root
    return build_tree(task, items, links, jurisdictions_by_level(documents), suggestions,
                      _institution_scopes(documents))


def _institution_scopes(documents: Iterable[DocumentPlace]) -> dict[str, str]:
    """A school's place for scoping: the jurisdiction of the other level of its combined document."""
    out = {}
    for d in documents:
        places = split_places(d.level, d.jurisdiction)
        school = places.get("institution")
        others = [p for lv, p in places.items() if lv != "institution" and p]
        if school and others:
            out[school] = others[0]
    return out


def tree_rows(tree: ChainTree, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The ``task-chain`` rows reordered as the tree reads: the chain above the root from the top down, then
    each link of the tree in the order its lower end appears (a task's other links right after its own)."""
    at = {c: i for i, c in enumerate(columns)}
    position = {r.item.id: i for i, r in enumerate(reversed(tree.above))}
    base = len(position)
    position.update({r.item.id: base + i for i, r in enumerate(tree.rows)})
    parent = {r.item.id: r.parent for r in tree.rows[1:]}
    far = len(position) + 1

    def key(row: Sequence[Any]):
        lower, higher = str(row[at["lower"]]), str(row[at["higher"]])
        if row[at["direction"]] == "up":
            return (0, -position.get(lower, far), lower, higher)
        main = parent.get(lower) == higher
        return (1, position.get(lower, far), not main, position.get(higher, far), higher)

    return sorted(rows, key=key)


# -- from an in-memory graph (the briefing) ------------------------------------------------------------------

def graph_documents(graph) -> list[DocumentPlace]:
    return [DocumentPlace(str(n.props.get("doc_id") or n.id), str(n.props.get("title") or n.props.get("doc_id") or ""),
                          n.props.get("level"), n.props.get("jurisdiction")) for n in graph.nodes_by_label("Document")]


def graph_items(graph, documents: list[DocumentPlace] | None = None) -> tuple[dict[str, ChainItem], list[ChainLink]]:
    """Every task and school measure of the graph as chain items, and every IMPLEMENTS link."""
    docs = {d.doc_id: d for d in (documents if documents is not None else graph_documents(graph))}
    items = {}
    for node in graph.nodes.values():
        if node.label not in ("Task", "SchoolMeasure"):
            continue
        p = node.props
        doc = docs.get(str(p.get("doc_id") or ""))
        level = "institution" if node.label == "SchoolMeasure" else (doc.first_level() if doc else None)
        text = item_text(p.get("text") or p.get("measure"), p.get("goals") or [])
        items[node.id] = ChainItem(node.id, node.label, level, doc.place(level) if doc else "",
                                   str(p.get("doc_id") or ""), doc.title if doc else str(p.get("doc_id") or ""),
                                   str(p.get("task_no") or ""), str(text))
    links = [ChainLink(e.source, e.target, e.props.get("score"), bool(e.props.get("review")))
             for e in graph.edges.values() if e.type == "IMPLEMENTS" and e.source in items and e.target in items]
    return items, links


def from_graph(graph, task: str, suggestions: bool = False) -> ChainTree:
    documents = graph_documents(graph)
    items, links = graph_items(graph, documents)
    return build_tree(task, items, links, jurisdictions_by_level(documents), suggestions,
                      _institution_scopes(documents))


def root_from_names(task: str, names_rows: Iterable[Sequence[Any]], documents: list[DocumentPlace]) -> ChainItem:
    """The item for ``task`` from the ``names`` query's task rows [kind, id, name, document, task_no] (a task
    no link touches still has a tree: itself, and every place below it a gap)."""
    docs = {d.doc_id: d for d in documents}
    for _kind, node, name, doc_id, task_no in names_rows:
        if node == task:
            doc = docs.get(str(doc_id))
            level = doc.first_level() if doc else None
            return ChainItem(task, "Task", level, doc.place(level) if doc else "", str(doc_id),
                             doc.title if doc else str(doc_id), str(task_no or ""), str(name or ""))
    doc_id = task.split("/")[1] if task.count("/") >= 2 else ""
    doc = docs.get(doc_id)
    level = "institution" if task.startswith("measure/") else (doc.first_level() if doc else None)
    return ChainItem(task, "SchoolMeasure" if task.startswith("measure/") else "Task", level,
                     doc.place(level) if doc else "", doc_id, doc.title if doc else doc_id, "", "")


# -- words -------------------------------------------------------------------------------------------------

def item_number(item: ChainItem, lang: str = "zh") -> str:
    """第44项 / 第35项学校举措 (No. 44 / school measure, row 35)."""
    if lang == "zh":
        number = f"第{item.task_no}项" if item.task_no else ""
        return number + ("学校举措" if item.kind == "SchoolMeasure" else "")
    number = f"No. {item.task_no}" if item.task_no else ""
    return (f"school measure, row {item.task_no}" if item.task_no else "school measure") \
        if item.kind == "SchoolMeasure" else number


def item_label(item: ChainItem, lang: str = "zh") -> str:
    """The short label a node of the tree carries: jurisdiction and task number (江苏省 · 第44项)."""
    return " · ".join(x for x in (item.jurisdiction, item_number(item, lang)) if x)


def item_source(item: ChainItem, lang: str = "zh") -> str:
    """《document》第N项: where to read the task."""
    from policykg.graph.views.network_page import document_name, quoted

    title = document_name({"title": item.doc_title, "doc_id": item.doc_id})
    number = item_number(item, lang)
    return f"{quoted(title)}{number}" if lang == "zh" else f"{quoted(title)} {number}".strip()
