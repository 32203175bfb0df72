#!/usr/bin/env python3
"""Time ``cspkit minutes import`` of a 40-page Word document into records/, the parse cache warm.

    python benchmarks/minutes_import.py [--runs N] [--pages 40] [--no-write]

A copy of this repository's records (the Charnwood CSP) gets a long set of minutes for its
October 2023 meeting: every agenda item with paragraphs, numbered points with bullets, and
decisions naming their owners, written as Word by ``cspkit minutes export``'s own writer and
grown until it fills the pages asked for (counted by LibreOffice when it is installed, else
estimated at 500 words a page). Each timed run starts from the meeting as it was, with the
cache as ``cspkit validate`` leaves it (untimed), then imports the document as a clerk would:
a whole process, wall clock, the median of the runs. The figure goes into benchmarks/RESULTS.md
(its own section; the rest of the file is run.py's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402

MEETING = dt.date(2023, 10, 12)
TARGET_SECONDS = 2.0
START = "<!-- minutes-import: start -->"
END = "<!-- minutes-import: end -->"


def long_minutes(repo, points_per_item: int, seed: int = 7) -> dict:
    """Minutes for every agenda item of the October meeting: text, points (some with bullets), decisions."""
    rng = random.Random(seed)
    text = generate.Text(rng)
    meeting = repo.meetings[MEETING]
    people = ["dave-stokes", "gareth-harvey", "tim-mccabe", "giuseppe-vassallo", "james-oconnell"]
    items = []
    for agenda in meeting.agenda:
        points: list = []
        for k in range(points_per_item):
            if k % 7 == 3:
                points.append({"text": text.point(), "bullets": [text.work_sentence() for _ in range(3)]})
            else:
                points.append(text.point())
        owner = rng.choice(people)
        name = repo.people[owner].name
        items.append({"item": agenda.number, "title": agenda.title, "body": [
            {"text": text.paragraph(2)},
            {"points": points},
            {"decisions": [{"text": "the information be noted"},
                           {"text": f"{name} report back to the next meeting on {text.pick(generate.THINGS)}",
                            "owners": [owner]}]},
        ]})
    return {"state": "draft", "items": items}


def build_document(repo, path: Path, points_per_item: int) -> int:
    """Write the document; return its number of words."""
    from cspkit.minutes.to_blocks import minutes_blocks, to_docx
    from cspkit.models.meeting import Minutes

    meeting = repo.meetings[MEETING]
    minutes = Minutes.model_validate(long_minutes(repo, points_per_item))
    held = meeting.model_copy(update={"status": "held", "minutes": minutes})
    doc = minutes_blocks(repo, held)
    path.write_bytes(to_docx(doc))
    return sum(len(getattr(b, "plain", "").split()) for b in doc.blocks)


def pages_of(path: Path, work: Path) -> int | None:
    """Pages LibreOffice lays the document out on (None without LibreOffice)."""
    if shutil.which("soffice") is None:
        return None
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(path)],
                   check=True, capture_output=True, timeout=300)
    from pypdf import PdfReader

    return len(PdfReader(str(work / f"{path.stem}.pdf")).pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    from cspkit.session import open_repo

    cspkit = [str(Path(sys.executable).parent / "cspkit")]
    work = Path(tempfile.mkdtemp(prefix="cspkit-minutes-bench-"))
    try:
        repo_dir = work / "charnwood"
        repo_dir.mkdir()
        shutil.copy2(ROOT / "cspkit.yaml", repo_dir / "cspkit.yaml")
        shutil.copytree(ROOT / "records", repo_dir / "records")
        repo = open_repo(repo_dir)
        document = work / "October minutes.docx"
        per_item, pages, words = 10, None, 0
        for _ in range(8):  # grow the document until it fills the pages asked for
            words = build_document(repo, document, per_item)
            pages = pages_of(document, work)
            laid_out = pages if pages is not None else words // 500
            if laid_out >= args.pages:
                break
            per_item = max(per_item + 1, round(per_item * args.pages / max(laid_out, 1)))
        meeting_file = repo_dir / "records" / "meetings" / f"{MEETING}.yaml"
        original = meeting_file.read_bytes()

        def fresh() -> None:
            meeting_file.write_bytes(original)
            subprocess.run([*cspkit, "--repo", str(repo_dir), "validate"], check=True, stdout=subprocess.DEVNULL)

        times, cpu = [], []
        for _ in range(max(args.runs, 1)):
            fresh()
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run([*cspkit, "--repo", str(repo_dir), "minutes", "import", str(MEETING),
                                   str(document)], capture_output=True)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
            if proc.returncode != 0:
                raise SystemExit(f"the import failed: {proc.stderr.decode()[-2000:]}")
        summary = proc.stdout.decode().splitlines()[1]
        seconds = statistics.median(times)
        cpu_seconds = statistics.median(cpu)
        load = os.getloadavg()[0]
        size = f"{pages} pages (as LibreOffice lays it out)" if pages is not None else f"about {words // 500} pages"
        met = "met" if seconds <= TARGET_SECONDS else "**missed**"
        print(f"{size}, {words} words, {document.stat().st_size // 1024} KiB: import {seconds * 1000:.0f} ms "
              f"wall, {cpu_seconds * 1000:.0f} ms CPU (median of {len(times)}; load average {load:.1f}; "
              f"target ≤ {TARGET_SECONDS:.0f} s {met})")
        print(summary)
        if not args.no_write:
            write(seconds, cpu_seconds, load, size, words, document.stat().st_size, summary, len(times), met)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def write(seconds: float, cpu_seconds: float, load: float, size: str, words: int, nbytes: int, summary: str,
          runs: int, met: str) -> None:
    section = "\n".join([
        START,
        "## Importing minutes from Word",
        "",
        f"Measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `python benchmarks/minutes_import.py` "
        f"(median of {runs} runs; whole processes, wall clock).",
        "",
        "| measure | median | CPU (user + system) | target |",
        "| --- | ---: | ---: | --- |",
        f"| `cspkit minutes import 2023-10-12` of a Word document of {size}, {words:,} words "
        f"({nbytes // 1024} KiB), into a copy of records/ with the cache warm | {seconds * 1000:.0f} ms "
        f"| {cpu_seconds * 1000:.0f} ms | ≤ 2 s {met} |",
        "",
        f"The machine's load average was {load:.1f} when it was measured (2 CPUs); the CPU time is the",
        "figure least moved by other work.",
        "",
        f"What it read: {summary.strip()}. Each run restores the meeting file and warms the cache first",
        "(`cspkit validate`, untimed), then imports: reading the .docx (lxml), interpreting it, one",
        "load and check of the repository through the session, and the write of the meeting file.",
        END,
    ])
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: section, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
    print(f"wrote {results}")


if __name__ == "__main__":
    raise SystemExit(main())
