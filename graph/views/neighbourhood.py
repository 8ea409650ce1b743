"""A node's neighbourhood read straight from the store, without loading the whole graph into memory.

At 100,000 tasks reading the whole store back (``GraphStore.load_graph``) takes minutes; a graph view needs a
few hundred nodes. For the embedded Oxigraph store this walks the quads around the centre breadth-first
(pyoxigraph's indexed pattern lookups, one per node visited), stops discovering once the cap is well exceeded,
then reads the chosen nodes' own quads and decodes them with the RDF codec, so the result is exactly what
``load_graph`` would have held for those nodes. The selection model (``subgraph.select``) then orders and caps
it as for any graph. Other stores return None and the caller selects from ``load_graph()``.
"""
from __future__ import annotations

from policykg.graph.views.subgraph import Selection, SelectedGraph, select

# discover this many times the cap before stopping: enough to choose the closest nodes and to say how big
# the neighbourhood is at least
_DISCOVERY_FACTOR = 4


def supports(store) -> bool:
    return getattr(store, "kind", None) == "oxigraph" and getattr(store, "_store", None) is not None


def fetch(store, selection: Selection) -> SelectedGraph | None:
    """The neighbourhood ``selection.center`` / ``depth`` / ``relation_types`` / ``max_nodes`` names, read
    from the store; None when this store cannot be walked (use ``select(store.load_graph(), selection)``)."""
    if not supports(store) or selection.center is None:
        return None
    from pyoxigraph import NamedNode

    from policykg.graph.stores.rdf_codec import quads_to_graph
    from policykg.ontology.mapping import load_mapping

    m = load_mapping()
    raw = store._store            # the embedded pyoxigraph Store: indexed lookups by subject and by object
    rels = {iri: spec.type for iri, spec in m.rel_by_predicate().items()}
    allowed = set(selection.relation_types) if selection.relation_types else None
    centre = NamedNode(m.node_iri(selection.center))
    if next(iter(raw.quads_for_pattern(centre, None, None, None)), None) is None:
        return None               # unknown here: let the caller say so from the whole graph

    limit = selection.max_nodes * _DISCOVERY_FACTOR
    order, seen, frontier = [centre], {centre.value}, [centre]
    complete = True
    for _ in range(selection.depth):
        nxt = []
        for node in frontier:
            for q in _around(raw, node):
                rel = rels.get(q.predicate.value)
                if rel is None or (allowed is not None and rel not in allowed):
                    continue
                other = q.object if q.subject == node else q.subject
                if other.value in seen:
                    continue
                seen.add(other.value)
                order.append(other)
                nxt.append(other)
                if len(order) >= limit:
                    complete = False
                    break
            if not complete:
                break
        if not complete:
            break
        frontier = nxt

    chosen = {n.value for n in order}
    quads = [q for n in order for q in raw.quads_for_pattern(n, None, None, None)
             if q.predicate.value not in rels or q.object.value in chosen]
    partial = quads_to_graph(_with_statements(raw, m, quads), m)
    result = select(partial, selection)
    if not complete:   # there is more than we looked at: say so, with what we know is the least
        result.cut = True
        result.total_nodes = max(result.total_nodes, len(order))
        result.total_at_least = True
    return result


def _around(raw, node):
    yield from raw.quads_for_pattern(node, None, None, None)
    yield from raw.quads_for_pattern(None, None, node, None)


def nodes_of_label(store, label: str):
    """Every node of one label with its properties (no edges), read by the label's class from the embedded
    store; None for other stores. Listing documents or departments this way costs one lookup per node, where
    an aggregate query over all tasks costs seconds at scale."""
    if not supports(store):
        return None
    from pyoxigraph import NamedNode

    from policykg.graph.stores.rdf_codec import quads_to_graph
    from policykg.ontology.mapping import RDF_TYPE, load_mapping

    m = load_mapping()
    raw = store._store
    subjects = {q.subject for q in raw.quads_for_pattern(None, NamedNode(RDF_TYPE),
                                                         NamedNode(m.nodes[label].class_iri), None)}
    rels = set(m.rel_by_predicate())
    quads = [q for s in subjects for q in raw.quads_for_pattern(s, None, None, None)
             if q.predicate.value not in rels]
    return list(quads_to_graph(quads, m).nodes_by_label(label))


# Relationship types that hang off a task: enough for the browse filters (document level and jurisdiction,
# deadlines) and for showing the task (departments, targets, measures, the tasks it implements and that
# implement it). A linked task from another document never changes which tasks a focus matches: a department's
# or function's tasks are all read already, and a document's tasks are its own HAS_TASK edges.
_TASK_CONTEXT = ("HAS_TASK", "HAS_MEASURE", "LEAD", "SUPPORT", "HAS_DEADLINE", "HAS_TARGET", "IMPLEMENTS")


def task_graph(store, selection: Selection):
    """The tasks a department / document / function focus names, with each task's context, read from the
    embedded store: ``graph.browse.find_tasks`` on it answers as on the whole graph. None when the store cannot
    be walked or the selection has no such focus (then every task is wanted: use the whole graph)."""
    if not supports(store) or not (selection.department or selection.document or selection.function):
        return None
    from pyoxigraph import NamedNode

    from policykg.graph.stores.rdf_codec import quads_to_graph
    from policykg.graph.views.subgraph import find_nodes
    from policykg.ontology.mapping import load_mapping

    m = load_mapping()
    raw = store._store
    rels = {iri: spec.type for iri, spec in m.rel_by_predicate().items()}
    by_type = {spec.type: iri for iri, spec in m.rel_by_predicate().items()}

    def ids(label: str, ref: str) -> list[str]:
        found = find_nodes(quads_to_graph(_typed(raw, m, label), m), ref, label)
        if not found:
            from policykg.graph.views.subgraph import SelectionError

            raise SelectionError(f"no {label} {ref!r} in the graph")
        return found

    def incoming(node: NamedNode, rel: str) -> list[NamedNode]:
        return [q.subject for q in raw.quads_for_pattern(None, NamedNode(by_type[rel]), node, None)]

    def outgoing(node: NamedNode, rel: str) -> list[NamedNode]:
        return [q.object for q in raw.quads_for_pattern(node, NamedNode(by_type[rel]), None, None)]

    task_sets: list[set[NamedNode]] = []
    start: list[NamedNode] = []
    if selection.department:
        depts = [NamedNode(m.node_iri(i)) for i in ids("Department", selection.department)]
        if selection.with_units:   # divisions and units, transitively
            queue = list(depts)
            while queue:
                for child in incoming(queue.pop(), "SUB_ORGANIZATION_OF"):
                    if child not in depts:
                        depts.append(child)
                        queue.append(child)
        start += depts
        task_sets.append({t for d in depts for rel in ("LEAD", "SUPPORT") for t in incoming(d, rel)})
    if selection.document:
        docs = [NamedNode(m.node_iri(i)) for i in ids("Document", selection.document)]
        start += docs
        own = {t for d in docs for t in outgoing(d, "HAS_TASK")}
        # a school's measures answer its document's rows: they are the document's too (graph.views.subgraph)
        task_sets.append(own | {m for t in own for m in outgoing(t, "HAS_MEASURE")})
    if selection.function:
        depts = [NamedNode(m.node_iri(n.id)) for n in nodes_of_label(store, "Department")
                 if n.props.get("function") == selection.function]
        start += depts
        task_sets.append({t for d in depts for rel in ("LEAD", "SUPPORT") for t in incoming(d, rel)})
    tasks = set.intersection(*task_sets)

    wanted = set(start) | tasks
    linked: set[NamedNode] = set()
    for t in tasks:
        for q in _around(raw, t):
            rel = rels.get(q.predicate.value)
            if rel in _TASK_CONTEXT:
                other = q.object if q.subject == t else q.subject
                wanted.add(other)
                if rel == "IMPLEMENTS":
                    linked.add(other)
    for node in linked:   # a linked task's document names it ("落实" lists cite documents)
        wanted.update(incoming(node, "HAS_TASK"))
    # a school measure's document is its task's: bring the task's HAS_TASK edge and document too
    for node in list(wanted):
        for parent in incoming(node, "HAS_MEASURE"):
            wanted.add(parent)
            wanted.update(incoming(parent, "HAS_TASK"))
    chosen = {n.value for n in wanted}
    quads = [q for n in wanted for q in raw.quads_for_pattern(n, None, None, None)
             if q.predicate.value not in rels or q.object.value in chosen]
    return quads_to_graph(_with_statements(raw, m, quads), m)


def _with_statements(raw, m, quads: list) -> list:
    """The quads plus the link nodes carrying their edges' properties (a cascade link's score and review flag;
    a department's position and mention travel with the task's own quads, in its packed edge properties)."""
    from pyoxigraph import NamedNode

    rels = m.rel_by_predicate()
    link_nodes = m.layout.link_nodes
    extra = []
    for q in quads:
        spec = rels.get(q.predicate.value)
        if spec is None or spec.type not in link_nodes:
            continue
        source, target = m.node_id(q.subject.value), m.node_id(q.object.value)
        if source is None or target is None:
            continue
        extra.extend(raw.quads_for_pattern(NamedNode(m.link_iri(source, spec.type, target)), None, None, None))
    return quads + extra


def _typed(raw, m, label: str):
    """The literal quads of every node of ``label`` (enough to find one by id, key, name or title)."""
    from pyoxigraph import NamedNode

    from policykg.ontology.mapping import RDF_TYPE

    rels = set(m.rel_by_predicate())
    for q in raw.quads_for_pattern(None, NamedNode(RDF_TYPE), NamedNode(m.nodes[label].class_iri), None):
        yield from (x for x in raw.quads_for_pattern(q.subject, None, None, None) if x.predicate.value not in rels)
