"""`policykg ingest`: extract, resolve and write task lists into the graph store, a batch of documents at a time
(or, with --bulk, through the embedded store's bulk loader)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from policykg.app.commands.inputs import read_inputs
from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.app.commands.unplaced import unplaced_documents, unplaced_lines
from policykg.app.output import link_progress
from policykg.graph.cascade import linker as cascade
from policykg.graph.pipeline import FileOutcome, bulk_ingest, ingest_files
from policykg.loaders.reader import FORMATS
from policykg.loaders.source import printable

HELP = """Extract, resolve and store task lists: each file becomes one document's subgraph in the store.

Ingest is idempotent: a file whose content (SHA-256) is already stored is "unchanged"; a changed file replaces that document's facts and touches no other document; a file that fails leaves the store as it was. Each file's outcome is printed (added / replaced / unchanged / failed with the reason); the exit code is 1 if any file failed.

A document's id in the store is its path under the folder given, without the extension (lists/a/x.docx and lists/b/x.docx ingested as `policykg ingest lists/` are a/x and b/x; a file named on its own is its bare name). Two inputs that would be one document are refused with a message naming both; the same content already stored under another id is "unchanged".

After writing, the tasks are linked to the higher-level tasks they implement whenever the stored links are not those of the stored documents, so a run that stopped (or was killed) before its links were written is completed by the next run, even when every file is unchanged.

Each document's level and jurisdiction are read from its own text (title, issuer, document number, departments) unless a manifest gives them; a document whose level or jurisdiction stays unknown is named in a warning at the end, since its tasks cannot be linked across levels.

The store is the embedded Oxigraph folder (--store, POLICYKG_STORE, default ./policykg-data), or --neo4j URI, or --sparql URL.

Files are read, built and written POLICYKG_INGEST_BATCH documents at a time (default 50; one transaction per batch where the store allows), so memory does not grow with the corpus; when a batch fails, its documents are written again one at a time and only the faulty one fails.

--bulk: a first load of a large corpus into an EMPTY embedded store through Oxigraph's bulk loader (no transaction per document; measured about twice the write rate of the ingest path, benchmarks/bench_scale.py); refused on a store that holds anything, on Neo4j and on a SPARQL endpoint. A file that cannot be read or encoded fails alone; a loader failure (disk full, killed) leaves a partial store: delete the folder and load again. Linking follows as usual.

Example:

    policykg ingest examples/

    policykg ingest lists/ more.docx --store ./kg --manifest meta.yaml

    policykg ingest examples/ --sparql http://localhost:3030/ds/query

    NEO4J_PASSWORD=secret policykg ingest examples/ --neo4j bolt://localhost:7687

    policykg ingest national-corpus/ --store ./national-kg --bulk
"""


def register(app: typer.Typer) -> None:
    @app.command("ingest", help=HELP)
    def ingest_command(
        paths: list[Path] = typer.Argument(..., help=f"Files or folders of task lists: {FORMATS}.", show_default=False),
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
        manifest: Optional[Path] = typer.Option(None, "--manifest", "-m", help="YAML manifest of document metadata."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary line."),
        no_link: bool = typer.Option(False, "--no-link", help="Do not link tasks to the higher-level tasks they implement (see `policykg link`)."),
        bulk: bool = typer.Option(False, "--bulk", help="First load into an EMPTY embedded store through the bulk loader (see above)."),
    ) -> None:
        # one line per file, never wrapped: the outcome lines are read by scripts too
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        out = Console(highlight=False, soft_wrap=True)
        loaded, files, problems = read_inputs(paths, manifest, err)
        tally = {"added": 0, "replaced": 0, "unchanged": 0, "failed": len(problems)}
        for problem in problems:
            out.print(f"failed     {problem.file}: {problem.reason}", markup=False)
        if bulk and (neo4j is not None or sparql is not None):
            err.print("policykg: --bulk loads the embedded Oxigraph store only (--store); a first load into Neo4j "
                      "goes through its offline importer: policykg import-files CORPUS --out DIR", markup=False)
            raise typer.Exit(2)
        target = open_chosen(store, neo4j, sparql)
        if bulk and target.kind != "oxigraph":
            target.close()
            err.print(f"policykg: --bulk loads the embedded Oxigraph store only, not the {target.description}",
                      markup=False)
            raise typer.Exit(2)
        progress = Progress(TextColumn("ingesting {task.fields[name]}"), BarColumn(), MofNCompleteColumn(),
                            console=err, transient=True, disable=quiet or not err.is_terminal)

        def report(outcome: FileOutcome) -> None:
            tally[outcome.action] += 1
            if not quiet or outcome.action == "failed":
                out.print(f"{outcome.action:<10} {printable(outcome.file.path)}: {outcome.detail}", markup=False)
            progress.advance(bar)

        def reading(file) -> None:
            progress.update(bar, name=file.path.name)

        try:
            with progress:
                bar = progress.add_task("ingest", total=len(files), name="")
                try:
                    if bulk:
                        bulk_ingest(target, files, loaded, on_start=reading, on_outcome=report)
                    else:
                        for outcome in ingest_files(target, files, loaded, on_start=reading):
                            report(outcome)
                except (RuntimeError, ValueError) as exc:  # resolution missing, store unreachable or not empty
                    err.print(f"policykg: {exc}", markup=False)
                    raise typer.Exit(2)
            # linking runs whenever the stored links are not those of the stored documents: after new or changed
            # documents, and after an earlier ingest that stopped (or was killed) before its links were written
            status = cascade.link_status(target)
            if not status.current and not no_link:
                if not (tally["added"] or tally["replaced"]):
                    err.print(f"links {status.message.split(';')[0]}: linking now", markup=False)
                with link_progress(err, quiet or not err.is_terminal) as on_progress:
                    linked = cascade.summary(cascade.link_store(target, keep=False, on_progress=on_progress))
                err.print(f"linked: {linked['confident']} confident link(s), {linked['suggestions']} suggestion(s)",
                          markup=False)
            elif not status.current:
                err.print(f"links {status.message}", markup=False)
            counts = target.counts()
            unplaced = unplaced_documents(target)
        finally:
            target.close()
        err.print(", ".join(f"{n} {k}" for k, n in tally.items()) + f" — store now holds {counts.get('Document', 0)} "
                  f"document(s), {counts.get('Task', 0)} task(s), {counts.get('Department', 0)} department(s) "
                  f"({target.description})", markup=False)
        for line in unplaced_lines(unplaced):
            err.print(f"policykg: warning: {line}", markup=False)
        if tally["failed"]:
            raise typer.Exit(1)
