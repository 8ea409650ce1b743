"""The explorer's thin, cached access to the library: the store, the graph read from it, queries, UI strings.

Pages call only this module and ``policykg.graph`` / ``policykg.queries``. The store is opened once per process
(``st.cache_resource``); the embedded store read-only, without its write lock, so `policykg ingest` and the other
commands work while the explorer is open, and reopened when its folder has been written since; the explorer's own
ingest takes the write lock only while it writes (``writer()``). Results are cached (``st.cache_data``) under a
version made from the stored documents' hashes and the store's generation, so an ingest shows up at once and
nothing stale is served.
"""
from __future__ import annotations

import html
import re
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

import streamlit as st
import yaml

from policykg.core import settings
from policykg.loaders.reader import READABLE
from policykg.graph.model import PolicyGraph
from policykg.graph.views.network_page import LEVEL_NAMES, RELATION_NAMES, TYPE_NAMES, name_of
from policykg.graph.views.subgraph import EVERYTHING   # the pages' data.EVERYTHING: a selection no cap cuts

T = TypeVar("T")
PAGES = Path(__file__).resolve().parent / "explorer_pages"   # the explorer's pages (for st.switch_page)


# ---- UI strings -------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files("policykg.app").joinpath("i18n.yaml").read_text(encoding="utf-8"))


def lang() -> str:
    return "en" if st.session_state.get("english") else "zh"


def column_label(name: str) -> str:
    """A result column's header in the chosen language (unknown columns keep their name)."""
    return _strings()["columns"].get(name, {}).get(lang(), name)


def t(key: str, **values: Any) -> str:
    """The UI string ``key`` in the chosen language; an unknown key is a bug, so it fails loudly."""
    entry = _strings()[key]
    return entry[lang()].format(**values) if values else entry[lang()]


def function_name(code: str | None) -> str:
    from policykg.graph.views.network_page import function_label

    return function_label(code, lang()) or "—"


def level_name(level: str | None) -> str:
    return "—" if not isinstance(level, str) or not level else "+".join(name_of(LEVEL_NAMES, part, lang()) for part in str(level).split("+"))


def type_name(label: str) -> str:
    return name_of(TYPE_NAMES, label, lang())


def relation_name(rel: str) -> str:
    return name_of(RELATION_NAMES, rel, lang())


# ---- errors: shown, never a traceback ----------------------------------------------------------------------

@dataclass
class Failure:
    message: str               # a sentence for the page, in the chosen language, that says what to do
    detail: str = ""           # the library's own words (exception and message), for the log and for experts


# What went wrong, by the exception's class (or a base class), as the key of a sentence in i18n.yaml.
_FAILURE_KINDS = {
    "FederationRefused": "err_federation",   # SERVICE, foreign FROM, LOAD CSV: not the read-only explorer's refusal
    "NoSuchName": "err_no_such_name", "SelectionError": "err_no_such_name", "QueryTimeout": "err_timeout",
    "QueryTooLarge": "err_too_large", "StoreBusy": "err_busy", "StoreMissing": "err_no_store",
    "Neo4jStoreError": "err_store", "StoreError": "err_store", "ReadOnlyViolation": "err_read_only",
    "PermissionError": "err_read_only", "QuerySyntaxError": "err_syntax", "CypherQueryError": "err_syntax",
    "QueryError": "err_query", "ExportError": "err_empty", "BriefingError": "err_empty",
    "FontMissing": "err_font", "LoaderError": "err_unreadable", "DocumentClash": "err_clash",
}


def failure_of(exc: BaseException) -> Failure:
    """An exception as a sentence that says what to do; in English the library's words follow it."""
    kind = next((_FAILURE_KINDS[c.__name__] for c in type(exc).__mro__ if c.__name__ in _FAILURE_KINDS),
                "err_unexpected")
    detail = f"{type(exc).__name__}: {exc}"
    message = t(kind)
    if lang() == "en":
        message += f" ({exc})"
    return Failure(message, detail)


def attempt(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | Failure:
    """Run ``fn``; a failure becomes a sentence for the page (the traceback goes to the server log)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:   # noqa: BLE001 - any library error is shown to the user, not raised
        if isinstance(exc, _Failed):
            return exc.failure
        traceback.print_exc()
        return failure_of(exc)


def show_failure(result: Any, technical: bool = False) -> bool:
    """Show a failure as an error box; True when there was one. ``technical``: the library's words follow
    in a code block (a custom query's syntax error is what its author needs to fix it)."""
    if isinstance(result, Failure):
        st.error(result.message)
        if technical and result.detail and lang() == "zh":
            st.code(result.detail.split(": ", 1)[-1], language=None)
        return True
    return False


# ---- a shared, read-only deployment ---------------------------------------------------------------------------

def writes_allowed() -> bool:
    """False when the explorer_read_only setting (POLICYKG_EXPLORER_READ_ONLY) is on: no ingest page, no upload,
    no saving of queries; the write functions below refuse too, whatever a page asks."""
    return not settings.get_flag("explorer_read_only")


def _require_writes() -> None:
    if not writes_allowed():
        raise PermissionError("this explorer is read-only (POLICYKG_EXPLORER_READ_ONLY): it does not write")


class QueryRows(tuple):
    """(columns, rows) of a query, and whether the row limit cut it (``truncated``)."""

    truncated: bool = False

    @classmethod
    def of(cls, result) -> "QueryRows":
        rows = cls((list(result.columns), [list(r) for r in result.rows]))
        rows.truncated = bool(getattr(result, "truncated", False))
        return rows


def truncation_note(result: Any) -> str | None:
    """The warning to show when a query's rows were cut at the row limit, else None."""
    if not getattr(result, "truncated", False):
        return None
    from policykg.graph.stores.base import QueryLimits

    return t("q_truncated", n=f"{QueryLimits.from_settings().max_rows:,}")


# ---- the store and what is read from it --------------------------------------------------------------------

def store_spec() -> tuple[str | None, str | None, str | None]:
    """Which store this process explores: Neo4j when a URI is set, else a SPARQL endpoint, else the embedded
    store folder (``policykg app`` passes its options as these settings)."""
    return settings.get("store"), settings.get("neo4j_uri"), settings.get("sparql_endpoint")


@st.cache_resource(show_spinner=False)
def _open_store(spec: tuple[str | None, str | None, str | None]):
    from policykg.graph.stores.registry import open_store

    from policykg.graph.stores.rdf_store import StoreMissing

    path, neo4j_uri, endpoint = spec
    if neo4j_uri:
        return open_store(neo4j_uri=neo4j_uri)
    if endpoint:
        return open_store(sparql_endpoint=endpoint)
    try:
        return open_store(path=path, read_only=True)
    except StoreMissing:
        # the explorer may start before any ingest (its ingest page fills the store): create it empty, then read
        with writer():
            pass
        return open_store(path=path, read_only=True)


def store_words(opened) -> str:
    """Which store the pages read, in the chosen language (the store's own description is English)."""
    for attr, key in (("path", "store_embedded"), ("uri", "store_neo4j"), ("endpoint", "store_endpoint")):
        where = getattr(opened, attr, None)
        if where:
            return t(key, where=str(where))
    return t("store_on", description=opened.description)


def store():
    """The store the pages read (read-only for the embedded store), reopened when it was written since."""
    spec = store_spec()
    opened = _open_store(spec)
    if getattr(opened, "is_stale", lambda: False)():
        _open_store.clear()
        opened = _open_store(spec)
    return opened


# Seconds the explorer's ingest waits for another process's write (a `policykg ingest`) to finish.
WRITE_WAIT_S = 60


@contextmanager
def writer():
    """The store to write to. The embedded store: a writer opened here and closed on leaving, so the write lock is
    held only while writing (waiting up to WRITE_WAIT_S for another writer to finish); a server: the one read."""
    path, neo4j_uri, endpoint = store_spec()
    if neo4j_uri or endpoint:
        yield store()
        return
    from policykg.graph.stores.rdf_store import StoreBusy
    from policykg.graph.stores.registry import open_store

    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        try:
            opened = open_store(path=path)
            break
        except StoreBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
    try:
        yield opened
    finally:
        opened.close()   # drops the pyoxigraph Store, and with it the lock


def version() -> str:
    """Changes whenever the store is written (a document added, replaced or removed; links changed): the key
    every cached result hangs on. An embedded store read from a snapshot is named by it (no writer changes a
    snapshot; reading every document's hash took 0.15 s a call at 100,000 tasks); otherwise the hashes."""
    opened = store()
    if getattr(opened, "snapshot", None):
        return f"snapshot {opened.snapshot}"
    hashes = opened.document_hashes()
    return "|".join(f"{k}={v}" for k, v in sorted(hashes.items())) + f"@{getattr(opened, 'generation', '')}"


@st.cache_resource(show_spinner=False, max_entries=2)
def _graph(spec: tuple[str | None, str | None, str | None], ver: str) -> PolicyGraph:
    return _open_store(spec).load_graph()


def graph() -> PolicyGraph:
    """The whole stored graph in memory, read once per store version (browse, graph view, timeline)."""
    return _graph(store_spec(), version())


@st.cache_data(show_spinner=False, max_entries=4)
def _counts(spec: tuple[str | None, str | None, str | None], ver: str) -> dict[str, int]:
    return _open_store(spec).counts()


def counts() -> dict[str, int]:
    return _counts(store_spec(), version())


# ---- canned and custom queries ----------------------------------------------------------------------------

def query_dir() -> Path | None:
    folder = settings.get("query_dir")
    return Path(folder) if folder else None


def registry():
    """Every canned query and the user's own (the registry checks them all when loading)."""
    from policykg.queries.registry import Registry

    return Registry.load(query_dir())


def query_title(name: str) -> str:
    return registry().get(name).title[lang()]


@st.cache_data(show_spinner=False, max_entries=256)
def _run(spec: tuple[str | None, str | None, str | None], ver: str, name: str, params: tuple[tuple[str, Any], ...],
         qdir: str | None) -> tuple[list[str], list[list[Any]]]:
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    query = Registry.load(qdir).get(name)
    return QueryRows.of(run(query, _open_store(spec), dict(params)))


def run_canned(name: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]] | Failure:
    """A canned query's columns and rows; parameters left empty take their defaults."""
    qdir = query_dir()
    given = tuple(sorted((k, v) for k, v in params.items() if v not in (None, "")))
    return attempt(_run, store_spec(), version(), name, given, str(qdir) if qdir else None)


def run_custom(text: str) -> tuple[list[str], list[list[Any]]] | Failure:
    """A user's own query text, run read-only by the store (writes are refused there). Not cached."""
    def go():
        return QueryRows.of(store().query(text, {}))

    return attempt(go)


_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")   # the registry's rule for query names
_COMMENT = {"sparql": "#", "cypher": "//"}


def save_user_query(name: str, text: str, language: str, columns: list[str], title: str | None = None) -> Path:
    """Write NAME.yaml and the query text into the user's query folder, so the registry lists it.

    The registry wants both texts; the one not written here is a comment saying so, which the other store
    refuses with a syntax error when run (a translation is the user's to write)."""
    _require_writes()
    folder = query_dir()
    if folder is None:
        raise ValueError("no personal query folder is set (POLICYKG_QUERY_DIR or the query_dir setting)")
    if not _NAME.match(name):
        raise ValueError(f"query name {name!r} must be lower-case letters, digits and '-', starting with a letter")
    if name in registry():
        raise ValueError(f"a query named {name!r} already exists; choose another name")
    if not columns:
        raise ValueError("run the query successfully before saving it, so its columns are known")
    folder.mkdir(parents=True, exist_ok=True)
    other = "cypher" if language == "sparql" else "sparql"
    ext = {"sparql": ".rq", "cypher": ".cypher"}
    (folder / f"{name}{ext[language]}").write_text(text.rstrip() + "\n", encoding="utf-8")
    (folder / f"{name}{ext[other]}").write_text(
        f"{_COMMENT[other]} saved from the explorer in {language} only: translate {name}{ext[language]} "
        f"to {other} here to run it on the other store\n", encoding="utf-8")
    meta = {"title": {"zh": title or name, "en": title or name},
            "description": {"zh": f"在浏览器中保存的 {language} 查询", "en": f"Saved from the explorer ({language})"},
            "columns": list(columns)}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / f"{name}{ext[language]}"


# ---- HTML that carries untrusted text -----------------------------------------------------------------------

def esc(text: object) -> str:
    """Escaped for HTML and for Markdown: tags, Markdown syntax and $-maths in task text all show as typed.

    Numeric character references work both in Markdown text and inside raw HTML blocks, where a backslash
    escape would show literally.
    """
    escaped = html.escape(str(text))
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", escaped).replace("\n", "<br>")


_MD_SPECIAL = re.compile(r"[\\`*_\[\]#|~!$+\-=:{}()]")


def highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as HTML with ``spans`` marked; every piece of the text is escaped."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


# ---- browsing helpers over the in-memory graph --------------------------------------------------------------

# Past this many tasks, browsing without a focus (all tasks) is not offered: it would read the whole graph.
LARGE_STORE_TASKS = 20_000


@st.cache_data(show_spinner=False, max_entries=4)
def _choices(spec: tuple[str | None, str | None, str | None], ver: str, language: str):
    from policykg.graph.views.browse import choices
    from policykg.graph.views.neighbourhood import nodes_of_label

    store_ = _open_store(spec)
    listed = [nodes_of_label(store_, label) for label in ("Document", "Department", "Function")]
    if any(nodes is None for nodes in listed):
        return choices(_graph(spec, ver), language)
    return choices(PolicyGraph.from_parts([n for nodes in listed for n in nodes], []), language)


def choices():
    """Dropdown values (documents, levels, jurisdictions, departments, functions) read from the data."""
    return _choices(store_spec(), version(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _task_graph(spec: tuple[str | None, str | None, str | None], ver: str, selection):
    from policykg.graph.views.neighbourhood import task_graph

    return task_graph(_open_store(spec), selection)


def tasks_graph(selection) -> PolicyGraph | None:
    """A graph holding every task ``selection`` can match, with their context: read around the focus from the
    store when it can be; else the whole graph; None when that would mean reading a large store whole."""
    partial = _task_graph(store_spec(), version(), selection)
    if partial is not None:
        return partial
    if counts().get("Task", 0) > LARGE_STORE_TASKS:
        return None
    return graph()


@st.cache_data(show_spinner=False, max_entries=64)
def _neighbourhood(spec: tuple[str | None, str | None, str | None], ver: str, selection):
    from policykg.graph.views.neighbourhood import fetch
    from policykg.graph.views.subgraph import select

    found = fetch(_open_store(spec), selection)
    return found if found is not None else select(_graph(spec, ver), selection)


def neighbourhood(selection):
    """A centred, capped selection, read from the store around the centre when it can be (no whole-graph load)."""
    return _neighbourhood(store_spec(), version(), selection)


@dataclass
class GraphChoices:
    documents: list[tuple[str, str]]      # (node id, title)
    departments: list[tuple[str, str]]    # (node id, name), by name


@st.cache_data(show_spinner=False, max_entries=4)
def _graph_choices(spec: tuple[str | None, str | None, str | None], ver: str) -> GraphChoices:
    from policykg.graph.views.neighbourhood import nodes_of_label

    store_ = _open_store(spec)
    docs = nodes_of_label(store_, "Document")
    depts = nodes_of_label(store_, "Department")
    if docs is None or depts is None:   # a store that cannot list by label: read the graph once
        g = _graph(spec, ver)
        docs, depts = list(g.nodes_by_label("Document")), list(g.nodes_by_label("Department"))
    return GraphChoices(
        sorted(((n.id, str(n.props.get("title") or n.props.get("doc_id") or n.id)) for n in docs),
               key=lambda d: d[0]),
        sorted(((n.id, str(n.props.get("name") or n.props.get("key") or n.id)) for n in depts),
               key=lambda d: d[1]))


def graph_choices() -> GraphChoices:
    """What the graph page can centre on: documents and departments, listed without loading the graph."""
    return _graph_choices(store_spec(), version())


def document_tasks(doc_node: str) -> list[tuple[str, str]]:
    """(task id, number and whole text) of one document in reading order, read around the document node."""
    from policykg.graph.views.browse import reading_order
    from policykg.graph.views.subgraph import Selection
    from policykg.graph.views.network_page import node_caption

    sub = neighbourhood(Selection(center=doc_node, depth=1, relation_types=("HAS_TASK",), max_nodes=100_000))
    tasks = reading_order(sub, [n.id for n in sub.nodes.values() if n.label == "Task"])
    return [(i, node_caption(sub.nodes[i], full=True)) for i in tasks]   # whole: the picker searches it


def timeline_frame(rows) -> "pd.DataFrame":
    """Timeline rows as a chart-ready frame: ongoing/recurring rows span the axis (they bind throughout),
    dated ones are bars (periods) or points (a single due date)."""
    import pandas as pd

    frame = pd.DataFrame([r.__dict__ for r in rows])
    dated = frame["end"].notna() | frame["start"].notna()
    lo = min(frame.loc[dated, "start"].dropna().tolist() + frame.loc[dated, "end"].dropna().tolist(), default=None)
    hi = max(frame.loc[dated, "start"].dropna().tolist() + frame.loc[dated, "end"].dropna().tolist(), default=None)
    ongoing = frame["kind"].isin(["ongoing", "recurring"])
    frame.loc[ongoing & frame["start"].isna(), "start"] = lo
    frame.loc[ongoing & frame["end"].isna(), "end"] = hi
    frame["end"] = frame["end"].where(frame["end"].notna(), frame["start"])
    frame["start"] = frame["start"].where(frame["start"].notna(), frame["end"])
    frame["bar"] = frame["start"] != frame["end"]
    frame["status"] = ["ongoing" if o else "overdue" if d else "open" for o, d in zip(ongoing, frame["overdue"])]
    frame = frame[frame["end"].notna()].copy()
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


# ---- query forms and results ---------------------------------------------------------------------------------

def parameter_options(ptype: str) -> list[tuple[str, str]] | None:
    """(value, shown) choices for a parameter of a type the data can list; None for free input."""
    from policykg.queries.registry import LEVELS

    if ptype == "level":
        return [(lv, level_name(lv)) for lv in LEVELS]
    if ptype not in ("department", "document", "function", "jurisdiction"):
        return None
    ch = choices()
    if ptype == "department":
        g = graph()   # queries take the department's key
        return [(str(g.nodes[i].props.get("key") or i), name) for i, name in ch.departments]
    if ptype == "document":
        return document_choices(ch.documents)
    if ptype == "function":
        return list(ch.functions)
    return [(j, j) for j in ch.jurisdictions]


def parameter_from_address(param) -> Callable[[str], Any]:
    """How a saved query's parameter is read back from the page address: typed as the query takes it
    (``Parameter.coerce``); a value a dropdown does not offer is refused (ValueError), so the widget keeps its own."""
    options = parameter_options(param.type)

    def parse(text: str):
        from policykg.queries.registry import QueryError

        try:
            value = param.coerce(text)
        except QueryError as exc:
            raise ValueError(str(exc)) from None
        if options is not None and value not in {v for v, _ in options}:
            raise ValueError(f"{text!r} is not one of the {param.type} choices")
        return value

    return parse


def parameter_default(param) -> Any:
    """A parameter's declared default, typed as its widget holds it (a date as a date)."""
    try:
        return param.coerce(param.default)
    except Exception:   # noqa: BLE001 - a default the type refuses: compared as it is
        return param.default


def parameter_to_address(value: Any) -> str:
    """A parameter's value as the page address holds it: dates as 2022-12-31, booleans as true / false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def parameter_widget(param, key: str):
    """One form field for a canned query parameter: a dropdown where the data can list the values."""
    label = column_label(param.name) + (" *" if param.required else "")
    options = parameter_options(param.type)
    if options is not None:
        values = [None] + [v for v, _ in options]
        shown = dict(options)
        index = values.index(param.default) if param.default in values else 0
        return st.selectbox(label, values, index=index, key=key, help=param.help or None,
                            format_func=lambda v: t("any") if v is None else shown.get(v, v))
    if param.type == "integer":
        return st.number_input(label, value=param.default, step=1, key=key, help=param.help or None)
    if param.type == "decimal":
        return st.number_input(label, value=param.default, key=key, help=param.help or None)
    if param.type == "date":   # a date always has one: the parameter's default, else today
        from datetime import date

        return st.date_input(label, value=param.default or date.today(), key=key, help=param.help or None)
    if param.type == "boolean":
        return st.checkbox(label, value=bool(param.default), key=key, help=param.help or None)
    return st.text_input(label, value=param.default or "", key=key, help=param.help or None)


def result_frame(columns: list[str], rows: list[list[Any]]):
    """Rows as a sortable table; list cells are joined for reading."""
    import pandas as pd

    shown = [["、".join(map(str, v)) if isinstance(v, list) else v for v in row] for row in rows]
    return pd.DataFrame(shown, columns=columns)


def document_choices(documents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(doc id, what a person sees): the title, with the id only where two documents share a title."""
    from collections import Counter

    from policykg.graph.views.network_page import document_name

    names = {d: document_name({"title": title, "doc_id": d}) for d, title in documents}
    twice = {n for n, c in Counter(names.values()).items() if c > 1}
    return [(d, f"{n}（{d}）" if n in twice else n) for d, n in names.items()]


def shown_frame(frame):
    """A result table for the screen: headers in the chosen language, levels and functions named, documents by
    their titles (never their ids)."""
    frame = frame.copy()
    document_columns = [c for c in frame.columns if c == "document" or c.endswith("_document")]
    if document_columns:
        titles = dict(document_choices(choices().documents))
        for column in document_columns:
            frame[column] = frame[column].map(lambda d: titles.get(d, d))
        if "title" in frame and "document" in frame:
            frame = frame.drop(columns=["document"])
    if "kind" in frame:
        from policykg.graph.views.network_page import KIND_NAMES, name_of

        frame["kind"] = frame["kind"].map(lambda k: name_of(KIND_NAMES, k, lang()) if isinstance(k, str) else k)
    words = {"lead": t("lead"), "support": t("support"), "up": t("w_up"), "down": t("w_down")}
    for column in ("role", "direction"):
        if column in frame:
            frame[column] = frame[column].map(lambda v: words.get(v, v))
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: t("w_yes"), False: t("w_no")})
        elif column.endswith("_level"):
            frame[column] = frame[column].map(level_name)
    if "level" in frame:
        frame["level"] = frame["level"].map(level_name)
    if "function" in frame:
        frame["function"] = frame["function"].map(function_name)
    return frame.rename(columns={c: column_label(c) for c in frame.columns})



def obligations_long(columns: list[str], rows: list[list[Any]], top: int | None = None):
    """The obligations-across-levels pivot (function, label, one column per level, total) as long rows
    (function, level, count) for a stacked bar chart."""
    import pandas as pd
    from policykg.queries.registry import LEVELS

    frame = pd.DataFrame(rows, columns=columns)
    if top is not None:   # the query orders by total, largest first
        frame = frame.head(top)
    levels = [lv for lv in LEVELS if lv in frame.columns]
    long = frame.melt(id_vars=["function"], value_vars=levels, var_name="level", value_name="count")
    return long[long["count"] > 0]


# ---- ingest ---------------------------------------------------------------------------------------------------

UPLOAD_TYPES = tuple(sorted(READABLE))     # every format the readers take


def upload_limit_mb() -> int:
    value = settings.get("upload_limit_mb")
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        raise ValueError(f"upload_limit_mb must be a whole number of MB, got {value!r}") from None


def extract_upload(name: str, content: bytes, limit_mb: int):
    """An uploaded file's extraction, read from memory (format recognised from the bytes), departments resolved;
    nothing is written yet. Too large, wrong type or unreadable: a Failure naming the file and the reason."""
    from policykg.loaders import extract, read_bytes

    if not writes_allowed():
        return Failure("this explorer is read-only (POLICYKG_EXPLORER_READ_ONLY): uploads are switched off")
    safe = Path(name).name   # the browser's name only names the document; it is never a path we open
    if Path(safe).suffix.lower() not in UPLOAD_TYPES:
        return Failure(t("i_bad_type", name=safe))
    if len(content) > limit_mb * 1024 * 1024:
        return Failure(t("i_too_big", name=safe, limit=limit_mb))

    def go():
        from policykg.ontology.resolve import resolve_result

        result = extract(read_bytes(content, safe))
        resolve_result(result)   # fills in the canonical departments in place
        return result

    result = attempt(go)
    if isinstance(result, Failure):
        return Failure(t("i_failed", name=safe, error=result.message))
    return result


def extraction_frame(result):
    """A preview table of an extraction: number, text, departments (lead first), deadline, targets; headers
    and the place in the file in the chosen language."""
    import pandas as pd

    from policykg.graph.views.network_page import location_name

    frame = pd.DataFrame([{
        "task_no": task.task_no,
        "text": task.text,
        "lead": "、".join(task.lead),
        "departments": "、".join(task.departments),
        "deadline": "；".join(task.deadline) if isinstance(task.deadline, list) else (task.deadline or ""),
        "targets": "、".join(target.text for target in task.targets),
        "location": location_name(task.provenance.location, lang()) if task.provenance else "",
    } for task in result.tasks])
    return frame.rename(columns={c: column_label(c) for c in frame.columns})


# What the readers report about a row they could not read (loaders: segment, paragraphs, extract), as patterns of
# their English reasons -> the i18n key of the sentence shown in Chinese; a reason not listed gets i_problem_other.
_PROBLEM_REASONS = (
    (re.compile(r"(?P<name>'.*'|\".*\") is not kept as a department: (?P<why>.+)"), "i_problem_unit"),
    (re.compile(r"a responsibility annotation before any numbered item: not attached to a task"), "i_problem_orphan"),
    (re.compile(r"number cell (?P<name>'.*'|\".*\") is not a task number"), "i_problem_number"),
    (re.compile(r"row has no task text"), "i_problem_no_text"),
)
# why a string is no department name (core/lexicon.py: why_not_unit) -> the i18n key of its Chinese words
_NOT_A_UNIT = (
    (re.compile(r"too short for a department name"), "i_unit_short"),
    (re.compile(r"longer than (?P<n>\d+) characters: a sentence, not a department name"), "i_unit_long"),
    (re.compile(r"unbalanced brackets"), "i_unit_brackets"),
    (re.compile(r"holds sentence words or a date, not a department name"), "i_unit_sentence"),
    (re.compile(r"does not end like a department name.*"), "i_unit_ending"),
)


def problem_sentence(problem) -> str:
    """A reader's warning about one row (``core.records.Problem``) as a sentence in the chosen language: where in
    the file (表1第2行, 第3段 in Chinese) and what was not read, saying what to check; Markdown, the file's words
    escaped. The preview names the file."""
    from ast import literal_eval

    from policykg.graph.views.network_page import location_name

    where = t("i_problem_file") if problem.location == "file" else location_name(problem.location, lang())
    for pattern, key in _PROBLEM_REASONS:
        m = pattern.fullmatch(problem.reason.strip())
        if m is None:
            continue
        values = m.groupdict()
        name = literal_eval(values["name"]) if values.get("name") else ""
        why = ""
        if key == "i_problem_unit":
            found = next(((k, w.fullmatch(values["why"])) for w, k in _NOT_A_UNIT if w.fullmatch(values["why"])),
                         None)
            why = t(found[0], **found[1].groupdict()) if found else t("i_unit_other")
        return t(key, where=esc(where), name=esc(name), why=why)   # Markdown: the file's words escaped
    return t("i_problem_other", where=esc(where))


def write_extraction(result):
    """Write one extracted document into the store (replacing an earlier version of it), with the identity
    checks of `policykg ingest` (``graph.pipeline.store_document``)."""
    from policykg.graph.pipeline import store_document, stored_documents

    _require_writes()
    with writer() as target:
        return store_document(target, result, stored_documents(target))


# ---- exports: a selection as files, and as a Word briefing ------------------------------------------------------

# (format, UI string key, file extension, MIME type); "csv" is a zip of nodes.csv + edges.csv, "docx" the briefing
EXPORTS = (
    ("graphml", "x_graphml", "graphml", "application/graphml+xml"),
    ("csv", "x_csv", "zip", "application/zip"),
    ("ttl", "x_ttl", "ttl", "text/turtle"),
    ("jsonld", "x_jsonld", "jsonld", "application/ld+json"),
    ("html", "x_html", "html", "text/html"),
    ("docx", "x_docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
)


def export_file(part: PolicyGraph, fmt: str, title: str = "", focus: list[str] | None = None) -> bytes:
    """One graph format's bytes for a download button; CSV (two files) comes as a zip of nodes.csv + edges.csv."""
    import io
    import tempfile
    import zipfile

    from policykg.graph.export.files import ExportError, export_bytes, write_csv

    if not part.nodes:
        raise ExportError("the selection is empty: nothing to export")
    if fmt != "csv":
        return export_bytes(part, fmt, title=title, focus=focus)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_csv(part, Path(folder)):
            archive.write(path, path.name)
    return buffer.getvalue()


def briefing_file(graph: PolicyGraph, selection, as_of, title: str | None = None,
                  query_title: str | None = None, query_params: dict | None = None,
                  suggestions: bool = False) -> bytes:
    """The Word briefing on ``selection`` of ``graph`` as .docx bytes (``app.briefing.build_briefing``)."""
    import tempfile

    from policykg.app.briefing import build_briefing

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "briefing.docx"
        build_briefing(graph, selection, path, as_of=as_of, title=title, query_title=query_title,
                       query_params=query_params, suggestions=suggestions)
        return path.read_bytes()


def briefing_graph(read: PolicyGraph | None = None) -> PolicyGraph:
    """The graph a briefing is made from: the whole store when it is small enough (who has taken up each task
    reads the lower levels' documents), else what was read around the focus."""
    if read is not None and counts().get("Task", 0) > LARGE_STORE_TASKS:
        return read
    return graph()


def selection_title(graph: PolicyGraph, selection, query_title: str | None = None,
                    query_params: dict | None = None) -> str:
    """The selection in words (the briefing's description), for file titles."""
    from policykg.app.briefing_data import describe

    return describe(graph, selection, query_title, query_params)


def query_selection(columns: list[str], rows: list[list[Any]]):
    """A saved query's result as a selection of the whole graph (``graph.export.refs_from_rows``): its tasks,
    or else the departments and documents it names with their tasks. None when the rows name nothing."""
    from policykg.graph.export.files import refs_from_rows
    from policykg.graph.views.subgraph import TASK_LABELS, Selection

    g = graph()
    refs = refs_from_rows(g, columns, rows)
    if not refs:
        return None
    tasks = any(g.nodes[r].label in TASK_LABELS for r in refs)
    return Selection(nodes=tuple(refs), depth=0 if tasks else 1, max_nodes=EVERYTHING)


# ---- cascade linking after an ingest -----------------------------------------------------------------------------

def links_pending() -> bool:
    """The stored links are not those of the stored documents (an earlier ingest stopped before linking)."""
    from policykg.graph.cascade import linker as cascade

    return not cascade.link_status(store()).current


def link_cascade(on_progress=None) -> dict[str, int]:
    """Link every stored task to the higher-level tasks it implements, as ``policykg ingest`` does after writing
    (``graph.cascade.link_store``, which reports to ``on_progress``). Links change no document hash, so cached
    reads are dropped here."""
    from policykg.graph.cascade import linker as cascade

    _require_writes()
    with writer() as target:
        linked = cascade.summary(cascade.link_store(target, keep=False, on_progress=on_progress))
    st.cache_data.clear()
    _graph.clear()
    return linked


def task_chain(task_id: str):
    """A task's IMPLEMENTS links, both ways (``graph.browse.ChainLink``), read around it from the store;
    linked tasks' documents are named by their titles."""
    from policykg.graph.views.browse import chain_links
    from policykg.graph.views.subgraph import Selection

    around = neighbourhood(Selection(center=task_id, depth=1, relation_types=("IMPLEMENTS",), max_nodes=EVERYTHING))
    titles = {node_id.removeprefix("doc/"): title for node_id, title in graph_choices().documents}
    links = chain_links(around, task_id)
    for link in links:
        link.doc_title = titles.get(link.doc_id, link.doc_title)
    return links


# ---- a task down the levels (the implementation tree) -----------------------------------------------------------

def _rows(name: str, params: dict[str, Any]) -> QueryRows:
    """A canned query's rows, or the failure raised (for ``attempt``)."""
    found = run_canned(name, params)
    if isinstance(found, Failure):
        raise _Failed(found)
    return found


class _Failed(Exception):
    """A failure already put in words, passed through ``attempt`` unchanged."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail or failure.message)
        self.failure = failure


def document_places():
    """Every document's title, level and jurisdiction (``graph.chain_tree.DocumentPlace``), by id."""
    from policykg.graph.cascade.chain_tree import documents_from_rows
    from policykg.queries.lookup import EVERY_NAME

    return documents_from_rows(*_rows("documents", {"limit": EVERY_NAME}))


def task_options(level: str | None, document: str | None = None) -> list[tuple[str, str]]:
    """(task id, "《document》第N项 · its whole text") of the tasks of one level's documents (any level: None),
    or of one ``document`` (its id) alone, in document order: the task picker's options, searched by any words
    of the text. One document's tasks are read through the names query's document pattern (an index lookup);
    every task's, for a search, reads them all."""
    from policykg.graph.cascade.chain_tree import level_rank
    from policykg.graph.views.network_page import document_name, quoted
    from policykg.queries.lookup import names_params

    docs = {d.doc_id: d for d in document_places()}
    rows = _rows("names", names_params("task", document))[1]
    picked = [r for r in rows if r[3] in docs and (level is None or docs[r[3]].first_level() == level)]

    def order(row):
        doc = docs[row[3]]
        number = int(row[4]) if str(row[4] or "").isdigit() else 10 ** 6
        return (level_rank(doc.first_level()), row[3], number, row[1])

    def ref(doc_id: str, number) -> str:   # DOC-NUMBER as the command line takes it: 001-7
        head = doc_id.split("_")[0]
        return f"{head if sum(1 for d in docs if d.startswith(head)) == 1 else doc_id}-{number}"

    return [(r[1], f"{quoted(document_name({'title': docs[r[3]].title}))}第{r[4]}项（{ref(r[3], r[4])}） · {r[2] or ''}"
             if lang() == "zh" else
             f"{quoted(document_name({'title': docs[r[3]].title}))} No. {r[4]} ({ref(r[3], r[4])}) · {r[2] or ''}")
            for r in sorted(picked, key=order)]


def document_options(level: str) -> list[tuple[str, str]]:
    """(document id, "《title》 · its place") of the documents whose first level is ``level``, by title: the
    chain page's document picker."""
    from policykg.graph.views.network_page import document_name, quoted

    here = [d for d in document_places() if d.first_level() == level]
    named = [(d.doc_id, quoted(document_name({"title": d.title}))) for d in here]
    places = {d.doc_id: d.place(level) for d in here}
    return sorted(((doc, f"{name} · {places[doc]}" if places[doc] else name) for doc, name in named),
                  key=lambda option: (option[1], option[0]))


def find_task(words: str) -> list[str]:
    """The tasks a search names, of any level, in document order: one task for DOC-NUMBER as the command line
    takes it (001-7, 江西省工作任务清单 第5项, 《江西省工作任务清单》第5项, a title and #5); otherwise every task whose
    document, number or whole text contains each of the words (separated by spaces)."""
    from policykg.queries.lookup import DOC_NUMBER, Lookup, NoSuchName

    given = words.strip()
    if not given:
        return []
    bare = given.replace("《", "").replace("》", "")
    if DOC_NUMBER.fullmatch(bare):
        try:
            return [Lookup(store()).task(bare)[0]]
        except NoSuchName:   # no such document or number: the words may still be in a task's text
            pass
    parts = given.split()
    return [task for task, label in task_options(None) if all(part in label for part in parts)]


def chain_tree(task_id: str, suggestions: bool):
    """The task's implementation tree (``graph.chain_tree``) from the task-chain and documents canned queries."""
    from policykg.graph.cascade import chain_tree as ct
    from policykg.queries.lookup import chain_root

    documents = document_places()
    columns, rows = _rows("task-chain", {"task": task_id})
    root = chain_root(task_id, columns, rows, documents, lambda params: _rows("names", params)[1])
    return ct.from_rows(task_id, columns, rows, documents, suggestions=suggestions, root=root)


def tree_html(tree, height: str = "520px") -> str:
    from policykg.graph.views.tree_page import render_tree_html

    return render_tree_html(tree, lang(), height=height)


# ---- what a department owes ---------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=4)
def _department_kinds(spec: tuple[str | None, str | None, str | None], ver: str) -> dict[str, str]:
    from policykg.graph.views.neighbourhood import nodes_of_label

    depts = nodes_of_label(_open_store(spec), "Department")
    if depts is None:
        depts = list(_graph(spec, ver).nodes_by_label("Department"))
    return {n.id: str(n.props.get("kind") or "") for n in depts}


def department_kinds() -> dict[str, str]:
    """Each department's kind (government, division, collective, ...) by node id: a collective placeholder
    (各地有关部门, 各市人民政府) is no department anyone can ask."""
    return _department_kinds(store_spec(), version())


def chinese_or_iso(day) -> str:
    """A date as people read it in the chosen language: 2022年12月31日 / 2022-12-31."""
    return f"{day.year}年{day.month}月{day.day}日" if lang() == "zh" else day.isoformat()
