"""`policykg departments`: canonical departments with their obligation counts, or the unresolved mentions."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from policykg.app.output import FORMAT_OPTION, OutputFormat, print_rows
from policykg.graph.pipeline import process_files
from policykg.loaders import LoaderError, load_manifest
from policykg.loaders.reader import FORMATS
from policykg.ontology.obligations import count_obligations, mention_coverage, unresolved_mentions

HELP = """List the canonical departments named by task lists, with their obligations (lead / support / total tasks), level, jurisdiction, function and kind.

Each file is extracted and every department mention resolved in its document's context (省教育厅 in a Jiangxi list is 江西省教育厅; 教务处 in a school's columns is a unit of that school). With --unresolved, the mentions no rule understood are listed instead, with the document, task and location where they occur. The coverage figure (resolved mentions / all mentions) is always printed on stderr.

Example:

    policykg departments examples/

    policykg departments lists/ --unresolved --format csv > unresolved.csv
"""

COLUMNS = ("department", "key", "kind", "level", "jurisdiction", "function", "parent", "lead", "support", "total")
UNRESOLVED_COLUMNS = ("mention", "doc", "task_no", "column", "location")


def register(app: typer.Typer) -> None:
    @app.command("departments", help=HELP)
    def departments_command(
        paths: list[Path] = typer.Argument(..., help=f"Files or folders of task lists: {FORMATS}.", show_default=False),
        unresolved: bool = typer.Option(False, "--unresolved", "-u", help="List the unresolved mentions instead."),
        manifest: Optional[Path] = typer.Option(None, "--manifest", "-m", help="YAML manifest of document metadata."),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        try:
            loaded = load_manifest(manifest) if manifest else None
        except LoaderError as exc:
            err.print(f"policykg: {exc}", markup=False)
            raise typer.Exit(2)
        results, problems = process_files(paths, loaded)
        for problem in problems:
            err.print(f"policykg: {problem.file}: {problem.reason}", markup=False)
        if not results and not problems:
            err.print("policykg: no input files found")
            raise typer.Exit(1)
        if unresolved:
            rows = [(m.resolved.mention, m.doc, m.task_no, m.column, m.location) for m in unresolved_mentions(results)]
            print_rows(UNRESOLVED_COLUMNS, rows, fmt)
        else:
            rows = [(c.department.name, c.department.key, c.department.kind, c.department.level,
                     c.department.jurisdiction, c.department.function, c.department.parent,
                     c.lead, c.support, c.total) for c in count_obligations(results)]
            # a terminal table leaves out the long key and parent columns (CSV and JSON keep them)
            keep = [i for i, col in enumerate(COLUMNS) if fmt is not OutputFormat.table or col not in ("key", "parent")]
            print_rows([COLUMNS[i] for i in keep], [[row[i] for i in keep] for row in rows], fmt)
        done, total = mention_coverage(results)
        share = f"{done / total:.1%}" if total else "n/a"
        err.print(f"coverage: {done}/{total} department mentions resolved ({share}) in {len(results)} file(s)")
        if problems:
            raise typer.Exit(1)
