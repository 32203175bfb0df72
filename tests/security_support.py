"""Helpers shared by the tests/test_security_*.py files (not a test module itself).

``run_cspkit`` runs the real command line in a child process (for what only a process shows:
its environment in ``/proc/self/environ``, a hang, its memory, a signal); ``texts_of`` reads
every file an output wrote back as text (PDF through pypdf, Word documents through their XML)
so a test can look for text that must never be there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str
    max_rss_kib: int


#: Runs cspkit as ``python -m cspkit`` does, and on exit writes the process's peak memory (its
#: VmHWM, KiB) to the file $CSPKIT_TEST_HWM. (Not getrusage: Linux counts in a child's peak the
#: memory of the parent it was forked from, which in a test worker is large and varies.)
_MEASURED = """\
import atexit, os, runpy

def _peak():
    try:
        with open("/proc/self/status") as status:
            peak = next((line.split()[1] for line in status if line.startswith("VmHWM")), "0")
    except OSError:
        peak = "0"
    with open(os.environ["CSPKIT_TEST_HWM"], "w") as out:
        out.write(peak)

atexit.register(_peak)
runpy.run_module("cspkit", run_name="__main__", alter_sys=True)
"""


def run_cspkit(*args: object, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """``python -m cspkit ARGS`` in ``cwd``; its exit code, output and peak memory (KiB, of that
    one process). The child is killed after ``timeout`` seconds (exit code -9 then)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        peak = Path(tmp) / "peak"
        full_env = {**os.environ, "CSPKIT_CACHE": "0", "CSPKIT_PDF_WORKER": "0", **(env or {}),
                    "CSPKIT_TEST_HWM": str(peak)}
        full_env.pop("CSPKIT_REPO", None)
        proc = subprocess.Popen([sys.executable, "-c", _MEASURED, *map(str, args)], cwd=cwd, env=full_env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        kib = int(peak.read_text() or 0) if peak.exists() else 0
        return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), kib)


def text_of(path: Path) -> str:
    """What a person could read in an output file, whitespace collapsed."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    elif path.suffix in (".docx", ".odt", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            text = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8", "replace"))
                            for n in z.namelist() if n.endswith(".xml"))
    else:
        text = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".ics":
            text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", " ")
    return re.sub(r"\s+", " ", text)


def texts_of(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> its text)."""
    return {p.relative_to(folder).as_posix(): text_of(p) for p in sorted(folder.rglob("*")) if p.is_file()}
