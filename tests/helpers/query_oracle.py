"""A second, simpler answer to the canned queries: plain Python over the YAML of a small graph.

Written from each query's description (``queries/NAME.yaml``) and its declared row order, without reading or
running any SPARQL or Cypher; no policykg module is imported. ``answer(name, params)`` gives the rows that
``tests/fixtures/queries/expected.yaml`` must hold and that both stores must return.

Conventions the descriptions state or the column types imply: a list column is the sorted distinct strings;
a department parameter names a department by its name or key; tasks and school measures are both "items"
(a school measure takes its document, section and order from the task it answers); text is ordered by code
point, as SPARQL and Cypher order strings; ``None`` sorts as the queries declare (last for years, -1 for a
missing span or sequence).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ITEM_LABELS = ("Task", "SchoolMeasure")
LEVELS = ("national", "provincial", "municipal", "county", "institution")
QUERIES = Path(__file__).resolve().parents[2] / "queries"


def _default_limits() -> dict[str, int]:
    """Each query's default ``limit``, as its queries/NAME.yaml declares it."""
    out = {}
    for path in sorted(QUERIES.glob("*.yaml")):
        for p in yaml.safe_load(path.read_text(encoding="utf-8")).get("parameters") or []:
            if p["name"] == "limit" and p.get("default") is not None:
                out[path.stem] = p["default"]
    return out


DEFAULT_LIMITS = _default_limits()


class Mini:
    """The graph as plain dicts: nodes by id, and the edges as (source, type, target) triples."""

    def __init__(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.nodes: dict[str, dict] = {n["id"]: {"label": n["label"], **n["props"]} for n in data["nodes"]}
        self.edges: list[tuple[str, str, str]] = [tuple(e) for e in data["edges"]]

    # -- what every query reads -------------------------------------------------------------------------
    def out(self, node: str, rel: str) -> list[str]:
        return [t for s, r, t in self.edges if s == node and r == rel]

    def into(self, node: str, rel: str) -> list[str]:
        return [s for s, r, t in self.edges if t == node and r == rel]

    def items(self) -> list[str]:
        return [i for i, n in self.nodes.items() if n["label"] in ITEM_LABELS]

    def parent_task(self, item: str) -> str | None:
        parents = self.into(item, "HAS_MEASURE")
        return parents[0] if parents else None

    def doc(self, item: str) -> str:
        return self.nodes[item]["doc_id"]

    def seq(self, item: str) -> int:
        own = self.nodes[item].get("seq")
        if own is not None:
            return own
        parent = self.parent_task(item)
        return self.nodes[parent].get("seq", -1) if parent else -1

    def section(self, item: str) -> str | None:
        parent = self.parent_task(item)
        return self.nodes[item].get("section") or (self.nodes[parent].get("section") if parent else None)

    def text(self, item: str) -> str | None:
        n = self.nodes[item]
        return n.get("text") if n.get("text") is not None else n.get("measure")

    def order(self, item: str) -> tuple:
        """How item rows are ordered: the document id's first fifteen characters (the stores sort on such short
        keys), the item's place in its document, the whole document id, number, id."""
        doc = self.doc(item)
        return (doc[:15], self.seq(item), doc, self.nodes[item].get("task_no") or "", item)

    def roles(self, item: str) -> list[tuple[str, str]]:
        """(department id, lead|support) for every department the item names."""
        return [(d, "lead") for d in self.out(item, "LEAD")] + [(d, "support") for d in self.out(item, "SUPPORT")]

    def names_of(self, item: str) -> list[str]:
        return sorted({self.nodes[d]["name"] for d, _ in self.roles(item)})

    def departments_named(self, ref: str) -> set[str]:
        return {i for i, n in self.nodes.items()
                if n["label"] == "Department" and ref in (n.get("name"), n.get("key"), i)}

    def units(self, depts: set[str]) -> set[str]:
        """The departments with every division and unit below them (SUB_ORGANIZATION_OF, any depth)."""
        out, frontier = set(depts), list(depts)
        while frontier:
            for child in self.into(frontier.pop(), "SUB_ORGANIZATION_OF"):
                if child not in out:
                    out.add(child)
                    frontier.append(child)
        return out

    def ends(self, item: str) -> list[str]:
        return [self.nodes[d]["end"] for d in self.out(item, "HAS_DEADLINE") if self.nodes[d].get("end")]


def _limit(name: str, params: dict, rows: list) -> list:
    limit = params.get("limit", DEFAULT_LIMITS.get(name))
    return rows if limit is None else rows[:limit]


def _in_document(g: Mini, item: str, params: dict) -> bool:
    return params.get("document") is None or g.doc(item) == params["document"]


def top_departments(g: Mini, p: dict) -> list:
    lead, support, total = {}, {}, {}
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        for d, role in g.roles(item):
            (lead if role == "lead" else support).setdefault(d, set()).add(item)
            total.setdefault(d, set()).add(item)
    rows = []
    for d, items in total.items():
        n = g.nodes[d]
        if any(p.get(k) is not None and n.get(k) != p[k] for k in ("level", "function", "jurisdiction")):
            continue
        rows.append(([n["name"], n["key"], n.get("level"), n.get("jurisdiction"), n.get("function"),
                      len(lead.get(d, ())), len(support.get(d, ())), len(items)], d))
    rows.sort(key=lambda r: (-r[0][7], -r[0][5], r[0][0], r[1]))
    return [r for r, _ in rows]


def obligations_across_levels(g: Mini, p: dict) -> list:
    per: dict[str, dict[str, set]] = {}
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        for d, _ in g.roles(item):
            n = g.nodes[d]
            fn = n.get("function")
            if fn is None or p.get("function") not in (None, fn):
                continue
            per.setdefault(fn, {}).setdefault(n.get("level"), set()).add(item)
            per[fn].setdefault("total", set()).add(item)
    labels = {n["code"]: n.get("label_zh") for n in g.nodes.values() if n["label"] == "Function"}
    rows = [[fn, labels.get(fn)] + [len(by.get(lv, ())) for lv in LEVELS] + [len(by["total"])]
            for fn, by in per.items()]
    return sorted(rows, key=lambda r: (-r[-1], r[0]))


def department_obligations(g: Mini, p: dict) -> list:
    wanted = g.departments_named(p["department"])
    if p.get("with_units"):
        wanted = g.units(wanted)
    rows = []
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        for d, role in g.roles(item):
            if d not in wanted:
                continue
            n = g.nodes[item]
            ends = g.ends(item)
            targets = sorted({g.nodes[t]["text"] for t in g.out(item, "HAS_TARGET")})
            row = [g.nodes[d]["name"], role, g.doc(item), n.get("task_no"), g.section(item), g.text(item),
                   n.get("deadline_text"), min(ends) if ends else None, targets]
            rows.append((g.order(item) + (row[0], role), row))
    return _limit("department-obligations", p, [r for _, r in sorted(rows, key=lambda r: r[0])])


def division_rollup(g: Mini, p: dict) -> list:
    top = g.departments_named(p["department"])
    below = g.units(top) - top

    def counts(depts: set[str]) -> tuple[int, int, int]:
        lead, support, total = set(), set(), set()
        for item in g.items():
            for d, role in g.roles(item):
                if d in depts:
                    (lead if role == "lead" else support).add(item)
                    total.add(item)
        return len(lead), len(support), len(total)

    rows = []
    for d in top:
        rows.append(([g.nodes[d]["name"], "all", g.nodes[d].get("kind"), *counts(top | below)], d))
        rows.append(([g.nodes[d]["name"], "self", g.nodes[d].get("kind"), *counts({d})], d))
    for d in below:
        rows.append(([g.nodes[d]["name"], "unit", g.nodes[d].get("kind"), *counts({d})], d))
    rows.sort(key=lambda r: (r[0][1], -r[0][5], -r[0][3], r[0][0], r[1]))
    return [r for r, _ in rows]


def co_responsibility(g: Mini, p: dict) -> list:
    shared: dict[tuple[str, str], set] = {}
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        depts = sorted({d for d, _ in g.roles(item)})
        for i, a in enumerate(depts):
            for b in depts[i + 1:]:
                shared.setdefault((a, b), set()).add(item)
    named = g.departments_named(p["department"]) if p.get("department") is not None else None
    rows = []
    for (a, b), items in shared.items():
        if named is not None and not ({a, b} & named):
            continue
        if len(items) < p.get("min_shared", 1):
            continue
        rows.append(([g.nodes[a]["name"], g.nodes[b]["name"], len(items)], a, b))
    rows.sort(key=lambda r: (-r[0][2], r[0][0], r[0][1], r[1], r[2]))
    return _limit("co-responsibility", p, [r for r, *_ in rows])


def coordination_burden(g: Mini, p: dict) -> list:
    rows = []
    for item in g.items():
        if g.nodes[item]["label"] != "Task" or not _in_document(g, item, p):
            continue
        depts = {d for d, _ in g.roles(item)}
        if len(depts) < p.get("min_departments", 2):
            continue
        n = g.nodes[item]
        rows.append(((-len(depts),) + g.order(item),
                     [g.doc(item), n.get("task_no"), n.get("section"), n.get("text"), len(depts), g.names_of(item)]))
    return _limit("coordination-burden", p, [r for _, r in sorted(rows, key=lambda r: r[0])])


def deadlines_by_year(g: Mini, p: dict) -> list:
    groups: dict[tuple, set] = {}
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        for d in g.out(item, "HAS_DEADLINE"):
            n = g.nodes[d]
            if p.get("kind") not in (None, n["kind"]):
                continue
            groups.setdefault((n.get("year"), n["kind"]), set()).add(item)
    keys = sorted(groups, key=lambda k: (99999 if k[0] is None else k[0], k[1]))
    return [[year, kind, len(groups[(year, kind)])] for year, kind in keys]


def due_by(g: Mini, p: dict) -> list:
    wanted = g.departments_named(p["department"]) if p.get("department") is not None else None
    rows = []
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        if wanted is not None and not ({d for d, _ in g.roles(item)} & wanted):
            continue
        due = [e for e in g.ends(item) if e <= str(p["date"])]
        if not due:
            continue
        n = g.nodes[item]
        rows.append(((min(due),) + g.order(item),
                     [min(due), g.doc(item), n.get("task_no"), g.text(item), n.get("deadline_text"),
                      g.names_of(item)]))
    return _limit("due-by", p, [r for _, r in sorted(rows, key=lambda r: r[0])])


def no_deadline(g: Mini, p: dict) -> list:
    counts: dict[tuple[str, str], set] = {}
    for item in g.items():
        if g.out(item, "HAS_DEADLINE") or not _in_document(g, item, p):
            continue
        for d, _ in g.roles(item):
            if p.get("level") is not None and g.nodes[d].get("level") != p["level"]:
                continue
            counts.setdefault((g.doc(item), d), set()).add(item)
    rows = sorted(((-len(items), doc[:15], g.nodes[d]["name"], doc, d), [doc, g.nodes[d]["name"], len(items)])
                  for (doc, d), items in counts.items())
    return _limit("no-deadline", p, [r for _, r in rows])


def targets(g: Mini, p: dict) -> list:
    rows = []
    for item in g.items():
        if not _in_document(g, item, p):
            continue
        for t in g.out(item, "HAS_TARGET"):
            n = g.nodes[t]
            if p.get("unit") is not None and n.get("unit") != p["unit"]:
                continue
            high = n.get("value_high")
            span = n.get("span_start")
            doc15, seq, doc, task_no, _ = g.order(item)
            rows.append(((doc15, seq, -1 if span is None else span, doc, task_no, n["text"], t),
                         [g.doc(item), g.nodes[item].get("task_no"), n["text"], float(n["value"]),
                          None if high is None else float(high), n.get("unit"), n.get("qualifier"),
                          n.get("object")]))
    return _limit("targets", p, [r for _, r in sorted(rows, key=lambda r: r[0])])


def documents(g: Mini, p: dict) -> list:
    rows = []
    for i, n in g.nodes.items():
        if n["label"] != "Document":
            continue
        if p.get("level") is not None and p["level"] not in str(n.get("level")).split("+"):
            continue
        if p.get("jurisdiction") is not None and n.get("jurisdiction") != p["jurisdiction"]:
            continue
        rows.append(((n["doc_id"], i), [n["doc_id"], n.get("title"), n.get("level"), n.get("jurisdiction"),
                                        n.get("date"), len(g.out(i, "HAS_TASK")),
                                        sorted(set(n.get("cited_documents") or []))]))
    return _limit("documents", p, [r for _, r in sorted(rows)])


def search_tasks(g: Mini, p: dict) -> list:
    rows = []
    for item in g.items():
        text = g.text(item) or ""
        if p["keyword"] not in text or not _in_document(g, item, p):
            continue
        n = g.nodes[item]
        rows.append((g.order(item), [g.doc(item), n.get("task_no"), g.section(item), text, g.names_of(item),
                                     n.get("deadline_text")]))
    return _limit("search-tasks", p, [r for _, r in sorted(rows, key=lambda r: r[0])])


def names(g: Mini, p: dict) -> list:
    rows = []
    for i, n in g.nodes.items():
        if p["kind"] == "department" and n["label"] == "Department":
            rows.append(["department", n["key"], n.get("name"), None, None])
        elif p["kind"] == "document" and n["label"] == "Document" and p.get("document") in (None, n["doc_id"]):
            rows.append(["document", n["doc_id"], n.get("title"), n["doc_id"], None])
        elif p["kind"] == "task" and n["label"] == "Task" and p.get("document") in (None, n["doc_id"]):
            rows.append(["task", i, n.get("text"), n["doc_id"], n.get("task_no")])
    rows = [r for r in rows if p.get("after") is None or r[1] > p["after"]]
    return _limit("names", p, sorted(rows, key=lambda r: r[1]))


ANSWERS = {
    "top-departments": lambda g, p: _limit("top-departments", p, top_departments(g, p)),
    "obligations-across-levels": obligations_across_levels,
    "department-obligations": department_obligations,
    "division-rollup": division_rollup,
    "co-responsibility": co_responsibility,
    "coordination-burden": coordination_burden,
    "deadlines-by-year": deadlines_by_year,
    "due-by": due_by,
    "no-deadline": no_deadline,
    "targets": targets,
    "documents": documents,
    "search-tasks": search_tasks,
    "names": names,
}


def answer(graph: Mini, name: str, params: dict[str, Any] | None) -> list:
    return ANSWERS[name](graph, dict(params or {}))
