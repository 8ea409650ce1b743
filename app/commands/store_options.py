"""The store-choosing options every store command shares: --store PATH | --neo4j URI | --sparql URL."""
from __future__ import annotations

from typing import Optional

import typer

from policykg.graph.stores import UnknownStore, open_store

STORE = typer.Option(None, "--store", help="Folder of the embedded Oxigraph store [env POLICYKG_STORE; default ./policykg-data].")
NEO4J = typer.Option(None, "--neo4j", help="Bolt URI of a Neo4j server instead (password from NEO4J_PASSWORD).")
SPARQL = typer.Option(None, "--sparql", help="URL of a SPARQL 1.1 endpoint instead (query URL; updates go to its /update).")


def open_chosen(store: Optional[str], neo4j: Optional[str], sparql: Optional[str]):
    """Open the store the options (else the settings) choose; a clear one-line error and exit 2 otherwise."""
    if sum(x is not None for x in (store, neo4j, sparql)) > 1:
        typer.echo("policykg: give only one of --store, --neo4j, --sparql", err=True)
        raise typer.Exit(2)
    try:
        return open_store(path=store, neo4j_uri=neo4j, sparql_endpoint=sparql)
    except (UnknownStore, RuntimeError, OSError) as exc:
        typer.echo(f"policykg: {exc}", err=True)
        raise typer.Exit(2)
