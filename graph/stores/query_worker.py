"""A user's query on the embedded store, run in a process of its own so that it can be stopped.

pyoxigraph has no way to cancel a query, and one query (a cartesian product, say) can run for hours and take
gigabytes. So ``OxigraphStore.query`` hands the query to a fresh ``python -m policykg.graph.stores.query_worker``:
it opens the store's newest snapshot read-only (rdf_snapshots, beside any writer, as every reader does), caps
its own address space at the memory limit, reads at most the row limit (results stream, so an endless result
stops there) and sends the plain rows back on stdout. The caller waits up to the time limit and then kills it
(SIGKILL: a read-only reader leaves nothing to repair). The cost is a process start, about 0.1 s per query.

The request and the answer are pickled: both ends are this module, over a pipe nobody else holds.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from policykg.graph.stores.base import QueryLimits, QueryResult, QueryTimeout, QueryTooLarge

_MEMORY_SIGNS = ("memory allocation", "MemoryError", "Cannot allocate memory", "std::bad_alloc")


def run(path: str | os.PathLike, text: str, params: dict[str, Any] | None, limits: QueryLimits) -> QueryResult:
    """Run ``text`` on the store at ``path`` within ``limits``; QueryTimeout / QueryTooLarge when stopped."""
    from policykg.graph.stores.rdf_store import QuerySyntaxError, StoreError

    request = pickle.dumps({"path": str(Path(path)), "text": text, "params": dict(params or {}),
                            "max_rows": limits.max_rows, "memory_mb": limits.memory_mb})
    proc = subprocess.Popen([sys.executable, "-m", "policykg.graph.stores.query_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(request, timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        raise QueryTimeout(limits.timeout_message()) from None
    finally:
        if proc.poll() is None:          # timed out, or this thread was interrupted: never leave it running
            proc.kill()
            proc.communicate()
    try:
        kind, *answer = pickle.loads(out)
    except Exception:                    # no answer: the worker died (memory limit, a crash)
        detail = err.decode("utf-8", "replace").strip()
        if any(sign in detail for sign in _MEMORY_SIGNS):
            raise QueryTooLarge(limits.memory_message()) from None
        raise StoreError(f"the query worker stopped without an answer (exit {proc.returncode}): "
                         f"{detail[-500:] or 'no message'}") from None
    if kind == "ok":
        columns, rows, truncated = answer
        return QueryResult(columns, rows, truncated)
    if kind == "memory":
        raise QueryTooLarge(limits.memory_message())
    if kind == "syntax":
        raise QuerySyntaxError(answer[0])
    raise StoreError(answer[0])


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the process already maps (Python, the opened store: about 370 MB of
    mostly reserved address space) plus ``memory_mb`` for the query itself."""
    if memory_mb <= 0:
        return
    import resource

    try:
        status = Path("/proc/self/status").read_text()
        mapped = int(status.split("VmSize:")[1].split()[0]) * 1024
    except (OSError, IndexError, ValueError):
        mapped = 0
    cap = mapped + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):   # a lower hard limit already set: keep it
        pass


def main() -> None:
    from policykg.graph.stores.rdf_snapshots import open_read_only
    from policykg.graph.stores.rdf_store import QuerySyntaxError, result_of, run_on

    request = pickle.loads(sys.stdin.buffer.read())
    try:
        store, _ = open_read_only(request["path"])
        _limit_memory(request["memory_mb"])   # after opening: the limit is for the query, not the store's caches
        result = result_of(run_on(store, request["text"], request["params"]), request["max_rows"])
        answer: tuple = ("ok", result.columns, result.rows, result.truncated)
    except MemoryError:
        answer = ("memory",)
    except QuerySyntaxError as exc:
        answer = ("syntax", str(exc))
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        message = str(exc)
        answer = ("memory",) if any(sign in message for sign in _MEMORY_SIGNS) else (
            "error", f"the query failed on the Oxigraph store at {request['path']}: {message}")
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
