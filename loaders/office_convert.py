"""Old and foreign office formats (.doc, .wps, .odt, .rtf; .xls, .et, .ods) through LibreOffice in headless
mode, converted to .docx (text documents) or .xlsx (spreadsheets) and then read by the readers of those.

* The input is copied into a private temporary folder under a plain name with the extension of the format its
  bytes show (a Kingsoft .wps is a Word 97 file; LibreOffice picks its import filter by extension), and the
  result is written there too: nothing is ever left beside the user's file.
* LibreOffice runs with a private, temporary user profile (``-env:UserInstallation``), so a LibreOffice the
  user has open does not swallow the request, and nothing of the user's profile is read or changed. The
  profile is made once per process (its first start costs a few seconds) and removed at exit.
* A time limit (setting ``convert_timeout``) bounds every conversion; past it the whole process group is
  killed (soffice starts a child, ``oosplash`` → ``soffice.bin``) and the file fails with a one-line error.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from .source import LoaderError

INSTALL_HINT = {
    "docx": "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer) or save the file as .docx "
            "from Word or WPS",
    "xlsx": "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-calc) or save the file as .xlsx "
            "from Excel or WPS",
}
FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}

_profile_lock = threading.Lock()
_profile_dir: str | None = None


def soffice_program() -> str | None:
    """The LibreOffice program: setting ``soffice`` (POLICYKG_SOFFICE), else soffice/libreoffice on PATH."""
    from policykg.core import settings

    configured = settings.get("soffice")
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> str:
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = tempfile.mkdtemp(prefix="policykg-lo-profile-")
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def _discard_profile() -> None:
    global _profile_dir
    if _profile_dir is not None:
        shutil.rmtree(_profile_dir, ignore_errors=True)
        _profile_dir = None


def _timeout() -> float:
    from policykg.core import settings

    return float(settings.get("convert_timeout"))


def convert(data: bytes, path, source_ext: str, target: str = "docx") -> bytes:
    """The bytes of ``data`` (a file of kind ``source_ext``: doc, odt, rtf, xls, …) converted to ``target``
    (docx or xlsx) by LibreOffice. Raises LoaderError (one line) when LibreOffice is missing, fails, or
    takes longer than the time limit."""
    program = soffice_program()
    what = "spreadsheet" if target == "xlsx" else "document"
    if program is None:
        raise LoaderError(path, f"a .{source_ext} {what} needs LibreOffice to be read, and soffice was not "
                                f"found: {INSTALL_HINT[target]}")
    limit = _timeout()
    with tempfile.TemporaryDirectory(prefix="policykg-convert-") as tmp:
        src = Path(tmp) / f"input.{source_ext}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        cmd = [program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={Path(_profile()).as_uri()}",
               "--convert-to", FILTERS[target], "--outdir", str(outdir), str(src)]
        with _profile_lock:            # one LibreOffice at a time per profile
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True, cwd=tmp)
            try:
                out, err = proc.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                _discard_profile()     # a killed LibreOffice may leave its profile half written
                raise LoaderError(path, f"LibreOffice did not convert the .{source_ext} file within {limit:g} s "
                                        "(setting convert_timeout, POLICYKG_CONVERT_TIMEOUT): killed") from None
        result = outdir / f"input.{target}"
        if proc.returncode != 0 or not result.is_file():
            detail = " ".join((err or out or b"").decode("utf-8", "replace").split())[-200:]
            if proc.returncode and proc.returncode < 0:
                detail = f"crashed (signal {-proc.returncode}) {detail}".strip()
            raise LoaderError(path, f"LibreOffice could not convert the .{source_ext} file to .{target} "
                                    f"(exit {proc.returncode}{': ' + detail if detail else ''}): the file may be "
                                    f"damaged; open it in Word, Excel or WPS and save it as .{target}")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass
