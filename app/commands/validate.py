"""`policykg validate`: check the stored graph against the SHACL shapes and print what it holds."""
from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console

from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.app.commands.unplaced import unplaced_documents, unplaced_lines
from policykg.graph.cascade import linker as cascade
from policykg.graph.stores.rdf_validate import validate_store

HELP = """Validate the stored graph against the SHACL shapes (ontology/shapes.ttl, run with pyshacl) and print the counts of documents, tasks, departments, targets and deadlines.

Each violation is printed on one line (focus node, property path, message); the exit code is 1 if there is any. The last line says whether the cascade links are current: "pending" or "stale" (exit code 1) when documents were added or changed after the last completed link run (an ingest stopped before linking, or ran with --no-link) or the links in the store are not those that run wrote; `policykg link` brings them up to date. The counts are those `policykg extract` reports for the same files ("departments" counts distinct responsible departments; parents known only through a division are counted separately).

After the counts, the documents whose level or jurisdiction stayed unknown (neither their text nor a manifest gave it) are listed with what it costs: their tasks are not linked to or from other levels.

Example:

    policykg validate

    policykg validate --store ./kg --max 50
"""


def register(app: typer.Typer) -> None:
    @app.command("validate", help=HELP)
    def validate_command(
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
        limit: int = typer.Option(100, "--max", help="Print at most this many violations."),
    ) -> None:
        out = Console(highlight=False, soft_wrap=True)
        target = open_chosen(store, neo4j, sparql, read_only=True)
        try:
            report = validate_store(target)
            links = cascade.link_status(target, count_links=True)
            unplaced = unplaced_documents(target)
        finally:
            target.close()
        for violation in report.violations[:limit]:
            out.print(str(violation), markup=False)
        if len(report.violations) > limit:
            out.print(f"... and {len(report.violations) - limit} more", markup=False)
        for name, n in report.counts.items():
            out.print(f"{name}: {n}", markup=False)
        out.print(f"documents without level or jurisdiction: {len(unplaced)}", markup=False)
        for line in unplaced_lines(unplaced):
            out.print(f"  {line}", markup=False)
        out.print(f"SHACL violations: {len(report.violations)}", markup=False)
        out.print(f"links: {links.message}", markup=False)
        if not report.conforms or not links.current:
            raise typer.Exit(1)
