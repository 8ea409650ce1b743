"""Files → extracted and resolved ExtractionResults: the stages before the graph, shared by ingest, the
explorer and the departments command.

    results, problems = process_files(["examples/"])
    graph = build(results)
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from policykg.loaders import LoaderError, extract_file, iter_input_files
from policykg.loaders.records import ExtractionResult, Problem

# on_progress(done, total, path, problem) after each file; problem is None when the file was read
ProgressCallback = Callable[[int, int, Path, "Problem | None"], None]


class ResolutionUnavailable(RuntimeError):
    pass


def _resolver():
    try:
        from policykg.ontology.resolve import resolve_result
    except ImportError as exc:
        raise ResolutionUnavailable(f"department resolution (policykg.ontology.resolve) is not available: {exc}") from None
    return resolve_result


def process_file(path: Path, manifest=None) -> ExtractionResult:
    """Extract and resolve one file; raises LoaderError naming the file and the reason."""
    result = extract_file(path, manifest)
    resolved = _resolver()(result)
    return resolved if resolved is not None else result   # resolve_result fills in place (and may return it)


def process_files(paths: Iterable, manifest=None,
                  on_progress: ProgressCallback | None = None) -> tuple[list[ExtractionResult], list[Problem]]:
    """Every readable file extracted and resolved, plus one Problem per file that could not be read."""
    _resolver()   # fail before reading anything if resolution is missing
    paths = [Path(p) for p in paths]
    problems = [Problem(str(p), "file", "no such file or folder") for p in paths if not p.exists()]
    files = list(iter_input_files([p for p in paths if p.exists()]))
    results: list[ExtractionResult] = []
    for done, path in enumerate(files, start=1):
        problem = None
        try:
            results.append(process_file(path, manifest))
        except LoaderError as exc:
            problem = Problem(exc.path, "file", exc.reason)
            problems.append(problem)
        if on_progress is not None:
            on_progress(done, len(files), path, problem)
    return results, problems
