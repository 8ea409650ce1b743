"""`policykg import-files`: the files of Neo4j's offline importer for a first national load (no store written)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from policykg.app.commands.inputs import read_inputs
from policykg.graph.export.neo4j_import import importer_command
from policykg.graph.pipeline import FileOutcome, import_files
from policykg.loaders.reader import FORMATS
from policykg.loaders.source import printable

HELP = """Extract and resolve task lists as ingest does, and write them as the CSV files of Neo4j's offline importer (neo4j-admin database import full) instead of writing a store: the way to a first national load into an EMPTY Neo4j database (measured at 100,000 tasks: import and indexes 40 s, against 115 s for ingest's transactional writer; README "Beyond one machine").

OUT must be a new or empty folder. It gets one file per label and per relationship type, and import.sh, the importer's command line, which is also printed. Run it with Neo4j stopped (NEO4J_HOME set, neo4j-admin on the PATH); then start Neo4j and run `policykg link --neo4j URI`: the first command that opens the store for writing creates its constraints, indexes and store-wide totals, and the link step links the tasks across levels. Each file's outcome is printed as ingest prints it; the exit code is 1 if any file failed.

Example:

    policykg import-files national-corpus/ --out ./neo4j-import

    sh ./neo4j-import/import.sh && neo4j start && policykg link --neo4j bolt://localhost:7687
"""


def register(app: typer.Typer) -> None:
    @app.command("import-files", help=HELP)
    def import_files_command(
        paths: list[Path] = typer.Argument(..., help=f"Files or folders of task lists: {FORMATS}.", show_default=False),
        out: Path = typer.Option(..., "--out", "-o", help="New or empty folder for the importer's files."),
        manifest: Optional[Path] = typer.Option(None, "--manifest", "-m", help="YAML manifest of document metadata."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary and the command."),
    ) -> None:
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        out_console = Console(highlight=False, soft_wrap=True)
        loaded, files, problems = read_inputs(paths, manifest, err)
        tally = {"added": 0, "unchanged": 0, "failed": len(problems)}
        tasks = 0
        for problem in problems:
            out_console.print(f"failed     {problem.file}: {problem.reason}", markup=False)

        def report(outcome: FileOutcome) -> None:
            nonlocal tasks
            tally[outcome.action] += 1
            tasks += outcome.tasks if outcome.action == "added" else 0
            if not quiet or outcome.action == "failed":
                out_console.print(f"{outcome.action:<10} {printable(outcome.file.path)}: {outcome.detail}", markup=False)

        try:
            args = import_files(out, files, loaded, on_outcome=report)
            command = importer_command(args)
            (out / "import.sh").write_text("#!/bin/sh\n# Neo4j stopped, NEO4J_HOME set: imports into the database "
                                           f"neo4j\n{command}\n", encoding="utf-8")
        except (RuntimeError, ValueError, OSError) as exc:      # resolution missing, OUT not empty, disk full
            err.print(f"policykg: {exc}", markup=False)
            raise typer.Exit(2)
        err.print(", ".join(f"{n} {k}" for k, n in tally.items()) + f" — {tasks} task(s) in {len(args)} file(s) "
                  f"in {out}; import them with:", markup=False)
        out_console.print(command, markup=False)
        if tally["failed"]:
            raise typer.Exit(1)
