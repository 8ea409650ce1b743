"""PolicyGraph <-> RDF quads, derived from the mapping only, and the one function that writes RDF terms as text.

Each document's facts go to its own named graph; shared nodes (departments, functions, jurisdictions) and the
edges among them go to the shared graph. Relationship properties ride on a reified ``rdf:Statement`` with a
deterministic IRI. The RDF-only extras of the mapping (ODRL assignee, ELI/PROV types, OWL-Time instants,
kind classes) are written too, and ignored when reading back.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Iterable, Iterator

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.ontology.mapping import RDF_TYPE, Mapping, PropertySpec, load_mapping

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
_DATATYPE = {"string": XSD + "string", "integer": XSD + "integer", "decimal": XSD + "decimal",
             "boolean": XSD + "boolean", "date": XSD + "date", "string-list": XSD + "string"}
_TYPE = NamedNode(RDF_TYPE)


class CodecError(ValueError):
    """A graph element the mapping does not declare."""


# -- terms ------------------------------------------------------------------------------------------------

def sparql_term(term: NamedNode | Literal | BlankNode) -> str:
    """An RDF term as SPARQL/N-Triples text: the only way a value ever enters a query or update text.

    pyoxigraph's serialiser escapes quotes, backslashes and line breaks, so no value can end its literal.
    """
    if not isinstance(term, (NamedNode, Literal)):
        raise TypeError(f"only IRIs and literals can be written into SPARQL text, not {type(term).__name__}")
    return str(term)


def _decimal(value) -> str:
    """The canonical xsd:decimal text ("100", "0.5"), which Oxigraph stores and every store then agrees on."""
    d = Decimal(str(value))
    if not d.is_finite():
        raise ValueError("not a finite number")
    return format(d.normalize(), "f") if d != 0 else "0"


def literal(value: Any, prop: PropertySpec) -> Literal:
    """A property value as a typed literal; raises CodecError naming the property on a bad value."""
    kind = prop.type
    try:
        if kind == "boolean":
            if not isinstance(value, bool):
                raise TypeError("expected a boolean")
            text = "true" if value else "false"
        elif kind == "integer":
            if isinstance(value, bool) or int(value) != value:
                raise TypeError("expected an integer")
            text = str(int(value))
        elif kind == "decimal":
            text = _decimal(value)
        elif kind == "date":
            text = dt.date.fromisoformat(str(value)).isoformat()
        else:
            text = str(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise CodecError(f"{prop.name}={value!r} is not a valid {kind}: {exc}") from None
    return Literal(text, datatype=NamedNode(_DATATYPE[kind]))


def python_value(term: Literal, prop: PropertySpec) -> Any:
    kind = prop.type
    if kind == "integer":
        return int(term.value)
    if kind == "decimal":
        return float(term.value)
    if kind == "boolean":
        return term.value in ("true", "1")
    return term.value


def to_term(value: Any) -> NamedNode | Literal:
    """A query parameter as an RDF term: IRIs and literals pass through, Python values get their XSD type."""
    if isinstance(value, (NamedNode, Literal)):
        return value
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, (float, Decimal)):
        return Literal(_decimal(value), datatype=NamedNode(XSD + "decimal"))
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))
    if isinstance(value, str):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as a SPARQL parameter")


def parse_param(text: str) -> NamedNode | Literal:
    """A ``--param`` value typed from how it looks: <iri>, integer, decimal, true/false, YYYY-MM-DD, else string.

    Quote a value ("2025") to keep it a string.
    """
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return Literal(text[1:-1])
    if text.startswith("<") and text.endswith(">"):
        return NamedNode(text[1:-1])
    if text in ("true", "false"):
        return Literal(text == "true")
    for parse in (int, Decimal, dt.date.fromisoformat):
        try:
            return to_term(parse(text))
        except (ValueError, ArithmeticError):
            pass
    return Literal(text)


def plain(term) -> Any:
    """A result term as a plain Python value for printing: IRIs as text, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dtype = term.datatype.value
        if dtype in (XSD + "integer", XSD + "int", XSD + "long"):
            return int(term.value)
        if dtype in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        if dtype == XSD + "boolean":
            return term.value == "true"
        return term.value
    return term.value if isinstance(term, (NamedNode, BlankNode)) else str(term)


# -- parameters as a VALUES block ---------------------------------------------------------------------------

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The tokens that can hide a '{' or the word WHERE: IRIs, strings (long and short), comments.
_SKIP = re.compile(r'''<[^<>"{}|^`\\\x00-\x20]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                   r'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|\#[^\n]*''', re.S)
_WHERE = re.compile(r"(?i)\bWHERE\b")


def bind_values(query: str, params: dict[str, Any]) -> str:
    """Return ``query`` with ``VALUES (?k ...) { (term ...) }`` first in its WHERE group.

    Every value becomes an escaped RDF term through ``sparql_term``; names must be plain SPARQL variable names.
    """
    if not params:
        return query
    for name in params:
        if not _VAR.match(name):
            raise ValueError(f"parameter name {name!r} is not a SPARQL variable name")
    block = ("VALUES (" + " ".join(f"?{k}" for k in params) + ") { ("
             + " ".join(sparql_term(to_term(v)) for v in params.values()) + ") } ")
    pos = _where_brace(query)
    return query[:pos + 1] + " " + block + query[pos + 1:]


def _where_brace(query: str) -> int:
    """Index of the '{' that opens the outermost WHERE group, skipping IRIs, strings and comments."""
    depth, first_brace, after_where, i = 0, None, False, 0
    while i < len(query):
        skip = _SKIP.match(query, i)
        if skip:
            i = skip.end()
            continue
        ch = query[i]
        if ch == "{":
            if depth == 0:
                if after_where:
                    return i
                first_brace = i if first_brace is None else first_brace
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and _WHERE.match(query, i) and (i == 0 or not (query[i - 1].isalnum() or query[i - 1] in "_?$")):
            after_where = True
            i += 5
            continue
        i += 1
    if first_brace is None:
        raise ValueError("the query has no WHERE group to bind parameters into")
    return first_brace


# -- PolicyGraph -> quads -------------------------------------------------------------------------------------

def node_quads(node: Node, m: Mapping | None = None) -> Iterator[Quad]:
    m = m or load_mapping()
    spec = m.nodes.get(node.label)
    if spec is None:
        raise CodecError(f"node {node.id!r}: label {node.label!r} is not in mapping.yaml ({', '.join(m.nodes)})")
    s, g = NamedNode(m.node_iri(node.id)), NamedNode(m.graph_iri(node.doc))
    yield Quad(s, _TYPE, NamedNode(spec.class_iri), g)
    for extra in spec.also_classes:
        yield Quad(s, _TYPE, NamedNode(extra), g)
    for name, value in node.props.items():
        prop = spec.properties.get(name)
        if prop is None:
            raise CodecError(f"node {node.id!r}: {node.label} has no property {name!r} in mapping.yaml")
        if value is None:
            continue
        for v in (value if prop.many else [value]):
            try:
                yield Quad(s, NamedNode(prop.iri), literal(v, prop), g)
            except CodecError as exc:
                raise CodecError(f"node {node.id!r}: {exc}") from None
    x = m.extras
    kind_class = x.class_by_kind.get(node.label, {}).get(node.props.get("kind"))
    if kind_class:
        yield Quad(s, _TYPE, NamedNode(kind_class), g)
    if node.label in x.in_scheme:
        yield Quad(s, NamedNode(SKOS_IN_SCHEME), NamedNode(x.in_scheme[node.label]), g)
    if x.derived_from and node.doc is not None and node.label in x.provenance_labels:
        yield Quad(s, NamedNode(x.derived_from), NamedNode(m.node_iri(f"doc/{node.doc}")), g)
    interval = x.intervals.get(node.label)
    if interval:
        for prop_name, link in ((interval.beginning, "hasBeginning"), (interval.end, "hasEnd")):
            if prop_name and node.props.get(prop_name):
                instant = NamedNode(f"{s.value}#{link}")
                yield Quad(s, NamedNode(TIME + link), instant, g)
                yield Quad(instant, _TYPE, NamedNode(TIME + "Instant"), g)
                yield Quad(instant, NamedNode(TIME + "inXSDDate"),
                           literal(node.props[prop_name], spec.properties[prop_name]), g)


def edge_quads(edge: Edge, m: Mapping | None = None, graph_iri: str | None = None) -> Iterator[Quad]:
    m = m or load_mapping()
    spec = m.relationships.get(edge.type)
    if spec is None:
        raise CodecError(f"edge {edge.key}: type {edge.type!r} is not in mapping.yaml ({', '.join(m.relationships)})")
    s, o = NamedNode(m.node_iri(edge.source)), NamedNode(m.node_iri(edge.target))
    g = NamedNode(graph_iri or m.graph_iri(edge.doc))
    p = NamedNode(spec.iri)
    yield Quad(s, p, o, g)
    for extra in spec.also_predicates:
        yield Quad(s, NamedNode(extra), o, g)
    props = {k: v for k, v in edge.props.items() if v is not None}
    if props:
        st = NamedNode(m.statement_iri(edge.source, edge.type, edge.target))
        yield Quad(st, _TYPE, NamedNode(RDF + "Statement"), g)
        yield Quad(st, NamedNode(RDF + "subject"), s, g)
        yield Quad(st, NamedNode(RDF + "predicate"), p, g)
        yield Quad(st, NamedNode(RDF + "object"), o, g)
        for name, value in props.items():
            prop = spec.properties.get(name)
            if prop is None:
                raise CodecError(f"edge {edge.key}: {edge.type} has no property {name!r} in mapping.yaml")
            yield Quad(st, NamedNode(prop.iri), literal(value, prop), g)


def graph_quads(graph: PolicyGraph, m: Mapping | None = None) -> list[Quad]:
    m = m or load_mapping()
    out: list[Quad] = []
    for node in graph.nodes.values():
        out.extend(node_quads(node, m))
    for edge in graph.edges.values():
        out.extend(edge_quads(edge, m))
    return out


# -- quads -> PolicyGraph -------------------------------------------------------------------------------------

def quads_to_graph(quads: Iterable[Quad], m: Mapping | None = None) -> PolicyGraph:
    """Read stored quads back into a PolicyGraph (the inverse of graph_quads, extras ignored)."""
    m = m or load_mapping()
    label_of_class = m.label_of_class()
    rels = m.rel_by_predicate()
    typed: dict[str, tuple[str, str | None]] = {}      # subject IRI -> (label, owning doc)
    literals: list[Quad] = []
    links: list[Quad] = []
    statements: dict[str, dict[str, Any]] = {}
    for q in quads:
        subj, pred, obj = q.subject.value, q.predicate.value, q.object
        if pred == RDF_TYPE:
            if obj.value in label_of_class:
                typed[subj] = (label_of_class[obj.value], _graph_doc(q, m))
            continue
        if isinstance(obj, Literal):
            literals.append(q)
        elif pred in rels:
            links.append(q)
        if pred.startswith(RDF) or subj.startswith(m.base + "stmt/"):
            statements.setdefault(subj, {})[pred] = obj
    props: dict[str, dict[str, Any]] = {s: {} for s in typed}
    for q in literals:
        subj = q.subject.value
        if subj not in typed:
            continue
        spec = m.nodes[typed[subj][0]]
        prop = spec.by_predicate().get(q.predicate.value)
        if prop is None:
            continue
        value = python_value(q.object, prop)
        if prop.many:
            props[subj].setdefault(prop.name, []).append(value)
        else:
            props[subj][prop.name] = value
    g = PolicyGraph()
    for subj, (label, doc) in sorted(typed.items()):
        node_props = {k: sorted(v) if isinstance(v, list) else v for k, v in props[subj].items()}
        g.add_node(Node(m.node_id(subj), label, node_props, doc=doc))
    edge_props = _statement_props(statements, m)
    for q in links:
        s, o = q.subject.value, q.object.value
        spec = rels[q.predicate.value]
        if s not in typed or o not in typed:
            continue   # an end outside the stored graph (e.g. a link to a replaced task) is not an edge
        key = (m.node_id(s), spec.type, m.node_id(o))
        g.add_edge(Edge(key[0], spec.type, key[2], edge_props.get((s, q.predicate.value, o), {}),
                        doc=_graph_doc(q, m)))
    return g


def _graph_doc(q: Quad, m: Mapping) -> str | None:
    graph = q.graph_name
    return m.graph_doc(graph.value) if isinstance(graph, NamedNode) else None


def _statement_props(statements: dict[str, dict[str, Any]], m: Mapping) -> dict[tuple[str, str, str], dict]:
    rels = m.rel_by_predicate()
    out = {}
    for st in statements.values():
        s, p, o = (st.get(RDF + k) for k in ("subject", "predicate", "object"))
        if s is None or p is None or o is None or p.value not in rels:
            continue
        spec = rels[p.value]
        by_pred = {prop.iri: prop for prop in spec.properties.values()}
        out[(s.value, p.value, o.value)] = {
            by_pred[k].name: python_value(v, by_pred[k]) for k, v in st.items() if k in by_pred
        }
    return out


__all__ = ["CodecError", "bind_values", "edge_quads", "graph_quads", "literal", "node_quads", "parse_param", "plain",
           "quads_to_graph", "sparql_term", "to_term"]
