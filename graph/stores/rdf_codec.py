"""PolicyGraph <-> RDF quads, derived from the mapping only, and the one function that writes RDF terms as text.

Everything is written to the default graph, in the lean form ``rdf:`` in mapping.yaml declares: no value that
is a declared default or follows from another, no rdf:type where the relationship that reaches a node types it,
relationship properties packed on their source node (one JSON literal) or on a small link node, never as
reified statements. The vocabulary alignment (ODRL, ELI, PROV, OWL-Time, SKOS) is declared once in
policykg.ttl and written out only by RDF exports (``graph_quads(..., interop=True)``).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any, Iterable, Iterator

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.ontology.mapping import PACKED_NODE, RDF_TYPE, Mapping, PropertySpec, load_mapping

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
_DATATYPE = {"string": XSD + "string", "integer": XSD + "integer", "decimal": XSD + "decimal",
             "boolean": XSD + "boolean", "date": XSD + "date", "string-list": XSD + "string"}
_DATATYPE_TERMS = {k: NamedNode(v) for k, v in _DATATYPE.items()}
_TYPE = NamedNode(RDF_TYPE)


class CodecError(ValueError):
    """A graph element the mapping does not declare."""


# -- terms ------------------------------------------------------------------------------------------------

def state_subject(m: Mapping, of: str = "links") -> NamedNode:
    """The subject of one kind of the store's bookkeeping (``links``: the link state and what is kept with it;
    ``totals``: a write whose totals are pending). Every one starts with ``state_prefix`` and is left out of
    ``quads()``, exports and validation."""
    return NamedNode(state_prefix(m) + of)


def state_prefix(m: Mapping) -> str:
    return f"{m.base}state/"


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
    return Literal(text, datatype=_DATATYPE_TERMS[kind])


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

_ROW_IN_LOCATION = re.compile(r"(?:table \d+, row|paragraph) (\d+)\b")


def derive(how: str, node: Node) -> Any:
    """The value a derived property takes (``rdf.derived`` in mapping.yaml), or None if it cannot be derived."""
    props = node.props
    if how == "owner":
        return node.doc
    if how == "year-of-end":
        end = props.get("end")
        return int(str(end)[:4]) if end else None
    if how == "start-plus-text":
        start, text = props.get("span_start"), props.get("text")
        return start + len(text) if isinstance(start, int) and isinstance(text, str) else None
    if how == "row-in-location":
        found = _ROW_IN_LOCATION.match(str(props.get("location") or ""))
        return int(found.group(1)) if found else None
    raise CodecError(f"unknown derivation {how!r}")


class _Terms:
    """The mapping's IRIs as pyoxigraph terms, made once (building terms is most of the encoding's cost)."""

    def __init__(self, m: Mapping) -> None:
        lay = m.layout
        self.m = m
        labels = [*m.nodes, *m.summary_nodes]
        self.classes = {label: NamedNode(m.written_node(label).class_iri) for label in labels}
        self.props = {label: {name: (NamedNode(p.iri), p, p.type, p.default)
                              for name, p in m.written_node(label).properties.items()} for label in labels}
        # nodes without an rdf:type: typed by the relationship that reaches them, and the summaries
        self.typed_by = frozenset(lay.typed_by) | frozenset(m.summary_nodes)
        rel_types = [*m.relationships, *m.summary_rels]
        self.rels = {t: NamedNode(m.written_rel(t).iri) for t in rel_types}
        self.rel_props = {t: {name: (NamedNode(p.iri), p) for name, p in m.written_rel(t).properties.items()}
                          for t in rel_types}
        self.derived = lay.derived
        self.packed = NamedNode(lay.packed_iri)
        self.packed_properties = {label: frozenset(props) for label, props in lay.packed_properties.items()}
        self.link_ends = {t: (NamedNode(spec.from_iri), NamedNode(spec.to_iri)) for t, spec in lay.link_nodes.items()}
        self.nodes: dict[str, NamedNode] = {}

    def node(self, node_id: str) -> NamedNode:
        term = self.nodes.get(node_id)
        if term is None:
            if len(self.nodes) > 200_000:       # shared nodes recur; owned ones mostly do not
                self.nodes.clear()
            term = self.nodes[node_id] = NamedNode(self.m.node_iri(node_id))
        return term


_TERMS: dict[int, _Terms] = {}


def _terms(m: Mapping) -> _Terms:
    t = _TERMS.get(id(m))
    if t is None or t.m is not m:
        t = _TERMS[id(m)] = _Terms(m)
    return t


def node_quads(node: Node, m: Mapping | None = None, packed: dict | None = None,
               typed_by_edge: bool = True, pack_own: bool = True) -> list[Quad]:
    """One node's quads: its type (unless ``typed_by_edge``: the relationship that reaches it types it, see
    ``rdf.typed_by``), and every property value that is neither the declared default nor derivable;
    ``packed``: its packed edge properties (``edge_properties``), written in one literal with its own packed
    properties (``packed_properties``; with ``pack_own`` false, one quad each, as exports write them). The
    encoding's hot loop: plain strings and integers take a short way, every other value goes through
    ``literal``'s checks."""
    m = m or load_mapping()
    terms = _terms(m)
    label = node.label
    specs = terms.props.get(label)
    if specs is None:
        raise CodecError(f"node {node.id!r}: label {label!r} is not in mapping.yaml ({', '.join(m.nodes)})")
    s = terms.node(node.id)
    untyped = label in terms.typed_by and (typed_by_edge or label in m.summary_nodes)
    out = [] if untyped else [Quad(s, _TYPE, terms.classes[label])]
    derived = terms.derived.get(label)
    to_pack = terms.packed_properties.get(label, ()) if pack_own else ()
    own: dict[str, Any] = {}
    integer = _DATATYPE_TERMS["integer"]
    for name, value in node.props.items():
        found = specs.get(name)
        if found is None:
            raise CodecError(f"node {node.id!r}: {label} has no property {name!r} in mapping.yaml")
        p, prop, kind, default = found
        if value is None or (default is not None and value == default):
            continue
        if derived and name in derived and derive(derived[name], node) == value:
            continue
        if name in to_pack:
            try:
                own[name] = _packed_value(value, prop)
            except CodecError as exc:
                raise CodecError(f"node {node.id!r}: {exc}") from None
            continue
        vtype = type(value)
        if vtype is str and kind == "string":
            out.append(Quad(s, p, Literal(value)))          # a plain literal is an xsd:string
        elif vtype is int and kind == "integer":
            out.append(Quad(s, p, Literal(str(value), datatype=integer)))
        else:
            try:
                for v in (value if prop.many else (value,)):
                    out.append(Quad(s, p, Literal(v) if type(v) is str and kind == "string-list" else literal(v, prop)))
            except CodecError as exc:
                raise CodecError(f"node {node.id!r}: {exc}") from None
    if own:
        packed = {**(packed or {}), PACKED_NODE: own}
    if packed:
        out.append(Quad(s, terms.packed, Literal(json.dumps(packed, sort_keys=True, ensure_ascii=False,
                                                           separators=(",", ":")))))
    return out


def _packed_value(value: Any, prop: PropertySpec) -> Any:
    """A value as it goes into a packed JSON literal: checked and in canonical form as a literal, numbers and
    booleans as JSON's own."""
    text = literal(value, prop).value
    return python_value(Literal(text), prop) if prop.type in ("integer", "decimal", "boolean") else text


def edge_quads(edge: Edge, m: Mapping | None = None) -> list[Quad]:
    """One edge's triple, and its link node when its relationship keeps its properties on one. Packed edge
    properties are written with the source node (``graph_quads``)."""
    m = m or load_mapping()
    terms = _terms(m)
    p = terms.rels.get(edge.type)
    if p is None:
        raise CodecError(f"edge {edge.key}: type {edge.type!r} is not in mapping.yaml ({', '.join(m.relationships)})")
    s, o = terms.node(edge.source), terms.node(edge.target)
    out = [Quad(s, p, o)]
    ends = terms.link_ends.get(edge.type)
    if ends is None or not edge.props:
        return out
    props = {k: v for k, v in edge.props.items() if v is not None}
    if props:
        link = NamedNode(m.link_iri(edge.source, edge.type, edge.target))
        out.append(Quad(link, ends[0], s))
        out.append(Quad(link, ends[1], o))
        specs = terms.rel_props[edge.type]
        for name, value in props.items():
            found = specs.get(name)
            if found is None:
                raise CodecError(f"edge {edge.key}: {edge.type} has no property {name!r} in mapping.yaml")
            out.append(Quad(link, found[0], literal(value, found[1])))
    return out


def packed_props(edge: Edge, m: Mapping) -> dict[str, Any]:
    """An edge's properties as they go into its source's packed JSON (checked and typed like literals)."""
    specs = m.relationships[edge.type].properties
    out = {}
    for name, value in edge.props.items():
        if value is None:
            continue
        prop = specs.get(name)
        if prop is None:
            raise CodecError(f"edge {edge.key}: {edge.type} has no property {name!r} in mapping.yaml")
        out[name] = _packed_value(value, prop)
    return out


def _packed_by_source(graph: PolicyGraph, m: Mapping) -> dict[str, dict]:
    """source -> relationship type -> target -> the properties packed into one literal (``rdf.packed``)."""
    packed_types = set(m.layout.packed)
    packed: dict[str, dict] = {}
    for e in graph.edges.values():
        if e.type in packed_types and e.props:
            props = packed_props(e, m)
            if props:
                packed.setdefault(e.source, {}).setdefault(e.type, {})[e.target] = props
    return packed


def graph_quads(graph: PolicyGraph, m: Mapping | None = None, interop: bool = False) -> list[Quad]:
    """The stored form of ``graph``; ``interop`` adds the vocabulary alignment RDF exports write out, and writes a
    node's packed properties as one quad each (for tools that do not read the packed JSON)."""
    m = m or load_mapping()
    packed = _packed_by_source(graph, m)
    reached = _typed_by_edge(graph, m)
    out: list[Quad] = []
    for node in graph.nodes.values():
        out.extend(node_quads(node, m, packed.get(node.id), node.id in reached, pack_own=not interop))
    for edge in graph.edges.values():
        out.extend(edge_quads(edge, m))
    if interop:
        out.extend(interop_quads(graph, m))
    return out


def _typed_by_edge(graph: PolicyGraph, m: Mapping) -> set[str]:
    """Nodes that an edge of the relationship typing their label reaches (the others carry an rdf:type)."""
    typing = {rel: label for label, rel in m.layout.typed_by.items()}
    return {e.target for e in graph.edges.values() if typing.get(e.type) == graph.nodes[e.target].label}


def interop_quads(graph: PolicyGraph, m: Mapping | None = None) -> Iterator[Quad]:
    """The vocabulary alignment declared in policykg.ttl, written out for tools that do not reason over it:
    ELI / ODRL / PROV / OWL-Time / SKOS types, odrl:assignee, prov:wasDerivedFrom, time instants, kind classes,
    and the types of nodes the store types by their relationship."""
    m = m or load_mapping()
    x, lay, terms = m.extras, m.layout, _terms(m)
    reached = _typed_by_edge(graph, m)
    for node in graph.nodes.values():
        spec = m.nodes[node.label]
        s = terms.node(node.id)
        if node.label in lay.typed_by and node.id in reached:
            yield Quad(s, _TYPE, terms.classes[node.label])
        for extra in spec.also_classes:
            yield Quad(s, _TYPE, NamedNode(extra))
        kind_class = x.class_by_kind.get(node.label, {}).get(node.props.get("kind"))
        if kind_class:
            yield Quad(s, _TYPE, NamedNode(kind_class))
        if node.label in x.in_scheme:
            yield Quad(s, NamedNode(SKOS_IN_SCHEME), NamedNode(x.in_scheme[node.label]))
        if x.derived_from and node.doc is not None and node.label in x.provenance_labels:
            yield Quad(s, NamedNode(x.derived_from), terms.node(f"doc/{node.doc}"))
        interval = x.intervals.get(node.label)
        if interval:
            for prop_name, link in ((interval.beginning, "hasBeginning"), (interval.end, "hasEnd")):
                if prop_name and node.props.get(prop_name):
                    instant = NamedNode(f"{s.value}#{link}")
                    yield Quad(s, NamedNode(TIME + link), instant)
                    yield Quad(instant, _TYPE, NamedNode(TIME + "Instant"))
                    yield Quad(instant, NamedNode(TIME + "inXSDDate"),
                               literal(node.props[prop_name], spec.properties[prop_name]))
    for edge in graph.edges.values():
        for extra in m.relationships[edge.type].also_predicates:
            yield Quad(terms.node(edge.source), NamedNode(extra), terms.node(edge.target))


# -- quads -> PolicyGraph -------------------------------------------------------------------------------------

def quads_to_graph(quads: Iterable[Quad], m: Mapping | None = None) -> PolicyGraph:
    """Read stored quads back into a PolicyGraph (the inverse of graph_quads): labels from rdf:type or from the
    relationship that types a node, owners from the document ids, defaults and derived values filled in, edge
    properties from the packed JSON and the link nodes. Anything else (exported extras, summaries) is ignored."""
    m = m or load_mapping()
    lay = m.layout
    label_of_class = m.label_of_class()
    rels = m.rel_by_predicate()
    typed_by = {m.relationships[r].iri: label for label, r in lay.typed_by.items()}
    link_from = {spec.from_iri: t for t, spec in lay.link_nodes.items()}
    link_to = {spec.to_iri for spec in lay.link_nodes.values()}
    labels: dict[str, str] = {}
    literals: list[Quad] = []
    links: list[Quad] = []
    packed: dict[str, str] = {}
    link_nodes: dict[str, dict[str, Any]] = {}
    for q in quads:
        subj, pred, obj = q.subject.value, q.predicate.value, q.object
        if pred == RDF_TYPE:
            if obj.value in label_of_class:
                labels[subj] = label_of_class[obj.value]
        elif pred in rels:
            links.append(q)
            if pred in typed_by:
                labels[obj.value] = typed_by[pred]
        elif pred == lay.packed_iri:
            packed[subj] = obj.value
        elif pred in link_from or pred in link_to or subj.startswith(m.base + "link/"):
            link_nodes.setdefault(subj, {})[pred] = obj
        elif isinstance(obj, Literal):
            literals.append(q)
    props: dict[str, dict[str, Any]] = {s: {} for s in labels}
    unpacked = {s: _json_object(text) for s, text in packed.items()}
    for subj, obj in unpacked.items():
        if subj in labels:
            props[subj].update(_unpack(obj, PACKED_NODE, m.nodes[labels[subj]].properties))
    by_predicate = {label: spec.by_predicate() for label, spec in m.nodes.items()}
    for q in literals:
        subj = q.subject.value
        label = labels.get(subj)
        if label is None:
            continue
        prop = by_predicate[label].get(q.predicate.value)
        if prop is None:
            continue
        value = python_value(q.object, prop)
        if prop.many:
            props[subj].setdefault(prop.name, []).append(value)
        else:
            props[subj][prop.name] = value
    docs = _owners(labels, props, links, m)
    g = PolicyGraph()
    for subj, label in sorted(labels.items()):
        node_props = {k: sorted(v) if isinstance(v, list) else v for k, v in props[subj].items()}
        node = Node(m.node_id(subj), label, node_props, doc=docs.get(subj))
        for name, how in lay.derived.get(label, {}).items():
            if name not in node_props:
                value = derive(how, node)
                if value is not None:
                    node_props[name] = value
        for name, prop in m.nodes[label].properties.items():
            if prop.default is not None:
                node_props.setdefault(name, prop.default)
        g.add_node(node)
    unowned = {r.type for r in m.shared_rels()} | set(lay.links)
    edge_props = _link_node_props(link_nodes, link_from, m)
    for q in links:
        s, o = q.subject.value, q.object.value
        spec = rels[q.predicate.value]
        if s not in labels or o not in labels:
            continue   # an end outside the stored graph (e.g. a link to a replaced task) is not an edge
        source, target = m.node_id(s), m.node_id(o)
        if spec.type in lay.link_nodes:
            eprops = edge_props.get((s, spec.type, o), {})
        elif spec.type in lay.packed and s in unpacked:
            eprops = _unpack(unpacked[s].get(spec.type), target, m.relationships[spec.type].properties)
        else:
            eprops = {}
        g.add_edge(Edge(source, spec.type, target, eprops, doc=None if spec.type in unowned else docs.get(s)))
    return g


def _owners(labels: dict[str, str], props: dict[str, dict], links: list[Quad], m: Mapping) -> dict[str, str]:
    """The owning document of every owned node: its doc_id, else that of the node that contains it."""
    shared = set(m.shared_labels)
    docs = {s: props[s]["doc_id"] for s, label in labels.items()
            if label not in shared and isinstance(props[s].get("doc_id"), str)}
    contains = {m.relationships[r].iri for r in m.layout.contains}
    parent = {q.object.value: q.subject.value for q in links if q.predicate.value in contains}
    for subj, label in labels.items():
        if subj in docs or label in shared:
            continue
        seen, up = {subj}, parent.get(subj)
        while up is not None and up not in docs and up not in seen:
            seen.add(up)
            up = parent.get(up)
        if up is not None and up in docs:
            docs[subj] = docs[up]
    return docs


def _json_object(text: str) -> dict:
    """A packed literal's JSON object ({} if it is not one)."""
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _unpack(packed: Any, key: str, specs: dict[str, PropertySpec]) -> dict[str, Any]:
    """The properties under ``key`` of a packed object (a target node's id, or PACKED_NODE), typed by
    ``specs``; what is not an object or not declared is ignored."""
    props = packed.get(key) if isinstance(packed, dict) else None
    if not isinstance(props, dict):
        return {}
    return {k: python_value(Literal(v if isinstance(v, str) else json.dumps(v)), specs[k])
            for k, v in props.items() if k in specs}


def _link_node_props(link_nodes: dict[str, dict[str, Any]], link_from: dict[str, str],
                     m: Mapping) -> dict[tuple[str, str, str], dict]:
    out = {}
    for preds in link_nodes.values():
        rel_type = next((t for p, t in link_from.items() if p in preds), None)
        if rel_type is None:
            continue
        spec = m.layout.link_nodes[rel_type]
        if spec.to_iri not in preds:
            continue
        by_pred = {prop.iri: prop for prop in m.relationships[rel_type].properties.values()}
        out[(preds[spec.from_iri].value, rel_type, preds[spec.to_iri].value)] = {
            by_pred[k].name: python_value(v, by_pred[k]) for k, v in preds.items() if k in by_pred}
    return out


def document_quads(sub: PolicyGraph, doc: str, m: Mapping | None = None) -> tuple[list[Quad], dict[str, list[Quad]]]:
    """One document's subgraph as what it owns (its nodes and edges, and its summaries: graph/stores/summaries.py) and,
    per shared node it touches, that node's quads (properties and the edges among shared nodes). A node another
    document owns is not written."""
    from policykg.graph.stores.summaries import with_summaries

    m = m or load_mapping()
    sub = with_summaries(sub, doc, m)
    packed = _packed_by_source(sub, m)
    owned: list[Quad] = []
    shared: dict[str, list[Quad]] = {}
    terms = _terms(m)
    reached = _typed_by_edge(sub, m)
    for node in sub.nodes.values():
        if node.doc == doc:
            owned.extend(node_quads(node, m, packed.get(node.id), node.id in reached))
        elif node.doc is None:
            shared.setdefault(terms.node(node.id).value, []).extend(
                node_quads(node, m, packed.get(node.id), node.id in reached))
    for edge in sub.edges.values():
        if edge.doc is None and sub.nodes[edge.source].doc is None:
            shared.setdefault(terms.node(edge.source).value, []).extend(edge_quads(edge, m))
        else:
            owned.extend(edge_quads(edge, m))
    return owned, shared


__all__ = ["CodecError", "bind_values", "derive", "document_quads", "edge_quads", "graph_quads", "interop_quads", "literal",
           "node_quads", "parse_param", "plain", "quads_to_graph", "sparql_term", "to_term"]
