"""Names given to a question, checked against the store: a task given as DOC-NUMBER, a title and number, or words
from its text becomes its node id; a name that matches nothing is answered with the closest names the store
holds (rapidfuzz), never with a silently empty table.

Every lookup is a canned query (``names``, ``search-tasks``) with bound parameters, run like any other; the
names are compared here, in Python.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from policykg.graph.stores.base import GraphStore
from policykg.queries.registry import CannedQuery, QueryError, Registry
from policykg.queries.runner import run

SUGGESTIONS = 5
CUTOFF = 50                 # rapidfuzz WRatio (0-100) below which a name is not offered
FUZZY_TASKS_MAX = 20_000    # tasks compared by text when no task contains the words (more: no text suggestions)
# A task as DOC-NUMBER: 001-51, 001_8158844c7a4eb5af-51, 江西省工作任务清单 第5项, 江西省工作任务清单#5
DOC_NUMBER = re.compile(r"\s*(?P<doc>.+?)\s*(?:[-－—–/#:：]|第|\s)\s*(?P<no>\d+)\s*[项条号]?\s*")
# A well-formed task id standing in for a task given another way, so that the other parameters can be checked
# before any store is opened (``check_before_store``); never run.
_PLACEHOLDER_TASK = "task/placeholder/1"


class NoSuchName(QueryError):
    """A name, document or task given to a question that the store does not hold; the message offers the closest."""


def _is_task(param) -> bool:
    return param.type == "task" or param.name == "task"


TASK_ID = re.compile(r"(?:task|measure)/[^\x00-\x1f\x7f]+/[1-9][0-9]*")   # a node id, as the graph builds it


def _is_task_id(value: str) -> bool:
    return TASK_ID.fullmatch(value) is not None


def task_references(query: CannedQuery, params: dict[str, Any]) -> dict[str, str]:
    """The task parameters given some other way than as a node id (DOC-NUMBER, title and number, words)."""
    return {p.name: str(params[p.name]) for p in query.parameters
            if _is_task(p) and params.get(p.name) not in (None, "") and not _is_task_id(str(params[p.name]).strip())}


def check_before_store(query: CannedQuery, params: dict[str, Any]) -> None:
    """Check names and types (``CannedQuery.bind``) before opening a store, tasks given by reference included."""
    query.bind({**params, **{name: _PLACEHOLDER_TASK for name in task_references(query, params)}})


EVERY_NAME = 10 ** 9     # a limit that cuts nothing: a lookup compares with every name, not one page of them


def names_params(kind: str, document: str | None = None) -> dict[str, Any]:
    """The ``names`` query's parameters for every name of one kind (of one document, when given)."""
    return {"kind": kind, "limit": EVERY_NAME, **({"document": document} if document else {})}


def chain_root(task: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], documents: list,
               task_names: Callable[[dict[str, Any]], Sequence[Sequence[Any]]]):
    """The root of ``task``'s chain tree (``graph.cascade.chain_tree.root_from_names``) when no row of its
    task-chain ``rows`` touches it, else None (``from_rows`` finds it in the rows). ``task_names(params)`` runs
    the ``names`` query with ``params`` and returns its rows: of the task's document, when its id names one."""
    from policykg.graph.cascade.chain_tree import root_from_names

    lower, higher = list(columns).index("lower"), list(columns).index("higher")
    if any(task in (str(r[lower]), str(r[higher])) for r in rows):
        return None
    doc_id = task.split("/")[1] if task.count("/") >= 2 else None
    return root_from_names(task, task_names(names_params("task", doc_id)), documents)


class Lookup:
    """The names of one store, read once each when first needed."""

    def __init__(self, store: GraphStore, registry: Registry | None = None) -> None:
        self.store = store
        self.registry = registry or Registry.load(include_builtin=True)
        self._names: dict[tuple[str, str | None], list[list[Any]]] = {}

    def names(self, kind: str, document: str | None = None) -> list[list[Any]]:
        """Rows [kind, id, name, document, task_no] of the ``names`` query."""
        key = (kind, document)
        if key not in self._names:
            self._names[key] = run(self.registry.get("names"), self.store, names_params(kind, document)).rows
        return self._names[key]

    # -- documents -----------------------------------------------------------------------------------------

    def document(self, value: str) -> tuple[str | None, list[str]]:
        """(doc id, []) for an id, a title, a unique id prefix (001) or a unique part of a title; else
        (None, the closest documents as "title (id)")."""
        value = value.strip()
        docs = [(row[1], row[2] or "") for row in self.names("document")]
        ids = [d for d, _ in docs]
        for found in ([d for d in ids if d == value], [d for d, t in docs if t == value],
                      [d for d in ids if d.startswith(value)],
                      [d for d, t in docs if len(value) >= 2 and value in t]):
            if len(found) == 1:
                return found[0], []
            if found:
                return None, [self.describe_document(d) for d in found[:SUGGESTIONS]]
        by_label = {**{d: d for d in ids}, **{t: d for d, t in docs if t}}
        return None, [self.describe_document(by_label[n]) for n in closest(value, list(by_label))]

    def describe_document(self, doc_id: str) -> str:
        title = next((row[2] for row in self.names("document") if row[1] == doc_id), None)
        return f"{title} ({doc_id})" if title else doc_id

    def short_document(self, doc_id: str) -> str:
        """The shortest way to name a document in DOC-NUMBER: its id up to the first _ when that is unique."""
        head = doc_id.split("_")[0]
        ids = [row[1] for row in self.names("document")]
        return head if sum(1 for d in ids if d.startswith(head)) == 1 else doc_id

    # -- tasks ------------------------------------------------------------------------------------------------

    def task(self, value: str) -> tuple[str, str]:
        """(task node id, a note saying which task it is) for DOC-NUMBER, a title and number, or words that
        occur in exactly one task's text; NoSuchName otherwise, with what was found instead."""
        value = value.strip()
        problems = []
        m = DOC_NUMBER.fullmatch(value)
        if m:
            doc_id, suggestions = self.document(m.group("doc"))
            if doc_id is not None:
                return self._numbered(doc_id, m.group("no"), value)
            problems.append(f"no document {m.group('doc')!r}" + (f" (closest: {'; '.join(suggestions)})"
                                                                    if suggestions else ""))
        found = self._containing(value)
        if len(found) == 1:
            doc_id, number, _text = found[0]
            return self._numbered(doc_id, number, value)
        if found:
            listed = "; ".join(f"{self.short_document(d)}-{no} {text[:24]}…" for d, no, text in found[:8])
            raise NoSuchName(f"{len(found)} tasks contain {value!r}: {listed} — give one as DOC-NUMBER, "
                             f"e.g. {self.short_document(found[0][0])}-{found[0][1]}")
        problems.append(f"no task's text contains {value!r}")
        similar = self._similar_tasks(value)
        hint = f"; closest: {'; '.join(similar)}" if similar else ""
        raise NoSuchName(f"no task {value!r}: {', '.join(problems)}{hint} (give a task as DOC-NUMBER such as "
                         "001-7, a document title and number, or words from its text)")

    def _numbered(self, doc_id: str, number: str, given: str) -> tuple[str, str]:
        tasks = self.names("task", doc_id)
        for row in tasks:
            if str(row[4]).lstrip("0") == number.lstrip("0"):
                return row[1], f"task {given!r} is {self.describe_document(doc_id)} task {row[4]} ({row[1]})"
        numbers = [str(row[4]) for row in tasks if row[4] is not None]
        span = f"; its tasks are numbered {', '.join(_number_ranges(numbers))}" if numbers else "; it has no tasks"
        raise NoSuchName(f"{self.describe_document(doc_id)} has no task {number}{span}")

    def _containing(self, words: str) -> list[tuple[str, str, str]]:
        """(doc id, task number, text) of the tasks whose text contains ``words`` (school measures count as
        their task's row), in document order."""
        rows = run(self.registry.get("search-tasks"), self.store, {"keyword": words, "limit": 1000}).rows
        out: dict[tuple[str, str], str] = {}
        for doc, no, _section, text, *_ in rows:
            if no is not None:
                out.setdefault((doc, str(no)), text or "")
        return [(doc, no, text) for (doc, no), text in out.items()]

    def _similar_tasks(self, value: str) -> list[str]:
        tasks = self.names("task")
        if len(tasks) > FUZZY_TASKS_MAX:
            return []
        from rapidfuzz import fuzz, process

        texts = {f"{self.short_document(row[3])}-{row[4]} {str(row[2] or '')[:24]}…": str(row[2] or "")
                 for row in tasks if row[4] is not None}
        found = process.extract(value, texts, scorer=fuzz.partial_ratio, limit=3, score_cutoff=60)
        return [label for _text, _score, label in found]

    # -- the names of a question that answered nothing ----------------------------------------------------

    def explain_empty(self, query: CannedQuery, params: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
        """After an empty answer: (params to run again with, notes) when a document was named another way than
        by its id; (None, []) when every name given exists (the empty table is the answer); NoSuchName naming
        the closest names when one does not."""
        again, notes = dict(params), []
        for p in query.parameters:
            value = params.get(p.name)
            if value in (None, ""):
                continue
            value = str(value).strip()
            if p.type == "department":
                self._check_department(p.name, value)
            elif p.type == "document":
                doc_id, suggestions = self.document(value)
                if doc_id is None:
                    offered = f"; closest: {'; '.join(suggestions)}" if suggestions else ""
                    raise NoSuchName(f"no document {value!r}{offered} (`policykg query names -p kind=document` "
                                     "lists them)")
                if doc_id != value:
                    again[p.name] = doc_id
                    notes.append(f"document {value!r} is {self.describe_document(doc_id)}")
            elif _is_task(p) and value.startswith("task/"):
                doc_id = value[len("task/"):].rsplit("/", 1)[0]    # a document id may hold "/" (sub/folder)
                if not any(row[1] == value for row in self.names("task", doc_id)):
                    raise NoSuchName(f"no task {value!r} (give a task as DOC-NUMBER such as 001-7, a document "
                                     "title and number, or words from its text)")
        return (again, notes) if notes else (None, [])

    def _check_department(self, name: str, value: str) -> None:
        rows = self.names("department")
        if any(value in (row[1], row[2]) for row in rows):
            return
        labels = sorted({str(row[2]) for row in rows if row[2]})
        offered = closest(value, labels)
        raise NoSuchName(f"no department named {value!r}" + (f"; closest: {', '.join(offered)}" if offered else "")
                         + " (`policykg query names -p kind=department` lists them)")


def closest(value: str, choices: list[str], limit: int = SUGGESTIONS) -> list[str]:
    """The choices most like ``value`` (rapidfuzz WRatio, case-folded), best first; among equals the one sharing
    the longest unbroken run of characters (江西省教育局 -> 江西省教育厅 before 江西省体育局), then the shorter
    (省教育厅 -> 江西省教育厅 before 江苏省教育厅职业教育处)."""
    from difflib import SequenceMatcher

    from rapidfuzz import fuzz, process, utils

    def run_length(choice: str) -> int:
        return SequenceMatcher(None, value, choice, autojunk=False).find_longest_match().size

    found = process.extract(value, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None,
                            score_cutoff=CUTOFF)
    ranked = sorted(found, key=lambda m: (-round(m[1]), -run_length(m[0]), len(m[0]), m[0]))
    return list(dict.fromkeys(m[0] for m in ranked))[:limit]


def _number_ranges(numbers: list[str]) -> list[str]:
    """['1', '2', '3', '5'] -> ['1–3', '5']; numbers that are not plain integers are listed as they are."""
    ints = sorted({int(n) for n in numbers if n.isdigit()})
    out, start = [], None
    for i, n in enumerate(ints):
        if start is None:
            start = n
        if i + 1 == len(ints) or ints[i + 1] != n + 1:
            out.append(f"{start}–{n}" if n != start else str(n))
            start = None
    return out + sorted(n for n in set(numbers) if not n.isdigit())
