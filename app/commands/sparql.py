"""`policykg sparql`: run a read-only SPARQL query on the store and print a table, CSV or JSON."""
from __future__ import annotations

from typing import Optional

import typer

from policykg.app.commands.store_options import (SPARQL, STORE, named_params, open_chosen, query_text,
                                                 warn_if_truncated)
from policykg.app.output import FORMAT_OPTION, OutputFormat, print_rows
from policykg.graph.stores.rdf_codec import parse_param
from policykg.graph.stores.rdf_store import QuerySyntaxError, with_prefixes
from policykg.graph.stores.base import ReadOnlyViolation

HELP = """Run a read-only SPARQL query over all stored documents (one default graph: every document, the shared departments and the links).

QUERY is the query text, or @FILE to read it from a file. Updates (INSERT, DELETE, DROP, LOAD, ...) are refused. Values go in with -p/--param NAME=VALUE and are bound to ?NAME by the store, never pasted into the text: <...> is an IRI; 12, 3.5, true/false and 2025-12-31 are typed; "2025" (quoted) stays a string; anything else is a string. The prefixes pk, org, skos, dcterms, time, prov, odrl and eli are predeclared. The store keeps a lean form (README, "Stores"): targets and deadlines have no rdf:type (reach them through pk:hasTarget / pk:hasDeadline), and a task's departments' positions and mentions and its place in its file are one JSON literal, pk:edgeProperties.

Example:

    policykg sparql 'SELECT ?d (COUNT(?t) AS ?n) WHERE { ?d pk:hasTask ?t } GROUP BY ?d'

    policykg sparql 'SELECT ?text WHERE { ?t pk:text ?text ; pk:docId ?doc }' -p doc=003_7fdab2a4388eb7e7 -f csv

    policykg sparql 'SELECT ?t ?value ?unit WHERE { ?t pk:hasTarget ?g . ?g pk:value ?value ; pk:unit ?unit }'

    policykg sparql @my-query.rq --format json
"""


def register(app: typer.Typer) -> None:
    @app.command("sparql", help=HELP)
    def sparql_command(
        query: str = typer.Argument(..., help="SPARQL query text, or @FILE.", show_default=False),
        param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE bound to ?NAME (repeatable)."),
        fmt: OutputFormat = FORMAT_OPTION,
        store: Optional[str] = STORE,
        sparql: Optional[str] = SPARQL,
    ) -> None:
        text = query_text(query)
        params = named_params(param, parse_param)
        target = open_chosen(store, None, sparql, read_only=True)
        try:
            result = target.query(with_prefixes(text), params)
        except ReadOnlyViolation as exc:
            typer.echo(f"policykg: refused: {exc}", err=True)
            raise typer.Exit(2)
        except (QuerySyntaxError, ValueError, RuntimeError) as exc:
            typer.echo(f"policykg: {exc}", err=True)
            raise typer.Exit(2)
        finally:
            target.close()
        print_rows(result.columns, result.rows, fmt)
        warn_if_truncated(result)
