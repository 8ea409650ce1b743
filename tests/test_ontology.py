"""The OWL ontology declares every term the mapping writes, each with a Chinese and an English label."""
from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from policykg.ontology.mapping import load_mapping, ontology_text, parse_mapping

DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, URIRef(
    "http://www.w3.org/2004/02/skos/core#ConceptScheme")}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=ontology_text("policykg.ttl"), format="turtle")


def _written_terms() -> dict[str, str]:
    """Every IRI the RDF store can write as a class or predicate, from the mapping and its RDF extras."""
    m = load_mapping()
    terms = m.all_terms()
    x = m.extras
    for n in m.nodes.values():
        for c in n.also_classes:
            terms[c] = f"extra class of {n.label}"
    for r in m.relationships.values():
        for p in r.also_predicates:
            terms[p] = f"extra predicate of {r.type}"
    if x.derived_from:
        terms[x.derived_from] = "provenance link"
    for label, scheme in x.in_scheme.items():
        terms[scheme] = f"concept scheme of {label}"
    for label, kinds in x.class_by_kind.items():
        for kind, c in kinds.items():
            terms[c] = f"class of {label} kind {kind}"
    time = "http://www.w3.org/2006/time#"
    terms.update({time + "hasBeginning": "interval", time + "hasEnd": "interval", time + "inXSDDate": "instant"})
    lay = m.layout
    terms[lay.packed_iri] = "packed edge properties"
    for label, spec in m.summary_nodes.items():
        terms[spec.class_iri] = f"summary {label}"
        terms.update({p.iri: f"summary {label}.{p.name}" for p in spec.properties.values()})
    for label, props in m.summary_props.items():
        terms.update({p.iri: f"summary value {label}.{p.name}" for p in props.values()})
    terms.update({r.iri: f"summary relationship {r.type}" for r in m.summary_rels.values()})
    for rel, spec in lay.link_nodes.items():
        terms.update({spec.class_iri: f"link node of {rel}", spec.from_iri: f"link node of {rel}",
                      spec.to_iri: f"link node of {rel}"})
    return terms


def _labels(g: Graph, iri: str) -> dict[str, str]:
    return {lit.language: str(lit) for lit in g.objects(URIRef(iri), RDFS.label) if getattr(lit, "language", None)}


def test_every_mapped_term_is_declared_with_zh_and_en_labels(ontology):
    missing = []
    for iri, use in sorted(_written_terms().items()):
        declared = set(ontology.objects(URIRef(iri), RDF.type)) & DECLARATIONS
        labels = _labels(ontology, iri)
        if not declared or not {"zh", "en"} <= set(labels):
            missing.append(f"{iri} ({use}): declared={bool(declared)} labels={sorted(labels)}")
    assert not missing, "\n".join(missing)


def test_every_own_term_has_both_labels(ontology):
    pk = load_mapping().prefixes["pk"]
    own = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(pk)}
    assert len(own) > 40
    unlabeled = [str(s) for s in own if not {"zh", "en"} <= set(_labels(ontology, str(s)))]
    assert not unlabeled


def test_alignments_with_legal_data_standards(ontology):
    m = load_mapping()
    pk, odrl, eli = (m.prefixes[p] for p in ("pk", "odrl", "eli"))
    assert (URIRef(pk + "Task"), RDFS.subClassOf, URIRef(odrl + "Duty")) in ontology
    assert (URIRef(pk + "Document"), RDFS.subClassOf, URIRef(eli + "LegalResource")) in ontology
    assert (URIRef(pk + "lead"), RDFS.subPropertyOf, URIRef(odrl + "assignee")) in ontology
    assert m.relationships["LEAD"].also_predicates == (odrl + "assignee",)


def test_mapping_is_typed_and_consistent():
    m = load_mapping()
    assert m is load_mapping()  # cached
    assert m.nodes["Department"].class_iri == "http://www.w3.org/ns/org#Organization"
    assert m.nodes["Document"].properties["document_numbers"].many
    assert m.relationships["LEAD"].properties["position"].type == "integer"
    assert set(m.shared_labels) == {"Department", "Function", "Jurisdiction"}
    assert {r.type for r in m.shared_rels()} == {"SUB_ORGANIZATION_OF", "HAS_FUNCTION", "IN_JURISDICTION"}


@pytest.mark.parametrize("node_id", ["task/000_e0bd/12", "dept/省教育厅", "dept/a b<c>%20\"{}|^`\\", "jurisdiction/辽宁省"])
def test_node_iris_round_trip(node_id):
    m = load_mapping()
    iri = m.node_iri(node_id)
    assert not any(ch in iri for ch in ' <>"{}|^`\\')
    assert m.node_id(iri) == node_id
    assert m.node_id("http://example.org/other") is None


def test_bad_mapping_is_refused_with_a_reason():
    base = {"base": "https://x/", "prefixes": {"pk": "https://x#"}, "relationships": {}}
    with pytest.raises(ValueError, match="A.p has type 'text'"):
        parse_mapping({**base, "nodes": {"A": {"class": "pk:A", "properties": {"p": {"predicate": "pk:p", "type": "text"}}}}})
    with pytest.raises(ValueError, match="declared prefix"):
        parse_mapping({**base, "nodes": {"A": {"class": "zz:A"}}})
    with pytest.raises(ValueError, match="unknown labels"):
        parse_mapping({**base, "nodes": {"A": {"class": "pk:A"}},
                       "relationships": {"R": {"predicate": "pk:r", "from": "A", "to": "B"}}})
    props = {"p": {"predicate": "pk:p", "type": "string-list"}, "q": {"predicate": "pk:q", "type": "string"}}
    nodes = {"A": {"class": "pk:A", "properties": props}}
    with pytest.raises(ValueError, match=r"packed_properties takes single values only, not \['A.p'\]"):
        parse_mapping({**base, "nodes": nodes, "rdf": {"packed_properties": {"A": ["q", "p"]}}})
    with pytest.raises(ValueError, match="rdf.packed_properties.A names an unknown label or property"):
        parse_mapping({**base, "nodes": nodes, "rdf": {"packed_properties": {"A": ["r"]}}})
    with pytest.raises(ValueError, match="may not be called 'node'"):
        parse_mapping({**base, "nodes": nodes, "relationships": {"node": {"predicate": "pk:r", "from": "A", "to": "A"}},
                       "rdf": {"packed_properties": {"A": ["q"]}}})
