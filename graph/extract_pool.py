"""Ingest's files read and extracted in worker processes while the ingest process builds and writes, each
result handed back in the order of the files.

Extraction (reading, segmenting, resolving departments) is pure Python, so a thread cannot run it beside the
writer's encoding; a process can. Workers are started with ``spawn``: the ingest process runs threads of its
own (the batch writer's, the stores'), which ``fork`` would copy mid-flight. A worker costs about 0.3 s to start,
so by default a short list of files is read in the ingest process itself. At most ``AHEAD`` files per worker
are out at once, so memory stays bounded when the writer is the slower side.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from policykg.core.records import ExtractionResult
    from policykg.graph.pipeline import InputFile

AHEAD = 4          # files given out per worker before the first of them is taken back
FEW_FILES = 20     # "auto" reads fewer files than this in the ingest process (starting a worker costs more)

# a file's result, or the reason it could not be read
Extracted = tuple["InputFile", "ExtractionResult | None", "str | None"]


def extract_workers(files: int | None = None) -> int:
    """Worker processes for ``files`` files (None: unknown, many), from the extract_workers setting
    (POLICYKG_EXTRACT_WORKERS): a number (0: none, every file read in the ingest process), or "auto": one per
    CPU beyond the first, none for fewer than FEW_FILES files."""
    from policykg.core import settings

    value = (settings.get("extract_workers") or "auto").strip().lower()
    if value == "auto":
        return 0 if files is not None and files < FEW_FILES else max(0, (os.cpu_count() or 1) - 1)
    try:
        workers = int(value)
    except ValueError:
        workers = -1
    if workers < 0:
        raise ValueError(f"setting extract_workers (POLICYKG_EXTRACT_WORKERS) must be 'auto' or a number of "
                         f"processes (0 or more), got {value!r}")
    return workers


def extracted(files: Iterable["InputFile"], manifest=None, workers: int | None = None,
              on_start: Callable[["InputFile"], None] | None = None) -> Iterator[Extracted]:
    """Each file with its extraction result (``pipeline.process_file``), or with the reason it could not be
    read, in the order of ``files``. ``workers``: processes to read in (default: ``extract_workers``; 0: in
    this process). ``on_start(file)`` when a file is given out to be read. An error that is no fault of a file
    (resolution missing: RuntimeError) stops the run and propagates."""
    if workers is None:
        workers = extract_workers(len(files) if hasattr(files, "__len__") else None)
    if workers == 0:
        for file in files:
            if on_start is not None:
                on_start(file)
            yield (file, *_extract(file, manifest))
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_leave_interrupts)
    try:
        waiting = iter(files)
        out: deque = deque()

        def give_out() -> None:
            file = next(waiting, None)
            if file is not None:
                if on_start is not None:
                    on_start(file)
                try:
                    out.append((file, pool.submit(_extract, file, manifest)))
                except BrokenProcessPool as exc:
                    raise _stopped(file, exc) from None

        for _ in range(AHEAD * workers):
            give_out()
        while out:
            file, future = out.popleft()
            try:
                result, reason = future.result()
            except BrokenProcessPool as exc:
                raise _stopped(file, exc) from None
            give_out()
            yield file, result, reason
    finally:
        pool.shutdown(wait=True, cancel_futures=True)     # a run stopped early leaves no worker behind


def _stopped(file: "InputFile", exc: Exception) -> RuntimeError:
    """A worker died (killed, out of memory, a crash in a native library): the run stops, naming the file."""
    from policykg.loaders.source import printable

    return RuntimeError(f"a worker process stopped abruptly while {printable(file.path)} was being read ({exc}); "
                        "what was written before stays; ingest again, with POLICYKG_EXTRACT_WORKERS=0 to read every "
                        "file in the ingest process")


def _leave_interrupts() -> None:
    """A worker ignores Ctrl-C: the ingest process stops the run, and the workers with it (no traceback each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract(file: "InputFile", manifest) -> tuple["ExtractionResult | None", "str | None"]:
    """One file's result, or the reason it cannot be read (in a worker, or in the ingest process)."""
    from policykg.graph.pipeline import process_file
    from policykg.loaders import LoaderError

    try:
        return process_file(file.path, manifest, file.doc), None
    except (LoaderError, ValueError) as exc:
        return None, getattr(exc, "reason", None) or str(exc)
