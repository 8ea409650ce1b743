"""The store-choosing options every store command shares: --store PATH | --neo4j URI | --sparql URL."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import typer

from policykg.core import settings
from policykg.graph.stores.registry import UnknownStore, choose_kind, open_store

STORE = typer.Option(None, "--store", help="Folder of the embedded Oxigraph store [env POLICYKG_STORE; default ./policykg-data].")
NEO4J = typer.Option(None, "--neo4j", help="Bolt URI of a Neo4j server instead (password from NEO4J_PASSWORD).")
SPARQL = typer.Option(None, "--sparql", help="URL of a SPARQL 1.1 endpoint instead (query URL; updates go to its /update).")


def open_chosen(store: Optional[str], neo4j: Optional[str], sparql: Optional[str], must_exist: bool = False,
                kind: Optional[str] = None, read_only: bool = False):
    """Open the store the options (else the settings) choose; a clear one-line error and exit 2 otherwise.

    ``kind`` forces one kind of store (``policykg cypher`` only talks to Neo4j).
    ``must_exist``: refuse an embedded store folder that holds no store, instead of creating an empty one and
    answering from it; only ``ingest`` creates a store.
    ``read_only``: commands that only read open the embedded store without its write lock, so an ingest (or the
    explorer's) can write beside them; implies ``must_exist``.
    """
    if sum(x is not None for x in (store, neo4j, sparql)) > 1:
        typer.echo("policykg: give only one of --store, --neo4j, --sparql", err=True)
        raise typer.Exit(2)
    if (must_exist or read_only) and choose_kind(kind, path=store, neo4j_uri=neo4j, sparql_endpoint=sparql) == "oxigraph":
        from policykg.graph.stores.rdf_store import OxigraphStore

        folder = Path(settings.get("store", store))
        if not OxigraphStore.exists(folder):
            typer.echo(f"policykg: no store at {folder.resolve()}: run `policykg ingest FILES --store {folder}` "
                       "to create one, or point --store (or POLICYKG_STORE) at an existing store", err=True)
            raise typer.Exit(2)
    try:
        return open_store(kind, path=store, neo4j_uri=neo4j, sparql_endpoint=sparql, read_only=read_only)
    except (UnknownStore, RuntimeError, OSError) as exc:
        typer.echo(f"policykg: {exc}", err=True)
        raise typer.Exit(2)


def query_text(query: str) -> str:
    """QUERY as given, or the content of FILE for @FILE; a clear error and exit 2 if it cannot be read."""
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"policykg: cannot read the query file {query[1:]}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2)


def named_params(items: list[str], parse: Callable[[str], Any], sigils: str = "?$") -> dict[str, Any]:
    """Repeated NAME=VALUE options as {name: parse(value)}; a leading ? or $ on the name is dropped."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.lstrip(sigils):
            typer.echo(f"policykg: --param {item!r} is not NAME=VALUE", err=True)
            raise typer.Exit(2)
        params[name.lstrip(sigils)] = parse(value)
    return params


def warn_if_truncated(result) -> None:
    """Say on stderr when a query had more rows than the row limit let through."""
    if getattr(result, "truncated", False):
        from policykg.graph.stores.base import QueryLimits

        typer.echo(f"policykg: {QueryLimits.from_settings().truncation_message()}", err=True)
