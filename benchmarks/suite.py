#!/usr/bin/env python3
"""Time a warm ``make test`` (the README's test command) and record it in benchmarks/RESULTS.md.

    python benchmarks/suite.py [--runs N] [--no-write]

``make test`` runs once untimed first, so that the virtualenv, the system packages and the
compiled modules are in place (a "warm" run is what a developer waits for after a change); then
``--runs`` timed runs (default 2), each a whole ``make test`` as CI runs it: the gates (ruff,
import-linter, mypy) and the suite on every CPU. The median wall-clock time is recorded, with
the CPU time and the machine's load average, since other work on the machine moves the wall
clock more than anything in the suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START, END = "<!-- make-test: start -->", "<!-- make-test: end -->"


def run_once() -> tuple[float, float, str]:
    """One ``make test``: wall seconds, CPU seconds of it and its children, and pytest's summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"make test failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = next((line for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ passed", line)), "")
    return wall, cpu, summary.strip("= ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2, help="timed runs (the median is recorded)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = ap.parse_args()
    run_once()  # warm: venv, system packages, compiled modules
    runs = [run_once() for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join([
        START,
        "## A warm `make test`",
        "",
        f"Measured {when} by `python benchmarks/suite.py` ({args.runs} timed runs after one untimed; "
        f"{cpus} CPUs, load average {load:.1f} after the last).",
        "",
        "| measure | median | CPU (user + system) | target |",
        "| --- | ---: | ---: | --- |",
        f"| `make test`, warm: the gates and the whole suite ({runs[-1][2]}) | {wall:.0f} s | {cpu:.0f} s | "
        f"< 120 s {'met' if wall < 120 else '**missed**'} |",
        "",
        "Each run: " + ", ".join(f"{w:.0f} s" for w, _, _ in runs) + ". Outside CI, property tests and tests",
        "that repeat a trial make a third of their examples; under `CI` they make them all.",
        END,
    ])
    print(section)
    if args.no_write:
        return
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
