"""Typed access to ``mapping.yaml``: the one place the stores learn the schema (labels, rel types, predicates).

``load_mapping()`` is cached; everything else (IRIs of nodes and named graphs, predicate lookups in both
directions) is derived from it here so that no store hard-codes a term.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

import yaml

PROPERTY_TYPES = ("string", "integer", "decimal", "boolean", "date", "string-list")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Characters that may not appear raw in an IRI (RFC 3987) plus '%' itself, so quoting is exactly reversible.
_IRI_UNSAFE = frozenset(chr(c) for c in range(0x21)) | frozenset('<>"{}|\\^`% \x7f')


_IRI_UNSAFE_RE = re.compile("[" + re.escape("".join(sorted(_IRI_UNSAFE))) + "]")


def quote(text: str) -> str:
    """Percent-encode what an IRI may not hold raw; Chinese stays readable (IRIs allow it)."""
    if _IRI_UNSAFE_RE.search(text) is None:      # the usual case, and the write path's hot spot
        return text
    return "".join("".join(f"%{b:02X}" for b in ch.encode()) if ch in _IRI_UNSAFE else ch for ch in text)


@dataclass(frozen=True)
class PropertySpec:
    name: str
    predicate: str          # CURIE as written in the mapping, e.g. dcterms:title
    iri: str                # expanded
    type: str               # one of PROPERTY_TYPES
    default: Any = None     # what a node without a value has (read back as it by both stores)

    @property
    def many(self) -> bool:
        return self.type == "string-list"


@dataclass(frozen=True)
class NodeSpec:
    label: str
    class_curie: str
    class_iri: str
    properties: dict[str, PropertySpec]
    shared: bool = False                      # one node for all documents (departments, functions, ...)
    also_classes: tuple[str, ...] = ()        # extra rdf:type IRIs written for interoperability (ELI, ODRL)

    def by_predicate(self) -> dict[str, PropertySpec]:
        return {p.iri: p for p in self.properties.values()}


@dataclass(frozen=True)
class RelSpec:
    type: str
    predicate: str
    iri: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    also_predicates: tuple[str, ...] = ()     # e.g. odrl:assignee next to pk:lead


@dataclass(frozen=True)
class IntervalSpec:
    """A node written as an OWL-Time interval: its date properties become time:Instant ends."""

    label: str
    beginning: str | None     # property name whose value is the time:hasBeginning instant
    end: str | None


@dataclass(frozen=True)
class LinkNodeSpec:
    """A relationship whose properties sit on a small node of their own: ``L from S ; to T ; <properties>``."""

    class_iri: str
    from_iri: str
    to_iri: str


DERIVATIONS = ("owner", "year-of-end", "row-in-location", "start-plus-text")
PACKED_NODE = "node"      # the key of a node's own packed properties in its packed literal (beside relationship types)


@dataclass(frozen=True)
class RdfLayout:
    """How the RDF store writes the graph (``rdf:`` in mapping.yaml): what it stores and what it derives."""

    contains: tuple[str, ...]                   # relationship types that make up a document (its boundary)
    links: tuple[str, ...]                      # cross-document relationship types, rebuilt by the linker
    packed: tuple[str, ...]                     # relationship types whose properties are packed on the source
    packed_iri: str                             # the predicate of the packed JSON literal
    packed_properties: dict[str, tuple[str, ...]]   # label -> node properties packed into it (under PACKED_NODE)
    link_nodes: dict[str, LinkNodeSpec]         # relationship type -> its link node
    derived: dict[str, dict[str, str]]          # label -> property -> derivation (DERIVATIONS)
    typed_by: dict[str, str]                    # label -> relationship type whose range types it


@dataclass(frozen=True)
class RdfExtras:
    """The vocabulary alignment RDF exports write out (``export:`` in mapping.yaml); never stored."""

    derived_from: str | None                 # prov:wasDerivedFrom from owned nodes to their document
    provenance_labels: tuple[str, ...]
    intervals: dict[str, IntervalSpec]
    in_scheme: dict[str, str]                 # label -> concept scheme IRI (skos:inScheme)
    class_by_kind: dict[str, dict[str, str]]  # label -> property value of "kind" -> extra class IRI


@dataclass(frozen=True)
class Mapping:
    base: str
    prefixes: dict[str, str]
    nodes: dict[str, NodeSpec]
    relationships: dict[str, RelSpec]
    extras: RdfExtras
    layout: RdfLayout
    summary_nodes: dict[str, NodeSpec] = field(default_factory=dict)     # summaries: (graph/stores/summaries.py)
    summary_rels: dict[str, RelSpec] = field(default_factory=dict)
    summary_props: dict[str, dict[str, PropertySpec]] = field(default_factory=dict)   # label -> on graph nodes

    # -- IRIs -----------------------------------------------------------------------------------------
    def expand(self, curie: str) -> str:
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.prefixes:
            raise ValueError(f"mapping.yaml: {curie!r} does not use a declared prefix ({', '.join(self.prefixes)})")
        return self.prefixes[prefix] + local

    def node_iri(self, node_id: str) -> str:
        return self.base + quote(node_id)

    def node_id(self, iri: str) -> str | None:
        """The node id of one of our IRIs, or None for a foreign IRI."""
        return unquote(iri[len(self.base):]) if iri.startswith(self.base) else None

    def link_iri(self, source: str, rel_type: str, target: str) -> str:
        """Deterministic IRI of the link node that carries a relationship's properties (``edge_properties``)."""
        import hashlib

        digest = hashlib.sha256(f"{source}\x1f{rel_type}\x1f{target}".encode()).hexdigest()[:24]
        return self.base + "link/" + digest

    # -- what the stores write: the graph and its summaries ----------------------------------------------------
    def written_node(self, label: str) -> NodeSpec | None:
        """A label's spec as the stores write it: a graph label with its summary properties, or a summary label."""
        if label in self.summary_nodes:
            return self.summary_nodes[label]
        spec = self.nodes.get(label)
        if spec is None or label not in self.summary_props:
            return spec
        return NodeSpec(spec.label, spec.class_curie, spec.class_iri, {**spec.properties, **self.summary_props[label]},
                        spec.shared, spec.also_classes)

    def written_rel(self, rel_type: str) -> RelSpec | None:
        return self.relationships.get(rel_type) or self.summary_rels.get(rel_type)

    def summary_predicates(self) -> frozenset[str]:
        """The predicates only summaries use (what to leave out to see the graph alone)."""
        graph = {p.iri for n in self.nodes.values() for p in n.properties.values()} | set(self.rel_by_predicate())
        out = {p.iri for n in self.summary_nodes.values() for p in n.properties.values()}
        out |= {p.iri for props in self.summary_props.values() for p in props.values()}
        out |= {r.iri for r in self.summary_rels.values()}
        return frozenset(out - graph)

    # -- lookups ---------------------------------------------------------------------------------------
    def label_of_class(self) -> dict[str, str]:
        return {n.class_iri: n.label for n in self.nodes.values()}

    def rel_by_predicate(self) -> dict[str, RelSpec]:
        return {r.iri: r for r in self.relationships.values()}

    @property
    def shared_labels(self) -> tuple[str, ...]:
        return tuple(n.label for n in self.nodes.values() if n.shared)

    def shared_rels(self) -> tuple[RelSpec, ...]:
        """Relationships between shared nodes only (a department's parent, function, jurisdiction)."""
        shared = set(self.shared_labels)
        return tuple(r for r in self.relationships.values()
                     if set(r.from_labels) <= shared and set(r.to_labels) <= shared)

    def all_terms(self) -> dict[str, str]:
        """Every class and predicate IRI the mapping uses, with what uses it (for the ontology test)."""
        out: dict[str, str] = {}
        for n in self.nodes.values():
            out[n.class_iri] = f"class of {n.label}"
            for p in n.properties.values():
                out[p.iri] = f"property {n.label}.{p.name}"
        for r in self.relationships.values():
            out[r.iri] = f"relationship {r.type}"
            for p in r.properties.values():
                out[p.iri] = f"property {r.type}.{p.name}"
        return out


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _properties(owner: str, raw: dict | None, expand) -> dict[str, PropertySpec]:
    out = {}
    for name, spec in (raw or {}).items():
        if spec.get("type") not in PROPERTY_TYPES:
            raise ValueError(f"mapping.yaml: {owner}.{name} has type {spec.get('type')!r}; expected one of {PROPERTY_TYPES}")
        out[name] = PropertySpec(name, spec["predicate"], expand(spec["predicate"]), spec["type"], spec.get("default"))
    predicates = [p.iri for p in out.values()]
    if len(set(predicates)) != len(predicates):
        raise ValueError(f"mapping.yaml: {owner} uses one predicate for two properties")
    return out


def parse_mapping(data: dict) -> Mapping:
    prefixes = dict(data["prefixes"])
    stub = Mapping(data["base"], prefixes, {}, {}, RdfExtras(None, (), {}, {}, {}),
                   RdfLayout((), (), (), "", {}, {}, {}, {}))
    expand = stub.expand
    layout_data = data.get("rdf") or {}
    rdf = data.get("export") or {}
    shared = set(layout_data.get("shared_labels") or ())
    also = rdf.get("also_types") or {}
    nodes = {
        label: NodeSpec(label, spec["class"], expand(spec["class"]), _properties(label, spec.get("properties"), expand),
                        shared=label in shared, also_classes=tuple(expand(c) for c in _as_tuple(also.get(label))))
        for label, spec in data["nodes"].items()
    }
    also_p = rdf.get("also_predicates") or {}
    rels = {}
    for rel_type, spec in data["relationships"].items():
        ends = _as_tuple(spec["from"]) + _as_tuple(spec["to"])
        unknown = [e for e in ends if e not in nodes]
        if unknown:
            raise ValueError(f"mapping.yaml: relationship {rel_type} names unknown labels {unknown}")
        rels[rel_type] = RelSpec(rel_type, spec["predicate"], expand(spec["predicate"]), _as_tuple(spec["from"]),
                                 _as_tuple(spec["to"]), _properties(rel_type, spec.get("properties"), expand),
                                 tuple(expand(p) for p in _as_tuple(also_p.get(rel_type))))
    classes = [n.class_iri for n in nodes.values()]
    if len(set(classes)) != len(classes):
        raise ValueError("mapping.yaml: two labels share one class")
    rel_iris = {r.iri for r in rels.values()}
    clash = rel_iris & {p.iri for n in nodes.values() for p in n.properties.values()}
    if clash or len(rel_iris) != len(rels):
        raise ValueError(f"mapping.yaml: predicates used twice across relationships/properties: {sorted(clash)}")
    intervals = {
        label: IntervalSpec(label, spec.get("beginning"), spec.get("end"))
        for label, spec in (rdf.get("intervals") or {}).items()
    }
    extras = RdfExtras(
        derived_from=expand(rdf["derived_from"]) if rdf.get("derived_from") else None,
        provenance_labels=tuple(rdf.get("provenance_labels") or ()),
        intervals=intervals,
        in_scheme={label: expand(s) for label, s in (rdf.get("in_scheme") or {}).items()},
        class_by_kind={label: {k: expand(c) for k, c in kinds.items()}
                       for label, kinds in (rdf.get("class_by_kind") or {}).items()},
    )
    mapping = Mapping(data["base"], prefixes, nodes, rels, extras, _layout(layout_data, nodes, rels, expand))
    _summaries(mapping, data.get("summaries") or {}, expand)
    return mapping


def _summaries(m: Mapping, data: dict, expand) -> None:
    for label, props in (data.get("properties") or {}).items():
        if label not in m.nodes:
            raise ValueError(f"mapping.yaml: summaries.properties names unknown label {label!r}")
        specs = _properties(f"summary of {label}", props, expand)
        clash = set(specs) & set(m.nodes[label].properties)
        if clash:
            raise ValueError(f"mapping.yaml: summaries.properties.{label} redeclares {sorted(clash)}")
        m.summary_props[label] = specs
    for label, spec in (data.get("nodes") or {}).items():
        if label in m.nodes:
            raise ValueError(f"mapping.yaml: summary label {label!r} is a graph label too")
        m.summary_nodes[label] = NodeSpec(label, spec["class"], expand(spec["class"]),
                                          _properties(label, spec.get("properties"), expand))
    for rel_type, spec in (data.get("relationships") or {}).items():
        ends = _as_tuple(spec["from"]) + _as_tuple(spec["to"])
        if rel_type in m.relationships or any(e not in m.nodes and e not in m.summary_nodes for e in ends):
            raise ValueError(f"mapping.yaml: summary relationship {rel_type} clashes or names unknown labels")
        m.summary_rels[rel_type] = RelSpec(rel_type, spec["predicate"], expand(spec["predicate"]),
                                           _as_tuple(spec["from"]), _as_tuple(spec["to"]))


def _layout(data: dict, nodes: dict[str, NodeSpec], rels: dict[str, RelSpec], expand) -> RdfLayout:
    def rel_types(key: str, given) -> tuple[str, ...]:
        unknown = [r for r in given if r not in rels]
        if unknown:
            raise ValueError(f"mapping.yaml: rdf.{key} names unknown relationships {unknown}")
        return tuple(given)

    packed, link_nodes = [], {}
    for rel_type, how in (data.get("edge_properties") or {}).items():
        rel_types("edge_properties", [rel_type])
        if how == "packed":
            packed.append(rel_type)
        elif isinstance(how, dict) and {"node", "from", "to"} <= set(how):
            link_nodes[rel_type] = LinkNodeSpec(expand(how["node"]), expand(how["from"]), expand(how["to"]))
        else:
            raise ValueError(f"mapping.yaml: rdf.edge_properties.{rel_type} is 'packed' or {{node, from, to}}")
    bare = [r.type for r in rels.values() if r.properties and r.type not in packed and r.type not in link_nodes]
    if bare:
        raise ValueError(f"mapping.yaml: rdf.edge_properties does not say how to write the properties of {bare}")

    def per_label(key: str) -> dict[str, Any]:
        """label -> the properties (a mapping or a list of names) ``rdf.<key>`` gives it, checked."""
        out = {}
        for label, props in (data.get(key) or {}).items():
            if label not in nodes or any(p not in nodes[label].properties for p in props):
                raise ValueError(f"mapping.yaml: rdf.{key}.{label} names an unknown label or property")
            out[label] = props
        return out

    derived = {label: dict(props) for label, props in per_label("derived").items()}
    for label, props in derived.items():
        for prop, how in props.items():
            if how not in DERIVATIONS:
                raise ValueError(f"mapping.yaml: rdf.derived.{label}.{prop}: {how!r} is not one of {DERIVATIONS}")
    packed_properties = {label: tuple(props) for label, props in per_label("packed_properties").items()}
    listed = [f"{label}.{p}" for label, props in packed_properties.items() for p in props
              if nodes[label].properties[p].many]
    if listed:
        raise ValueError(f"mapping.yaml: rdf.packed_properties takes single values only, not {listed}")
    if PACKED_NODE in rels:
        raise ValueError(f"mapping.yaml: a relationship may not be called {PACKED_NODE!r} (the packed literal's key "
                         "for node properties)")
    typed_by = dict(data.get("typed_by") or {})
    for label, rel_type in typed_by.items():
        if label not in nodes or rel_type not in rels or rels[rel_type].to_labels != (label,):
            raise ValueError(f"mapping.yaml: rdf.typed_by.{label}: {rel_type} must lead to {label} only")
    return RdfLayout(
        contains=rel_types("contains", data.get("contains") or ()),
        links=rel_types("links", data.get("links") or ()),
        packed=tuple(packed),
        packed_iri=expand(data.get("packed_predicate", "pk:edgeProperties")),
        packed_properties=packed_properties,
        link_nodes=link_nodes,
        derived=derived,
        typed_by=typed_by,
    )


@lru_cache(maxsize=1)
def load_mapping() -> Mapping:
    text = resources.files("policykg.ontology").joinpath("mapping.yaml").read_text(encoding="utf-8")
    return parse_mapping(yaml.safe_load(text))


def ontology_text(name: str = "policykg.ttl") -> str:
    """The Turtle of the ontology (``policykg.ttl``) or the SHACL shapes (``shapes.ttl``)."""
    return resources.files("policykg.ontology").joinpath(name).read_text(encoding="utf-8")
