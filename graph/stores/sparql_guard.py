"""What a user's SPARQL query may reach: this store only. Decided on the parsed query, never on its text.

rdflib's SPARQL parser gives the query's syntax tree (the input of its algebra); a ``ServiceGraphPattern``
anywhere in it (in OPTIONAL, UNION, MINUS, EXISTS, a sub-query; with an IRI or a variable; SILENT or not) is a
federated query, and Oxigraph would send it to the named server: refused. So is a FROM / FROM NAMED graph
that is not one of this store's graphs, which a remote SPARQL server may fetch from the web. Comments,
strings and IRIs that merely contain the word SERVICE are not patterns and pass.
"""
from __future__ import annotations

from typing import Any, Iterator

from policykg.graph.stores.base import FederationRefused


def refuse_federation(tree: Any, graph_prefix: str) -> None:
    """Raise FederationRefused if the parsed query (rdflib ``parseQuery`` output) reaches outside the store.

    ``graph_prefix``: the IRI every graph of this store starts with (FROM graphs must be ours).
    """
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            raise FederationRefused(
                f"SERVICE {_show(term)} is refused: a query may only read this store, never ask another server "
                "(federated queries are switched off)")
        if node.name == "DatasetClause":
            iri = node.get("default") if node.get("default") is not None else node.get("named")
            if iri is not None and not str(iri).startswith(graph_prefix):
                raise FederationRefused(
                    f"FROM {_show(iri)} is refused: it names no graph of this store (a server might fetch it "
                    f"from the web); this store's graphs start with <{graph_prefix}>")


def _nodes(tree: Any) -> Iterator[Any]:
    """Every CompValue in the tree, depth first (iteratively: a deep query cannot exhaust the stack)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or hasattr(item, "asList"):
            stack.extend(item)


def _show(term: Any) -> str:
    """An IRI, variable or prefixed name as written (a prefixed name is still a syntax-tree node here)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Node

    if term is None:
        return "?"
    if isinstance(term, CompValue):
        text = f"{term.get('prefix') or ''}:{term.get('localname') or ''}"
    else:
        text = term.n3() if isinstance(term, Node) else str(term)
    return text if len(text) <= 120 else text[:117] + "..."
