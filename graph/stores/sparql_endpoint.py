"""A remote SPARQL 1.1 endpoint as the graph store (SPARQL 1.1 Protocol over HTTP, standard library only).

Each document is written in one update request (see rdf_store.SparqlGraphStore), into the server's default
graph, where queries read it. Query parameters travel as VALUES blocks of escaped RDF terms, never as formatted
text: one at the start of the query's WHERE group (``bind_values``) and one in each group nested in it that
mentions the parameter (``bind_nested``: UNION branches, OPTIONAL, MINUS and EXISTS groups, subqueries that
project it), as the embedded store's substitution binds it.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable

from pyoxigraph import Quad, QueryResultsFormat, RdfFormat, Variable, parse, parse_query_results

from policykg.core import settings
from policykg.graph.stores.sparql_bind import bind_everywhere
from policykg.graph.stores.rdf_store import SparqlGraphStore, StoreError, check_read_only, result_of
from policykg.graph.stores.base import QueryLimits, QueryResult, QueryTimeout
from policykg.ontology.mapping import Mapping

class SparqlEndpointStore(SparqlGraphStore):
    kind = "sparql"

    def __init__(self, endpoint: str | None = None, update_endpoint: str | None = None,
                 mapping: Mapping | None = None, timeout: float = 60.0) -> None:
        super().__init__(mapping)
        self.endpoint = settings.get("sparql_endpoint", endpoint)
        if not self.endpoint:
            raise StoreError("no SPARQL endpoint given: use --sparql URL or set POLICYKG_SPARQL_ENDPOINT")
        self.update_endpoint = settings.get("sparql_update_endpoint", update_endpoint) or _update_url(self.endpoint)
        self.timeout = timeout
        self.description = f"SPARQL endpoint {self.endpoint}"

    # -- HTTP -------------------------------------------------------------------------------------------
    def _post(self, url: str, form: list[tuple[str, str]] | str, accept: str,
              limits: QueryLimits | None = None) -> tuple[bytes, str]:
        """POST a form, or (a str) an update as the body with the protocol's application/sparql-update type.
        ``limits``: a user's query, given up (QueryTimeout) at its time limit."""
        timeout = limits.timeout_s if limits is not None and limits.timeout_s > 0 else self.timeout
        if isinstance(form, str):
            body, ctype = form.encode("utf-8"), "application/sparql-update; charset=utf-8"
        else:
            body, ctype = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded; charset=utf-8"
        req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise StoreError(f"SPARQL endpoint {url} answered {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            if limits is not None and TimeoutError in (type(exc), type(getattr(exc, "reason", None))):
                raise QueryTimeout(limits.timeout_message()) from None
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {getattr(exc, 'reason', exc)}") from None

    def _update(self, text: str) -> None:
        self._post(self.update_endpoint, text, "*/*")

    def _select(self, text: str, params: dict[str, Any] | None = None,
                limits: QueryLimits | None = None) -> QueryResult:
        form = [("query", bind_everywhere(text, params or {}))]
        data, ctype = self._post(self.endpoint, form,
                                 "application/sparql-results+json, application/n-triples;q=0.9", limits)
        if "json" in ctype:
            return result_of(parse_query_results(data, format=QueryResultsFormat.JSON),
                             limits.max_rows if limits is not None else None)
        triples = list(parse(data, format=RdfFormat.N_TRIPLES))
        from policykg.graph.stores.rdf_codec import plain

        return QueryResult(["subject", "predicate", "object"],
                           [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in triples])

    # -- the store interface ------------------------------------------------------------------------------
    def query(self, text: str, params: dict[str, Any] | None = None, binding: str = "substitution") -> QueryResult:
        check_read_only(text)   # the values always travel as VALUES blocks here, whatever ``binding`` says
        result = self._select(text, params, limits=(limits := QueryLimits.from_settings()))
        if len(result.rows) > limits.max_rows:   # a CONSTRUCT's triples
            return QueryResult(result.columns, result.rows[:limits.max_rows], truncated=True)
        return result

    def quads(self) -> Iterable[Quad]:
        data, _ = self._post(self.endpoint, [("query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")],
                             "application/sparql-results+json")
        s, p, o = (Variable(v) for v in "spo")
        return list(self._without_state(Quad(sol[s], sol[p], sol[o])
                                        for sol in parse_query_results(data, format=QueryResultsFormat.JSON)))

    def clear(self) -> None:
        """Remove every graph this store wrote (tests start from an empty dataset)."""
        self._update("DROP ALL")

    def ping(self) -> bool:
        try:
            self._select("ASK { }")
            return True
        except StoreError:
            return False


def _update_url(endpoint: str) -> str:
    """Fuseki-style /query or /sparql endpoints take updates at /update; others at the same URL."""
    for suffix in ("/query", "/sparql"):
        if endpoint.endswith(suffix):
            return endpoint[: -len(suffix)] + "/update"
    return endpoint


__all__ = ["SparqlEndpointStore"]
