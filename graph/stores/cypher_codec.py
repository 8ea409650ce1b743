"""Property-graph elements as Cypher parameters, and the few Cypher texts the Neo4j store writes with.

Only names declared in ``ontology/mapping.yaml`` (labels, relationship types) are ever placed into Cypher
text, after a check that they are plain identifiers; every value travels as a parameter. Two bookkeeping
properties sit beside the mapping's: ``id`` (the node id of ``graph/model.py``) and ``_doc`` (the document
that owns a node or edge; absent on shared nodes and cross-document links) — the Neo4j counterpart of the
RDF store's document boundary (the Document node and what it contains, ``rdf.contains`` in mapping.yaml).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from policykg.graph.model import Edge, Node
from policykg.ontology.mapping import Mapping, PropertySpec

ID = "id"
DOC = "_doc"
# The bookkeeping nodes (the link state, the mark of kept totals): no label of the mapping, so counts, reading
# back and exports never see them.
STATE_LABEL = "`PolicykgState`"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Indexes the canned queries (queries/*.cypher) look up by, beside the unique id of every label.
QUERY_INDEXES: dict[str, tuple[str, ...]] = {
    "Document": ("doc_id", "level"),
    "Task": ("doc_id", "department_count"),
    "DepartmentSummary": ("doc_id",),
    "FunctionSummary": ("doc_id", "function"),
    "DeadlineSummary": ("doc_id",),
    "PairSummary": ("total",),
    "SchoolMeasure": ("doc_id",),
    "Department": ("name", "key", "level", "function", "total_items"),
    "Function": ("code",),
    "Deadline": ("year", "end", "kind"),
    "Target": ("unit",),
}


class CodecError(ValueError):
    """A node or edge does not fit the mapping; the message names the element, property and reason."""


def ident(name: str) -> str:
    """A label, relationship type or property name as quoted Cypher text (only names from the mapping)."""
    if not _IDENT.match(name):
        raise CodecError(f"{name!r} is not a plain identifier; names must be [A-Za-z_][A-Za-z0-9_]*")
    return f"`{name}`"


def to_cypher(value: Any, prop: PropertySpec) -> Any:
    """A property value as the driver should send it; None (and an empty list) means 'do not store'."""
    kind = prop.type
    if value is None:
        return None
    try:
        if kind == "string-list":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise TypeError("expected a list of strings")
            items = [str(v) for v in value if v is not None]
            return items or None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise TypeError("expected a boolean")
            return value
        if kind == "integer":
            if isinstance(value, bool) or int(value) != value:
                raise TypeError("expected an integer")
            return int(value)
        if kind == "decimal":
            if isinstance(value, bool):
                raise TypeError("expected a number")
            return float(Decimal(str(value)))
        if kind == "date":
            # native Neo4j dates: comparable and indexable; read back as ISO text like the RDF store gives
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if isinstance(value, (dict, list, tuple, set)):
            raise TypeError("expected a single string")
        return str(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise CodecError(f"{prop.name}={value!r} is not a valid {kind}: {exc}") from None


def from_cypher(value: Any, prop: PropertySpec | None) -> Any:
    """A stored value back in the form ``graph/build.py`` made it (dates as ISO text)."""
    if hasattr(value, "iso_format"):            # neo4j.time.Date and friends
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    if prop is not None and prop.type == "decimal" and isinstance(value, int):
        return float(value)
    return value


def _props(owner: str, given: dict[str, Any], specs: dict[str, PropertySpec], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in given.items():
        spec = specs.get(name)
        if spec is None:
            raise CodecError(f"{owner}: {kind} has no property {name!r} in mapping.yaml")
        try:
            converted = to_cypher(value, spec)
        except CodecError as exc:
            raise CodecError(f"{owner}: {exc}") from None
        if converted is not None:
            out[name] = converted
    return out


def node_row(node: Node, m: Mapping) -> dict[str, Any]:
    """One node as the map of properties that ``SET n = row`` stores (id and owner included)."""
    spec = m.written_node(node.label)
    if spec is None:
        raise CodecError(f"node {node.id!r}: label {node.label!r} is not in mapping.yaml ({', '.join(m.nodes)})")
    if spec.shared and node.doc is not None:
        raise CodecError(f"node {node.id!r}: {node.label} nodes are shared by all documents but this one "
                         f"is owned by {node.doc!r}")
    props = _props(f"node {node.id!r}", node.props, spec.properties, node.label)
    props[ID] = node.id
    if node.doc is not None:
        props[DOC] = node.doc
    return props


def edge_props(edge: Edge, m: Mapping, labels: tuple[str, str]) -> dict[str, Any]:
    """One edge's stored properties, after checking its type and end labels against the mapping."""
    spec = m.written_rel(edge.type)
    if spec is None:
        raise CodecError(f"edge {edge.key}: type {edge.type!r} is not in mapping.yaml ({', '.join(m.relationships)})")
    if labels[0] not in spec.from_labels or labels[1] not in spec.to_labels:
        raise CodecError(f"edge {edge.key}: {edge.type} goes from {'/'.join(spec.from_labels)} to "
                         f"{'/'.join(spec.to_labels)}, not from {labels[0]} to {labels[1]}")
    props = _props(f"edge {edge.key}", edge.props, spec.properties, edge.type)
    if edge.doc is not None:
        props[DOC] = edge.doc
    return props


def stored_node(label: str, props: dict[str, Any], m: Mapping) -> Node:
    specs = m.nodes[label].properties
    # summary values kept on graph nodes (a task's department_count) are for queries, not part of the graph
    values = {k: from_cypher(v, specs.get(k)) for k, v in props.items()
              if k not in (ID, DOC) and k not in m.summary_props.get(label, ())}
    for name, spec in specs.items():            # a declared default is what a node without a value has
        if spec.default is not None:
            values.setdefault(name, spec.default)
    return Node(props[ID], label, values, doc=props.get(DOC))


def stored_edge(source: str, rel_type: str, target: str, props: dict[str, Any], m: Mapping) -> Edge:
    specs = m.relationships[rel_type].properties
    values = {k: from_cypher(v, specs.get(k)) for k, v in props.items() if k != DOC}
    return Edge(source, rel_type, target, values, doc=props.get(DOC))


def plain(value: Any) -> Any:
    """A query result value as plain Python: nodes and relationships as maps, temporals as native types."""
    from neo4j.graph import Node as GraphNode, Path, Relationship

    if isinstance(value, GraphNode):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "to_native"):             # neo4j.time.Date/DateTime/Duration...
        try:
            return value.to_native()
        except (ValueError, OverflowError):
            return str(value)
    return value


# -- the Cypher texts ---------------------------------------------------------------------------------------

def schema_statements(m: Mapping) -> list[str]:
    """Uniqueness of ``id`` per label, the owner index per owned label, and the canned queries' indexes."""
    out = []
    for label, spec in {**m.nodes, **m.summary_nodes}.items():
        out.append(f"CREATE CONSTRAINT {ident('policykg_' + label + '_id')} IF NOT EXISTS "
                   f"FOR (n:{ident(label)}) REQUIRE n.{ident(ID)} IS UNIQUE")
        if not spec.shared:
            out.append(f"CREATE INDEX {ident('policykg_' + label + '_doc')} IF NOT EXISTS "
                       f"FOR (n:{ident(label)}) ON (n.{ident(DOC)})")
    for label, names in QUERY_INDEXES.items():
        if m.written_node(label) is None:
            raise CodecError(f"QUERY_INDEXES names label {label!r}, which mapping.yaml does not declare")
        for name in names:
            if name not in m.written_node(label).properties:
                raise CodecError(f"QUERY_INDEXES names {label}.{name}, which mapping.yaml does not declare")
            out.append(f"CREATE INDEX {ident('policykg_' + label + '_' + name)} IF NOT EXISTS "
                       f"FOR (n:{ident(label)}) ON (n.{ident(name)})")
    return out


def create_nodes(label: str) -> str:
    return f"UNWIND $rows AS row CREATE (n:{ident(label)}) SET n = row RETURN count(n) AS n"


def overwrite_nodes(label: str) -> str:
    # an owned node kept from a replaced version: its properties become the new version's, all of them
    return (f"UNWIND $rows AS row MATCH (n:{ident(label)} {{{ident(ID)}: row.{ID}}}) "
            f"SET n = row RETURN count(n) AS n")


def merge_nodes(label: str) -> str:
    # shared nodes: the properties written now replace those values, others stay (last writer wins)
    return (f"UNWIND $rows AS row MERGE (n:{ident(label)} {{{ident(ID)}: row.{ID}}}) "
            f"SET n += row RETURN count(n) AS n")


def read_nodes(label: str) -> str:
    """The stored properties of the nodes ``$ids`` names (those stored): rows (id, properties)."""
    return f"UNWIND $ids AS id MATCH (n:{ident(label)} {{{ident(ID)}: id}}) RETURN id, properties(n)"


def read_edges(rel_type: str, source_label: str) -> str:
    """The stored ``rel_type`` edges from the nodes ``$ids`` names: rows (source id, target id, properties)."""
    return (f"UNWIND $ids AS id MATCH (a:{ident(source_label)} {{{ident(ID)}: id}})-[r:{ident(rel_type)}]->(b) "
            f"RETURN id, b.{ident(ID)}, properties(r)")


def _ends(source_label: str, target_label: str) -> str:
    return (f"MATCH (a:{ident(source_label)} {{{ident(ID)}: row.s}}) "
            f"MATCH (b:{ident(target_label)} {{{ident(ID)}: row.t}}) ")


def create_edges(rel_type: str, source_label: str, target_label: str) -> str:
    return (f"UNWIND $rows AS row {_ends(source_label, target_label)}"
            f"CREATE (a)-[r:{ident(rel_type)}]->(b) SET r = row.p RETURN count(r) AS n")


def merge_edges(rel_type: str, source_label: str, target_label: str) -> str:
    return (f"UNWIND $rows AS row {_ends(source_label, target_label)}"
            f"MERGE (a)-[r:{ident(rel_type)}]->(b) SET r = row.p RETURN count(r) AS n")


def drop_other_edges(rel_type: str, source_label: str) -> str:
    """A single-valued link among shared nodes (a department's parent): other targets are dropped."""
    return (f"UNWIND $rows AS row MATCH (a:{ident(source_label)} {{{ident(ID)}: row.s}})-[old:{ident(rel_type)}]->(x) "
            f"WHERE NOT x.{ident(ID)} IN row.ts DELETE old")


def delete_links() -> str:
    """Every cross-document link (a relationship no document owns between two nodes that documents own), deleted
    ``$batch`` at a time, each batch in a transaction of its own: an auto-commit query (``session.run``), never
    inside a transaction function. One transaction for every link held them all in the heap at once (551,000
    links at national scale ran out of 2 GB)."""
    doc = ident(DOC)
    return (f"MATCH (a)-[r]->(b) WHERE r.{doc} IS NULL AND a.{doc} IS NOT NULL AND b.{doc} IS NOT NULL "
            "CALL { WITH r DELETE r } IN TRANSACTIONS OF $batch ROWS")


def delete_owned(label: str) -> str:
    return f"MATCH (n:{ident(label)} {{{ident(DOC)}: $doc}}) DETACH DELETE n"


def parse_param(text: str) -> Any:
    """A ``--param`` value typed from how it looks, as ``policykg sparql`` does: integer, decimal, true/false,
    null, YYYY-MM-DD (a date), a JSON list; quote a value ("2025") to keep it a string; else a string."""
    import json

    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text.startswith("[") and text.endswith("]"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    for parse in (int, float, dt.date.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            pass
    return text
