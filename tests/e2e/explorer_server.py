"""`policykg app` on a free port over a store built from the examples, for the browser tests."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from explorer_corpus import build_store
from processes import stop_process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def explorer(work: Path):
    """The explorer's URL, serving a fresh store of the examples (and the hostile document) built in ``work``."""
    build_store(work / "store", work / "files")
    (work / "queries").mkdir(exist_ok=True)
    port = free_port()
    log = open(work / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "policykg.app.cli", "app", "--store", str(work / "store"),
                             "--port", str(port), "--query-dir", str(work / "queries")],
                            stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"policykg app did not start: {(work / 'streamlit.log').read_text()[-2000:]}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        stop_process(proc, timeout=15)
        log.close()
