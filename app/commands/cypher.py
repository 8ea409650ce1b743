"""`policykg cypher`: run a read-only Cypher query on Neo4j and print a table, CSV or JSON."""
from __future__ import annotations

from typing import Optional

import typer

from policykg.app.commands.store_options import NEO4J, named_params, open_chosen, query_text, warn_if_truncated
from policykg.app.output import FORMAT_OPTION, OutputFormat, print_rows
from policykg.graph.stores.cypher_codec import parse_param
from policykg.graph.stores.base import ReadOnlyViolation

HELP = """Run a read-only Cypher query on the Neo4j store and print the rows.

QUERY is the query text, or @FILE to read it from a file. It runs in a READ transaction, so Neo4j itself refuses anything that writes (CREATE, MERGE, SET, DELETE, ...): the refusal is printed and the exit code is 2. Values go in with -p/--param NAME=VALUE and are bound to $NAME by the driver, never pasted into the text: 12, 3.5, true/false, null and 2025-12-31 (a date) are typed, [..] is a JSON list, "2025" (quoted) stays a string, anything else is a string.

The server is --neo4j URI or NEO4J_URI (bolt://, neo4j://, neo4j+s:// for Aura); the user and password come from NEO4J_USER / NEO4J_PASSWORD (environment or ./.env), the database from NEO4J_DATABASE.

Example:

    policykg cypher 'MATCH (d:Department)<-[:LEAD]-(t:Task) RETURN d.name AS department, count(t) AS tasks ORDER BY tasks DESC LIMIT 10' --neo4j bolt://localhost:7687

    policykg cypher 'MATCH (t:Task {doc_id: $doc}) RETURN t.task_no, t.text' -p doc=003_7fdab2a4388eb7e7 -f csv

    policykg cypher @my-query.cypher --format json
"""


def register(app: typer.Typer) -> None:
    @app.command("cypher", help=HELP)
    def cypher_command(
        query: str = typer.Argument(..., help="Cypher query text, or @FILE.", show_default=False),
        param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE bound to $NAME (repeatable)."),
        fmt: OutputFormat = FORMAT_OPTION,
        neo4j: Optional[str] = NEO4J,
    ) -> None:
        text = query_text(query)
        params = named_params(param, parse_param, sigils="$")
        target = open_chosen(None, neo4j, None, kind="neo4j")
        try:
            result = target.query(text, params)
        except ReadOnlyViolation as exc:
            typer.echo(f"policykg: refused: {exc}", err=True)
            raise typer.Exit(2)
        except (ValueError, RuntimeError) as exc:
            typer.echo(f"policykg: {exc}", err=True)
            raise typer.Exit(2)
        finally:
            target.close()
        print_rows(result.columns, result.rows, fmt)
        warn_if_truncated(result)
