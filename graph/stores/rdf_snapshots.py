"""Consistent read views of the embedded store, so that readers never open the folder a writer is changing.

RocksDB, under Oxigraph, allows a read-only open beside a writer only as "undefined behaviour", and it is:
measured here, a reader that opens the live folder fails on 4 % of its opens beside `policykg ingest` and on
43 % beside a writer that flushes each commit ("Corruption: IO error: No such file", a data file the writer's
flush or compaction had just deleted), and now and then its query never ends while its memory grows past
10 GB. Locking the commits does not help: the writer's background compactions delete files at any time.

So a writer publishes snapshots: RocksDB checkpoints (``Store.backup``: hard links to the immutable data
files plus a copy of the manifest, a few milliseconds even at 100,000 tasks) under ``<store>/snapshots/``,
after its writes (at most one a second while it writes, and always when it closes: a writer killed before
its close leaves its last second unpublished until the next writer closes). Readers open the newest snapshot
read-only. Nobody writes a snapshot, so reading it is well defined. A snapshot is copied under a
dot-name and renamed when complete. Old ones are removed ten seconds after a newer one appears: enough for a
reader that listed one to open it, and a reader that opened one reads on (it opened every file, and the files
stay until it closes), so old snapshots pin no disk space beyond their readers.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from pyoxigraph import Store

FOLDER = "snapshots"               # inside the store folder: RocksDB ignores names that are not its own files
PUBLISH_EVERY_S = 1.0              # while writing: at most one snapshot a second (each one flushes the memtable)
KEEP_OLD_S = 10.0                  # an older snapshot stays this long after a newer one appears
KEEP_PARTIAL_S = 600.0             # a half copy this long (a writer's copy in progress takes seconds at most)
_VANISHED = ("No such file or directory", "While open a file", "wal_dir not found")


def newest(store_folder: Path) -> Path | None:
    """The newest complete snapshot of the store at ``store_folder``, or None when it has none (a store written
    before snapshots, or never closed by its writer)."""
    try:
        names = [e.name for e in os.scandir(store_folder / FOLDER) if e.is_dir() and not e.name.startswith(".")]
    except OSError:
        return None
    return store_folder / FOLDER / max(names) if names else None


def publish(store: Store, store_folder: Path) -> Path:
    """Write a snapshot of ``store`` (opened for writing at ``store_folder``) and remove the expired ones."""
    folder = store_folder / FOLDER
    folder.mkdir(exist_ok=True)
    last = newest(store_folder)              # named after the last one even if the clock stepped back
    name = f"{max(time.time_ns(), int(last.name) + 1 if last else 0):020d}"
    partial = folder / f".{name}"            # readers skip dot-names: a half-copied snapshot is never opened
    store.backup(str(partial))
    os.replace(partial, folder / name)
    remove_expired(store_folder)
    return folder / name


def remove_expired(store_folder: Path) -> None:
    """Remove snapshots replaced more than KEEP_OLD_S ago (the newest stays) and half copies a crashed writer
    left KEEP_PARTIAL_S ago. A name is its creation time, so a snapshot was replaced when the next was made.
    Writers call it when they publish and readers when they open (the last snapshots of a large ingest would
    otherwise hold the files compaction replaced until the next write); a reader without the right to remove
    leaves them."""
    folder = store_folder / FOLDER
    now = time.time_ns()
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.is_dir() and e.name.lstrip(".").isdigit())
    except OSError:
        return
    complete = [n for n in names if not n.startswith(".")]
    for name in names:
        if name.startswith("."):
            expired = (now - int(name[1:])) / 1e9 > KEEP_PARTIAL_S
        else:
            later = [n for n in complete if n > name]
            expired = bool(later) and (now - int(later[0])) / 1e9 > KEEP_OLD_S
        if expired:
            shutil.rmtree(folder / name, ignore_errors=True)


def open_read_only(store_folder: str | os.PathLike, tries: int = 8) -> tuple[Store, str | None]:
    """The newest snapshot of the store, opened read-only, and its name (nobody writes it again, so the name
    says what it holds); the live folder itself and None when the store has no snapshot yet. Tried again when a
    file vanished while opening (a snapshot removed, or the live folder compacted, between listing and
    opening): the next try looks again. Any other error is raised at once."""
    store_folder = Path(store_folder)
    for attempt in range(tries):
        snapshot = newest(store_folder)
        try:
            store = Store.read_only(str(snapshot or store_folder))
        except (RuntimeError, OSError) as exc:
            if attempt == tries - 1 or not any(sign in str(exc) for sign in _VANISHED):
                raise
            time.sleep(0.01 * 2 ** attempt)      # 10 ms … 0.6 s: a flush or compaction finishes meanwhile
            continue
        remove_expired(store_folder)
        return store, snapshot.name if snapshot else None
    raise AssertionError("unreachable")


def generation(store_folder: Path) -> str:
    """A token that changes when readers should reopen: the newest snapshot's name; for a store without
    snapshots, the names, sizes and times of its data files (info logs and the lock file left out: opening a
    reader rotates the info log)."""
    import hashlib

    snapshot = newest(store_folder)
    if snapshot is not None:
        return snapshot.name
    try:
        entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(store_folder)
                         if e.is_file() and not e.name.startswith(("LOG", "LOCK")))
    except OSError:
        return ""
    return hashlib.blake2b(repr(entries).encode(), digest_size=8).hexdigest()


__all__ = ["FOLDER", "generation", "newest", "open_read_only", "publish", "remove_expired"]
