"""Files → extracted and resolved ExtractionResults: the stages before the graph, shared by ingest, the
explorer and the departments command.

    results, problems = process_files(["examples/"])
    graph = build(results)
"""
from __future__ import annotations

from collections import deque
from contextlib import closing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple

from policykg.loaders.source import printable
from policykg.loaders import LoaderError, extract_file, iter_input_files
from policykg.graph.extract_pool import extracted
from policykg.graph.stores.base import WriteOutcome
from policykg.core.records import ExtractionResult, Problem

if TYPE_CHECKING:
    from policykg.graph.model import PolicyGraph

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


class KnownDocuments:
    """doc -> (sha256, source file) of the documents stored or about to be, as ``check_identity`` reads them, with
    an index by content: a document's twin is found without a pass over every known document (40,000 documents
    made that a cost growing as their square)."""

    def __init__(self, documents: Iterable[tuple[str, tuple[str, str | None]]] = ()) -> None:
        self._by_doc: dict[str, tuple[str, str | None]] = {}
        self._by_sha: dict[str, set[str]] = {}
        for doc, value in documents:
            self[doc] = value

    def __contains__(self, doc: str) -> bool:
        return doc in self._by_doc

    def __getitem__(self, doc: str) -> tuple[str, str | None]:
        return self._by_doc[doc]

    def __setitem__(self, doc: str, value: tuple[str, str | None]) -> None:
        self.pop(doc)
        self._by_doc[doc] = value
        self._by_sha.setdefault(value[0], set()).add(doc)

    def pop(self, doc: str, default=None):
        value = self._by_doc.pop(doc, None)
        if value is None:
            return default
        docs = self._by_sha[value[0]]
        docs.discard(doc)
        if not docs:
            del self._by_sha[value[0]]
        return value

    def twin(self, sha256: str) -> str | None:
        """The first document, by id, of this content."""
        return min(self._by_sha.get(sha256, ()), default=None)


def check_identity(result: ExtractionResult, known: KnownDocuments) -> WriteOutcome | None:
    """Check an extracted document's identity against ``known`` (doc -> (sha256, source file) of the stored
    documents) before it is written:

    - the same content already stored under another id (the same file ingested from another folder): an
      "unchanged" outcome, nothing to write;
    - its id stored from a different file that still exists: DocumentClash, nothing written (a changed file at
      the same place, or one whose old place is gone, replaces the document as before);
    - otherwise None: write it."""
    doc, sha, file = result.meta.doc, result.meta.sha256, result.meta.file
    if doc not in known:
        twin = known.twin(sha)
        if twin is not None:
            return WriteOutcome(doc, "unchanged", note=f"same content as stored document {twin!r}")
    elif known[doc][0] != sha and known[doc][1] and file and not _same_file(Path(known[doc][1]), Path(file)) \
            and Path(known[doc][1]).is_file():
        raise DocumentClash(f"document {doc!r} is already stored from {known[doc][1]}, a different file; ingest the "
                            "folder that holds both so that their paths tell them apart, or rename one")
    return None


def store_document(store, result: ExtractionResult, known: KnownDocuments) -> WriteOutcome:
    """Write one extracted document (``GraphStore.replace_document``) after ``check_identity``; ``known`` is
    updated."""
    from policykg.graph.build import build

    outcome = check_identity(result, known)
    if outcome is not None:
        return outcome
    doc, sha, file = result.meta.doc, result.meta.sha256, result.meta.file
    outcome = store.replace_document(doc, sha, build([result]))
    known[doc] = (sha, file)
    return outcome


# -- streaming ingest, batch by batch ---------------------------------------------------------------------------
class FileOutcome(NamedTuple):
    """What ingest did with one input file: "added", "replaced", "unchanged" or "failed" (``detail`` says why)."""

    file: InputFile
    action: str
    detail: str
    tasks: int = 0


def batch_size() -> int:
    """Documents read, built and written together (POLICYKG_INGEST_BATCH)."""
    from policykg.core import settings

    size = int(settings.get_number("ingest_batch"))
    if size < 1:
        raise ValueError(f"setting ingest_batch (POLICYKG_INGEST_BATCH) must be at least 1, got {size}")
    return size


def ingest_files(store, files: Iterable[InputFile], manifest=None, size: int | None = None,
                 on_start: Callable[[InputFile], None] | None = None) -> Iterator[FileOutcome]:
    """Extract, resolve, build and write ``files``, ``size`` documents at a time (default: ``batch_size()``),
    yielding each file's outcome, in the order of ``files``, once it is known.

    A batch goes to the store's ``write_documents`` (one transaction for the batch where the store has one);
    when the batch fails as a whole, its documents are written again one at a time, so a failed document
    fails alone, named, and leaves the store as it was. Re-ingest stays idempotent: a document whose hash is
    stored is "unchanged". ``on_start(file)`` is called before each file is read (progress).
    One batch is written (BatchWriter) while the next is read: at most two batches are in memory at once; on a
    large folder the files are read in worker processes meanwhile (extract_pool, POLICYKG_EXTRACT_WORKERS).
    Errors that are no fault of a document (the store unreachable, resolution missing: RuntimeError) stop the
    run and propagate."""
    known = stored_documents(store)
    with BatchWriter(store, known, size or batch_size()) as writer, \
            closing(extracted(files, manifest, on_start=on_start)) as results:
        for file, result, reason in results:
            if result is None:                     # unreadable
                yield from writer.decided(FileOutcome(file, "failed", reason))
                continue
            try:
                early = check_identity(result, known)
            except DocumentClash as exc:
                yield from writer.decided(FileOutcome(file, "failed", str(exc)))
                continue
            if early is not None:          # the same content as a document stored or about to be
                yield from writer.decided(FileOutcome(file, early.action, _detail(result, early), len(result.tasks)),
                                          twin_of=result.meta.sha256)
                continue
            yield from writer.add(file, result)
        yield from writer.finish()


class BatchWriter:
    """Ingest's batches, written in a thread of their own, one batch at a time and in order, while the caller
    reads the next one: the stores' own work (Oxigraph's Rust code, a database server) runs outside Python's
    lock, so reading and writing overlap. Outcomes come back in the order of the files: one decided without
    writing (``decided``) waits for the files before it.

    ``known`` (doc -> (sha256, file), ``check_identity``) is changed in the caller's thread only: a document
    counts as known once it joins a batch (a later file of the same content is "unchanged"), and is dropped
    when it fails, failing with it any such twin still waiting."""

    def __init__(self, store, known: KnownDocuments, size: int) -> None:
        self.store, self.known, self.size = store, known, size
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykg-write")
        self.batch: list[tuple[InputFile, ExtractionResult, list]] = []     # being read
        self.writing = None                 # (batch, future of its outcomes): being written
        self.slots: deque[list] = deque()   # one per file in the order of the files: [its FileOutcome or None]
        self.twins: dict[str, list[list]] = {}        # sha256 -> slots of files with that content ("unchanged")

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True)       # a batch being written is finished (one transaction)

    def decided(self, outcome: FileOutcome, twin_of: str | None = None) -> list[FileOutcome]:
        """Record an outcome known without writing (``twin_of``: the content's sha256, when the file was found the
        same as a document, which may still be unwritten); returns the outcomes now ready, in file order."""
        slot = [outcome]
        self.slots.append(slot)
        unwritten = self.batch + (self.writing[0] if self.writing else [])
        if any(r.meta.sha256 == twin_of for _f, r, _s in unwritten):
            self.twins.setdefault(twin_of, []).append(slot)
        return self._ready()

    def add(self, file: InputFile, result: ExtractionResult) -> list[FileOutcome]:
        """Put a document in the batch being read (written once full); returns the outcomes now ready."""
        if any(r.meta.doc == result.meta.doc for _f, r, _s in self.batch):   # the same id twice: the first first
            self._submit()
        slot: list = [None]
        self.slots.append(slot)
        self.batch.append((file, result, slot))
        self.known[result.meta.doc] = (result.meta.sha256, result.meta.file)
        if len(self.batch) >= self.size:
            self._submit()
        return self._ready()

    def finish(self) -> list[FileOutcome]:
        """Write what is left and wait for it; returns every outcome not returned yet."""
        self._submit()
        self._collect()
        return self._ready()

    def _submit(self) -> None:
        self._collect()                     # one batch written at a time, in order
        if self.batch:
            batch, self.batch = self.batch, []
            self.writing = (batch, self.pool.submit(_write_batch, self.store, [(f, r) for f, r, _s in batch]))

    def _collect(self) -> None:
        if self.writing is None:
            return
        batch, future = self.writing
        self.writing = None
        for (file, result, slot), outcome in zip(batch, future.result()):    # a store error is raised here
            doc, sha = result.meta.doc, result.meta.sha256
            twins = self.twins.pop(sha, [])
            if outcome.action == "failed":
                self.known.pop(doc, None)     # nothing of it was written
                slot[0] = FileOutcome(file, "failed", outcome.note)
                for twin in twins:
                    twin[0] = FileOutcome(twin[0].file, "failed", f"the same content as document {doc!r}, which was "
                                                                  f"not written: {outcome.note}")
            else:
                slot[0] = FileOutcome(file, outcome.action, _detail(result, outcome), len(result.tasks))

    def _ready(self) -> list[FileOutcome]:
        ready = []
        while self.slots and self.slots[0][0] is not None:
            ready.append(self.slots.popleft()[0])
        return ready


def _detail(result: ExtractionResult, outcome: WriteOutcome) -> str:
    detail = f"{len(result.tasks)} task(s)"
    return detail + f" ({outcome.note})" if outcome.note else detail


def _write_batch(store, batch: list[tuple[InputFile, ExtractionResult]]) -> list[WriteOutcome]:
    """Each document's outcome, in the order of ``batch``: built, then written together (write_items)."""
    from policykg.graph.build import build

    items, outcomes = [], {}
    for i, (_file, result) in enumerate(batch):
        try:
            items.append((i, (result.meta.doc, result.meta.sha256, build([result]))))
        except ValueError as exc:
            outcomes[i] = WriteOutcome(result.meta.doc, "failed", note=str(exc))
    written = write_items(store, [item for _i, item in items])
    outcomes.update((i, outcome) for (i, _item), outcome in zip(items, written))
    return [outcomes[i] for i in range(len(batch))]


def write_items(store, items: list[tuple[str, str, object]]) -> list[WriteOutcome]:
    """Each item's outcome: the batch in one ``write_documents`` call, or (a store without it, or a batch that
    failed as a whole) one ``replace_document`` per document, a failure named as that document's."""
    if not items:
        return []
    write_documents = getattr(store, "write_documents", None)
    if write_documents is not None and len(items) > 1:
        try:
            return write_documents(items)
        except ValueError:
            pass          # one document at fault: find it by writing them one at a time
    outcomes = []
    for doc, sha, graph in items:
        try:
            outcome = write_documents([(doc, sha, graph)])[0] if write_documents is not None \
                else store.replace_document(doc, sha, graph)
        except ValueError as exc:
            outcome = WriteOutcome(doc, "failed", note=str(exc))
        outcomes.append(outcome)
    return outcomes


def built_documents(files: Iterable[InputFile], known: KnownDocuments, report: Callable[[FileOutcome], None],
                    manifest=None, on_start: Callable[[InputFile], None] | None = None
                    ) -> Iterator[tuple[InputFile, ExtractionResult, PolicyGraph]]:
    """Each file extracted (in worker processes on a large folder: extract_pool) and built into its document's
    graph, for a first load that writes no store transaction per document (--bulk, import-files). A file that
    cannot be read, clashes with an earlier one (``check_identity`` against ``known``, which is updated) or cannot
    be built is reported "failed" (or "unchanged": the same content as an earlier file) and not yielded."""
    from policykg.graph.build import build

    with closing(extracted(files, manifest, on_start=on_start)) as results:   # workers gone on an early stop
        for file, result, reason in results:
            if result is None:                     # unreadable
                report(FileOutcome(file, "failed", reason))
                continue
            try:
                early = check_identity(result, known)
                if early is not None:
                    report(FileOutcome(file, early.action, _detail(result, early), len(result.tasks)))
                    continue
                graph = build([result])
            except ValueError as exc:              # a DocumentClash or a BuildError
                report(FileOutcome(file, "failed", str(exc)))
                continue
            known[result.meta.doc] = (result.meta.sha256, result.meta.file)
            yield file, result, graph


def bulk_ingest(store, files: Iterable[InputFile], manifest=None,
                on_start: Callable[[InputFile], None] | None = None,
                on_outcome: Callable[[FileOutcome], None] | None = None) -> dict[str, int]:
    """A first load of ``files`` into an EMPTY embedded store through its bulk loader (``OxigraphStore.bulk_load``,
    `policykg ingest --bulk`): streamed, each document extracted and built (``built_documents``) and handed to
    the loader in turn, no transaction per document. A file that cannot be read or encoded is "failed" alone
    (``on_outcome``), the others are "added" (or "unchanged": the same content as an earlier file). The store
    refuses (StoreNotEmpty) before anything is read when it holds anything already. Returns the loader's counts."""
    import gc

    if not hasattr(store, "bulk_load"):
        raise ValueError(f"--bulk loads the embedded Oxigraph store only, not the {store.description}")
    report = on_outcome or (lambda outcome: None)
    known = KnownDocuments()
    tasks: dict[str, tuple[InputFile, int]] = {}

    def items():
        for n, (file, result, graph) in enumerate(built_documents(files, known, report, manifest, on_start), 1):
            if n % 100 == 0:
                # the loader runs with the cyclic collector paused and extraction makes cycles; they are young
                # (the last 100 documents'), so a full collection, which walks the whole heap, is not needed
                gc.collect(1)
            tasks[result.meta.doc] = (file, len(result.tasks))
            yield result.meta.doc, result.meta.sha256, graph

    def written(doc: str, error: str | None) -> None:
        file, n = tasks.pop(doc)
        if error:
            known.pop(doc, None)        # not stored: a later file of the same content is no twin of it
        report(FileOutcome(file, "failed", error) if error else FileOutcome(file, "added", f"{n} task(s)", n))

    return store.bulk_load(items(), written)


def import_files(out: Path, files: Iterable[InputFile], manifest=None,
                 on_start: Callable[[InputFile], None] | None = None,
                 on_outcome: Callable[[FileOutcome], None] | None = None) -> list[str]:
    """The files of Neo4j's offline importer for ``files`` in ``out`` (graph.export.neo4j_import,
    `policykg import-files`), streamed as ``bulk_ingest`` streams; returns the importer's arguments. A document
    whose values do not fit the mapping is "failed" alone."""
    from policykg.graph.export.neo4j_import import ImportFiles

    report = on_outcome or (lambda outcome: None)
    known = KnownDocuments()
    target = ImportFiles(out)
    try:
        for file, result, graph in built_documents(files, known, report, manifest, on_start):
            try:
                target.add(result.meta.doc, result.meta.sha256, graph)
            except ValueError as exc:              # CodecError: a value that does not fit the mapping
                known.pop(result.meta.doc, None)
                report(FileOutcome(file, "failed", f"document {result.meta.doc!r} was not written: {exc}"))
                continue
            report(FileOutcome(file, "added", f"{len(result.tasks)} task(s)", len(result.tasks)))
    finally:
        args = target.close()
    return args


def stored_documents(store) -> KnownDocuments:
    """Every stored document's (sha256, source file): what ``store_document`` checks against."""
    files = store.document_files()
    return KnownDocuments((doc, (sha, files.get(doc))) for doc, sha in store.document_hashes().items())


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
