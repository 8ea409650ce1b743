"""Files → extracted and resolved ExtractionResults: the stages before the graph, shared by ingest, the
explorer and the departments command.

    results, problems = process_files(["examples/"])
    graph = build(results)
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from policykg.loaders.source import printable
from policykg.loaders import LoaderError, extract_file, iter_input_files
from policykg.graph.stores.base import WriteOutcome
from policykg.core.records import ExtractionResult, Problem

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


def process_file(path: Path, manifest=None, doc: str | None = None) -> ExtractionResult:
    """Extract and resolve one file; raises LoaderError naming the file and the reason. ``doc``: the document's
    id in the store (``input_files``), when it is not the bare file name."""
    result = extract_file(path, manifest)
    resolved = _resolver()(result)
    result = resolved if resolved is not None else result   # resolve_result fills in place (and may return it)
    if doc is not None and doc != result.meta.doc:
        result.meta.doc = doc
        for task in result.tasks:
            task.doc = doc
    return result


# -- document identity in the store ---------------------------------------------------------------------------
# A document's id is its path relative to the folder given to ingest, without the extension: lists/a/清单.docx
# and lists/b/清单.docx ingested as `policykg ingest lists/` are "a/清单" and "b/清单"; a file named on the
# command line is its bare name. (`policykg extract` keeps printing the bare name: ids are the store's concern.)
RESERVED_DOCS = frozenset({"shared", "links"})   # the names of the store's own graphs


class DocumentClash(ValueError):
    """Two inputs, or an input and a stored document from another file, would be one document."""


class InputFile(NamedTuple):
    path: Path
    doc: str             # the document's id in the store


def doc_key(path: Path, root: Path | None = None) -> str:
    """The document id of ``path`` found under the folder ``root`` (None: a file named on its own)."""
    if root is None:
        return printable(path.stem)
    return printable("/".join(path.relative_to(root).with_suffix("").parts))


def input_files(paths: Iterable) -> tuple[list[InputFile], list[Problem]]:
    """The files to ingest with their document ids, and a Problem for each input that cannot be one: missing,
    a reserved name, or mapping to the same document as an earlier input (named in the message)."""
    files: list[InputFile] = []
    problems: list[Problem] = []
    first: dict[str, Path] = {}
    for given in map(Path, paths):
        if not given.exists():
            problems.append(Problem(str(given), "file", "no such file or folder"))
            continue
        for path in iter_input_files([given]):
            doc = doc_key(path, given if given.is_dir() else None)
            earlier = first.get(doc)
            if earlier is not None:
                if _same_file(earlier, path):
                    continue         # the same file reached twice (a folder and a file in it): once is enough
                problems.append(Problem(str(path), "file", (
                    f"would be stored as document {doc!r}, the same document as {earlier}; ingest the folder that "
                    "holds both so that their paths tell them apart, or rename one")))
                continue
            if doc in RESERVED_DOCS:
                problems.append(Problem(str(path), "file", f"the document name {doc!r} is reserved for the store's "
                                                           "own graphs; rename the file"))
                continue
            first[doc] = path
            files.append(InputFile(path, doc))
    return files, problems


def store_document(store, result: ExtractionResult, known: dict[str, tuple[str, str | None]]) -> WriteOutcome:
    """Write one extracted document (``GraphStore.replace_document``) after checking its identity against
    ``known`` (doc -> (sha256, source file) of the stored documents; updated here):

    - the same content already stored under another id (the same file ingested from another folder): unchanged;
    - its id stored from a different file that still exists: DocumentClash, nothing written (a changed file at
      the same place, or one whose old place is gone, replaces the document as before)."""
    from policykg.graph.build import build

    doc, sha, file = result.meta.doc, result.meta.sha256, result.meta.file
    if doc not in known:
        twin = next((d for d, (h, _f) in sorted(known.items()) if h == sha), None)
        if twin is not None:
            return WriteOutcome(doc, "unchanged", note=f"same content as stored document {twin!r}")
    elif known[doc][0] != sha and known[doc][1] and file and not _same_file(Path(known[doc][1]), Path(file)) \
            and Path(known[doc][1]).is_file():
        raise DocumentClash(f"document {doc!r} is already stored from {known[doc][1]}, a different file; ingest the "
                            "folder that holds both so that their paths tell them apart, or rename one")
    outcome = store.replace_document(doc, sha, build([result]))
    known[doc] = (sha, file)
    return outcome


def stored_documents(store) -> dict[str, tuple[str, str | None]]:
    """doc -> (sha256, source file) of every stored document: what ``store_document`` checks against."""
    files = store.document_files()
    return {doc: (sha, files.get(doc)) for doc, sha in store.document_hashes().items()}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


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
