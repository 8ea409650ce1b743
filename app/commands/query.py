"""`policykg query`: list the canned queries, or run one on the chosen store."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen, warn_if_truncated
from policykg.app.output import FORMAT_OPTION, OutputFormat, print_rows
from policykg.graph.cascade.chain_tree import tree_rows
from policykg.queries.lookup import Lookup, check_before_store, task_references
from policykg.queries.registry import QueryError, Registry
from policykg.queries.runner import run

HELP = """List the canned queries, or run one by NAME on the store and print a table, CSV or JSON.

Without NAME, lists every query (built-in and your own) with its Chinese and English title and parameters (name* = required, name=default). With NAME, runs its SPARQL text on the RDF store or its Cypher text on Neo4j; both give the same rows. Values go in with -p/--param NAME=VALUE (repeatable), are checked against the query's declared types and bound by the store, never pasted into the text; a parameter left out takes its default. Your own queries (NAME.rq + NAME.cypher + NAME.yaml) live in --query-dir or POLICYKG_QUERY_DIR and show up beside the built-ins.

Example:

    policykg query

    policykg query top-departments -p level=provincial -p limit=10

    policykg query department-obligations -p department=江西省教育厅 -p with_units=true --format csv

    policykg query due-by -p date=2025-12-31 --neo4j bolt://localhost:7687 --format json

    policykg query task-chain -p task=001-51      # a tree by level: who has taken the task up, and who has not
"""


def _short(query) -> str:
    """Parameters at a glance: name* when required, name=default when it has one."""
    parts = []
    for p in query.parameters:
        default = str(p.default).lower() if isinstance(p.default, bool) else p.default
        parts.append(f"{p.name}*" if p.required else f"{p.name}={default}" if default is not None else p.name)
    return ", ".join(parts)


def _listing(registry: Registry) -> tuple[list[str], list[list[Any]]]:
    rows = [[q.name, q.title["zh"], q.title["en"], _short(q), "built-in" if q.builtin else str(q.source_dir)]
            for q in registry]
    return ["name", "title_zh", "title_en", "parameters", "source"], rows


def _parse_params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r} is not NAME=VALUE")
        params[name.strip()] = value
    return params


def _for_print(rows: list[list[Any]], fmt: OutputFormat) -> list[list[Any]]:
    """List cells (departments, targets) as one joined string for tables and CSV; JSON keeps the lists."""
    if fmt is OutputFormat.json:
        return rows
    return [["、".join(map(str, v)) if isinstance(v, list) else v for v in row] for row in rows]


def register(app: typer.Typer) -> None:
    @app.command("query", help=HELP)
    def query_command(
        name: Optional[str] = typer.Argument(None, help="Query to run; omit to list them all.", show_default=False),
        param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE for a declared parameter (repeatable)."),
        query_dir: Optional[Path] = typer.Option(
            None, "--query-dir", help="Folder of your own saved queries [env POLICYKG_QUERY_DIR]."),
        fmt: OutputFormat = FORMAT_OPTION,
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
    ) -> None:
        try:
            registry = Registry.load(query_dir)
            if name is None:
                print_rows(*_listing(registry), fmt)
                return
            query = registry.get(name)
            params = _parse_params(param)
            check_before_store(query, params)   # names and types, before any store is opened
        except QueryError as exc:
            typer.echo(f"policykg: {exc}", err=True)
            raise typer.Exit(2)
        target = open_chosen(store, neo4j, sparql, read_only=True)
        try:
            lookup = Lookup(target, registry)
            for pname, reference in task_references(query, params).items():   # 001-51, 鲁班工坊 -> the task's id
                params[pname], note = lookup.task(reference)
                typer.echo(f"policykg: {note}", err=True)
            result = run(query, target, params)
            if not result.rows:   # a name that matches nothing: say so and offer the closest, or read it as an id
                again, notes = lookup.explain_empty(query, params)
                for note in notes:
                    typer.echo(f"policykg: {note}", err=True)
                if again is not None:
                    result = run(query, target, again)
            tree = None
            if query.name == "task-chain":   # shown as the tree it is (rows in tree order for CSV and JSON)
                from policykg.app.chain_output import chain_tree

                tree = chain_tree(target, registry, params["task"], result.columns, result.rows,
                                  suggestions=True)
                result.rows = tree_rows(tree, result.columns, result.rows)
        except (QueryError, ValueError, RuntimeError) as exc:
            typer.echo(f"policykg: {name}: {exc}", err=True)
            raise typer.Exit(2)
        finally:
            target.close()
        if tree is not None and fmt is OutputFormat.table:
            from policykg.app.chain_output import print_tree

            print_tree(tree)
        else:
            print_rows(result.columns, _for_print(result.rows, fmt), fmt)
        warn_if_truncated(result)
