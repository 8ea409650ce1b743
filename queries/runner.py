"""Running a canned query on a store and normalising its rows to plain Python, the same on every store.

Binding: every value goes to the store's own mechanism (``GraphStore.query(text, params)``); nothing is
formatted into query text here. A query that declares ``sparql_binding: values`` asks a SPARQL store for VALUES
blocks of escaped terms in the text (the way a remote endpoint always gets them; on Oxigraph the planner then
starts from the values) instead of substitution. Absent optional parameters are ``null`` in Cypher and left
unbound in SPARQL, so the runner passes ``None`` to Cypher and leaves the name out for SPARQL. SPARQL cannot
bind ``LIMIT``, so the ``limit`` parameter is bound in Cypher (``LIMIT $limit``); in SPARQL it is written into
the text where a .rq says ``LIMIT ?limit`` (a checked integer, ``query_text``) and applied here to the rows as
well (the query's own ORDER BY has already fixed which rows come first).

Normalising: integers stay integers, decimals become floats rounded to ``DECIMALS`` places, dates become ISO
strings, node IRIs become node ids, and list columns become sorted lists of distinct strings, so the rows
of both stores compare equal with ``==``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from policykg.graph.stores.base import GraphStore, QueryResult
from policykg.ontology.mapping import load_mapping
from policykg.queries.registry import LIMIT, LIST_SEPARATOR, NODE_TYPES, CannedQuery, QueryError

DECIMALS = 6
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                     "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                     "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}


def store_params(query: CannedQuery, language: str, values: dict[str, Any]) -> dict[str, Any]:
    """What the store binds: every parameter for Cypher (None = null); for SPARQL only bound ones, no limit, and
    node ids (type ``task``) as the node's IRI, so that no SPARQL text builds an IRI out of a value."""
    if language == "cypher":
        return dict(values)
    out = {k: v for k, v in values.items() if v is not None and k != LIMIT}
    for p in query.parameters:
        if p.type in NODE_TYPES and p.name in out:
            from pyoxigraph import NamedNode

            out[p.name] = NamedNode(load_mapping().node_iri(out[p.name]))
    return out


_LIMIT = re.compile(r"[?$]limit\b")


def query_text(query: CannedQuery, language: str, values: dict[str, Any]) -> str:
    """The text to run. SPARQL cannot bind a LIMIT, so ``?limit`` in a .rq is the one value written into query
    text: the ``limit`` parameter, an integer checked by ``CannedQuery.bind`` (so a listing sorts on its key and
    stops at the limit inside the query), there and wherever else the text uses it (target-changes counts rows
    up to it). Everything else is bound by the store."""
    text = query.text(language)
    limit = values.get(LIMIT)
    if language == "sparql" and _LIMIT.search(text):
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise QueryError(f"{query.name}: parameter 'limit' must be a whole number, got {limit!r}")
        text = _LIMIT.sub(str(int(limit)), text)
    return text


def run(query: CannedQuery, store: GraphStore, params: dict[str, Any] | None = None) -> QueryResult:
    """Bind, run on the store in its own language, and return the declared columns with plain values."""
    values = query.bind(params)
    language = store.language
    raw = store.query(query_text(query, language, values), store_params(query, language, values),
                      binding=query.sparql_binding)
    return normalise(query, raw, language, values.get(LIMIT))


def normalise(query: CannedQuery, raw: QueryResult, language: str, limit: int | None = None) -> QueryResult:
    """The declared columns, by position: a SPARQL text projects its parameters after them (pyoxigraph binds
    only projected variables, and an output column may not share a parameter's name there); a Cypher text
    returns exactly the declared columns, by name."""
    names = query.column_names
    ext = ".rq" if language == "sparql" else ".cypher"
    if language == "cypher" and list(raw.columns) != names or len(raw.columns) < len(names):
        raise QueryError(f"{query.source_dir / (query.name + ext)}: returns columns {', '.join(raw.columns)}; "
                         f"{query.name}.yaml declares {', '.join(names)}")
    rows = raw.rows if limit is None else raw.rows[:limit]
    return QueryResult(list(names), [
        [plain_list(v) if c.type == "list" else plain(v) for c, v in zip(query.columns, row)] for row in rows
    ], truncated=raw.truncated and (limit is None or len(raw.rows) < limit))


def plain_list(value: Any) -> list:
    """A list column: a Cypher list or a SPARQL GROUP_CONCAT string, as sorted distinct plain values."""
    value = plain(value)
    if value is None or value == "":
        return []
    items = value.split(LIST_SEPARATOR) if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [items]
    return sorted({plain(v) for v in items if v is not None and v != ""}, key=_sort_key)


def _sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def plain(value: Any) -> Any:
    """One value from any store as a plain Python value."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        # a store that hands back IRIs as text (the RDF stores do) still names nodes by their ids
        return _node_id(value) if value.startswith(_base()) else value
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        return round(float(value), DECIMALS)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    kind = type(value).__module__ + "." + type(value).__name__
    if kind.startswith("pyoxigraph."):
        return _oxigraph_term(value)
    if kind.startswith("rdflib."):
        return _rdflib_term(value)
    if kind.startswith("neo4j.time."):
        return value.iso_format()
    return value


def _base() -> str:
    return load_mapping().base


def _node_id(iri: str) -> str:
    node = load_mapping().node_id(iri)
    return node if node is not None else iri


def _literal(lexical: str, datatype: str | None) -> Any:
    if datatype in _INTEGER_TYPES:
        return int(lexical)
    if datatype in _FLOAT_TYPES:
        return round(float(lexical), DECIMALS)
    if datatype == _XSD + "boolean":
        return lexical in ("true", "1")
    return lexical          # strings, dates (already ISO), language-tagged text


def _oxigraph_term(term: Any) -> Any:
    name = type(term).__name__
    if name == "NamedNode":
        return _node_id(term.value)
    if name == "Literal":
        return _literal(term.value, term.datatype.value if term.datatype is not None else None)
    return str(term.value) if hasattr(term, "value") else str(term)


def _rdflib_term(term: Any) -> Any:
    name = type(term).__name__
    if name == "URIRef":
        return _node_id(str(term))
    if name == "Literal":
        return _literal(str(term), str(term.datatype) if term.datatype is not None else None)
    return str(term)
