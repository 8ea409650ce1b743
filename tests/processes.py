"""Stopping the servers and browsers tests start: politely first, then for good."""
from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
