"""The input files and manifest of the commands that read task lists into a store or its import files."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from policykg.graph.pipeline import InputFile, input_files
from policykg.loaders import LoaderError, load_manifest
from policykg.core.records import Problem


def read_inputs(paths: list[Path], manifest: Optional[Path], err: Console
                ) -> tuple[object, list[InputFile], list[Problem]]:
    """(the manifest or None, the input files with their document ids, the paths that are no input); a bad
    manifest exits 2 and no input at all exits 1, each with its reason on ``err``."""
    try:
        loaded = load_manifest(manifest) if manifest else None
    except LoaderError as exc:
        err.print(f"policykg: {exc}", markup=False)
        raise typer.Exit(2)
    files, problems = input_files(paths)   # each file with its document id (its path under the folder given)
    if not files and not problems:
        err.print("policykg: no input files found")
        raise typer.Exit(1)
    return loaded, files, problems
