"""`policykg ingest`: extract, resolve and write task lists into the graph store, one document at a time."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.graph import cascade
from policykg.graph.build import BuildError, build
from policykg.graph.pipeline import process_file
from policykg.loaders import LoaderError, iter_input_files, load_manifest

HELP = """Extract, resolve and store task lists: each file becomes one document's subgraph in the store.

Ingest is idempotent: a file whose content (SHA-256) is already stored is "unchanged"; a changed file replaces that document's facts and touches no other document; a file that fails leaves the store as it was. Each file's outcome is printed (added / replaced / unchanged / failed with the reason); the exit code is 1 if any file failed.

The store is the embedded Oxigraph folder (--store, POLICYKG_STORE, default ./policykg-data), or --neo4j URI, or --sparql URL.

Example:

    policykg ingest examples/

    policykg ingest lists/ more.docx --store ./kg --manifest meta.yaml

    policykg ingest examples/ --sparql http://localhost:3030/ds/query

    NEO4J_PASSWORD=secret policykg ingest examples/ --neo4j bolt://localhost:7687
"""


def register(app: typer.Typer) -> None:
    @app.command("ingest", help=HELP)
    def ingest_command(
        paths: list[Path] = typer.Argument(..., help="Files or folders of task lists (.txt, .docx).", show_default=False),
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
        manifest: Optional[Path] = typer.Option(None, "--manifest", "-m", help="YAML manifest of document metadata."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary line."),
        no_link: bool = typer.Option(False, "--no-link", help="Do not link tasks to the higher-level tasks they implement (see `policykg link`)."),
    ) -> None:
        # one line per file, never wrapped: the outcome lines are read by scripts too
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        out = Console(highlight=False, soft_wrap=True)
        try:
            loaded = load_manifest(manifest) if manifest else None
        except LoaderError as exc:
            err.print(f"policykg: {exc}", markup=False)
            raise typer.Exit(2)
        missing = [p for p in paths if not p.exists()]
        files = list(iter_input_files([p for p in paths if p.exists()]))
        if not files and not missing:
            err.print("policykg: no input files found")
            raise typer.Exit(1)
        tally = {"added": 0, "replaced": 0, "unchanged": 0, "failed": len(missing)}
        for p in missing:
            out.print(f"failed     {p}: no such file or folder", markup=False)
        target = open_chosen(store, neo4j, sparql)
        progress = Progress(TextColumn("ingesting {task.fields[name]}"), BarColumn(), MofNCompleteColumn(),
                            console=err, transient=True, disable=quiet or not err.is_terminal)
        try:
            with progress:
                bar = progress.add_task("ingest", total=len(files), name="")
                for path in files:
                    progress.update(bar, name=path.name)
                    try:
                        result = process_file(path, loaded)
                        outcome = target.replace_document(result.meta.doc, result.meta.sha256, build([result]))
                        action, detail = outcome.action, f"{len(result.tasks)} task(s)"
                    except (LoaderError, BuildError, ValueError) as exc:
                        action, detail = "failed", getattr(exc, "reason", None) or str(exc)
                    except RuntimeError as exc:   # resolution missing, store unreachable: stop, say why
                        err.print(f"policykg: {exc}", markup=False)
                        raise typer.Exit(2)
                    tally[action] += 1
                    if not quiet or action == "failed":
                        out.print(f"{action:<10} {path}: {detail}", markup=False)
                    progress.advance(bar)
            if not no_link and (tally["added"] or tally["replaced"]):
                linked = cascade.summary(cascade.link_store(target))
                err.print(f"linked: {linked['confident']} confident link(s), {linked['suggestions']} suggestion(s)",
                          markup=False)
            counts = target.counts()
        finally:
            target.close()
        err.print(", ".join(f"{n} {k}" for k, n in tally.items()) + f" — store now holds {counts.get('Document', 0)} "
                  f"document(s), {counts.get('Task', 0)} task(s), {counts.get('Department', 0)} department(s) "
                  f"({target.description})", markup=False)
        if tally["failed"]:
            raise typer.Exit(1)
