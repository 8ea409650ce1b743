"""`policykg extract`: every task of the given files as JSON Lines on stdout."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from policykg.loaders import LoaderError, extract_file, iter_input_files, load_manifest
from policykg.loaders.reader import FORMATS
from policykg.loaders.source import printable
from policykg.core.records import ExtractionResult
from policykg.ontology.resolve import resolve_result

HELP = f"""Extract every task (departments, lead, deadlines, targets, provenance) from task-list files.

PATH may be files or folders: {FORMATS}. One JSON object per task is printed per line on stdout; problems go to stderr, one line per bad file ("policykg: FILE: reason"), and the exit code is 1 if any file failed. A manifest.yaml beside the files (or --manifest) supplies document metadata.

Example:

    policykg extract examples > tasks.jsonl

    policykg extract list.docx other/ --manifest meta.yaml --meta

    policykg extract downloads/ --problems problems.jsonl > tasks.jsonl
"""


def records_for(paths: Iterable[Path], manifest=None, errors: list[str] | None = None,
                progress: Progress | None = None, task_id=None) -> Iterator[ExtractionResult]:
    """One ExtractionResult per readable file, in order; unreadable files are appended to ``errors`` as
    one-line messages and skipped. This is the single place later stages (resolution) wrap."""
    for path in paths:
        try:
            result = extract_file(path, manifest)
            resolve_result(result)   # adds `resolved` to every task (policykg.ontology.resolve)
            yield result
        except LoaderError as e:
            if errors is not None:
                errors.append(str(e))
        except Exception as e:  # a bug must not cost the other files of the run; report it on one line
            if errors is not None:
                errors.append(f"{printable(path)}: internal error ({type(e).__name__}: {' '.join(str(e).split())[:200]})")
        finally:
            if progress is not None:
                progress.advance(task_id)


def register(app: typer.Typer) -> None:
    if app.registered_callback is None:
        # keep `policykg extract …` a subcommand even while it is the only command registered
        app.callback()(lambda: None)

    @app.command("extract", help=HELP)
    def extract_command(
        paths: list[Path] = typer.Argument(..., help="Files or folders of task lists.", show_default=False),
        manifest: Optional[Path] = typer.Option(None, "--manifest", "-m",
                                                help="YAML manifest supplying/overriding document metadata."),
        meta: bool = typer.Option(False, "--meta", help="Also print one {\"document\": …} line per file."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no row problems on stderr."),
        problems_out: Optional[Path] = typer.Option(
            None, "--problems", help="Write what could not be read (file, row, reason) to this JSON Lines file: "
                                     "failed files, rows without task text, strings that are no department."),
    ) -> None:
        err = Console(stderr=True)
        try:
            loaded = load_manifest(manifest) if manifest else None
        except LoaderError as e:
            err.print(f"policykg: {e}", markup=False, highlight=False)
            raise typer.Exit(2)
        missing = [p for p in paths if not p.exists()]
        files = list(iter_input_files([p for p in paths if p.exists()]))
        errors = [f"{printable(p)}: no such file or folder" for p in missing]
        show = not quiet and len(files) > 3 and err.is_terminal
        progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), console=err,
                            transient=True, disable=not show)
        out = sys.stdout
        n_tasks = 0
        report = open(problems_out, "w", encoding="utf-8") if problems_out else None
        with progress:
            task_id = progress.add_task("extract", total=len(files))
            for result in records_for(files, loaded, errors, progress, task_id):
                if meta:
                    out.write(json.dumps({"document": result.meta.to_json()}, ensure_ascii=False) + "\n")
                for task in result.tasks:
                    out.write(json.dumps(task.to_json(), ensure_ascii=False) + "\n")
                n_tasks += len(result.tasks)
                for problem in result.problems:
                    if not quiet:
                        err.print(f"policykg: {problem}", markup=False, highlight=False)
                    if report:
                        report.write(json.dumps({"file": problem.file, "location": problem.location,
                                                 "reason": problem.reason}, ensure_ascii=False) + "\n")
        out.flush()
        if report:
            for line in errors:
                file, _, reason = line.partition(": ")
                report.write(json.dumps({"file": file, "location": "file", "reason": reason}, ensure_ascii=False) + "\n")
            report.close()
        for line in errors:
            err.print(f"policykg: {line}", markup=False, highlight=False, soft_wrap=True)
        if not quiet:
            err.print(f"{n_tasks} task(s) from {len(files) - len(errors) + len(missing)} file(s)"
                      + (f", {len(errors)} file(s) failed" if errors else ""), highlight=False)
        if errors or not files:
            if not files and not errors:
                err.print("policykg: no input files found", highlight=False)
            raise typer.Exit(1)
