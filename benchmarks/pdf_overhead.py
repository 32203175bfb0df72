"""What cspkit's PDF step costs over WeasyPrint alone with the same options.

    .venv/bin/python benchmarks/pdf_overhead.py [RUNS]     # from the repository root

For each pack: cspkit.pdf.weasyprint_pdf (PDF/UA-1, the second layout of the front sheet
where a paper has one page, the font check) against HTML(...).write_pdf(pdf_variant=
"pdf/ua-1") with the same fetcher, and that against write_pdf() without the variant (what
tagging costs). The runs are interleaved and the fastest of each kept; CPU time is the
figure to read on a busy machine, wall time on a quiet one.
"""
import datetime as dt
import os
import sys
import time

os.environ["CSPKIT_CACHE"] = "0"
from pathlib import Path

from weasyprint import HTML

from cspkit import pdf as P
from cspkit.render import pack_document, render_html
from cspkit.session import open_repo


def cases():
    for root, day in ((Path("."), "2023-10-12"), (Path("examples/county-board"), "2024-03-22")):
        repo = open_repo(root)
        yield root.name or "charnwood", root, render_html(repo, pack_document(repo, repo.meetings[dt.date.fromisoformat(day)], "partners"), "pdf")
    # the county pack with papers on any page: one-page papers, so the front sheet is laid out twice
    import shutil
    import tempfile

    from cspkit.yaml.write import edit_text
    tmp = Path(tempfile.mkdtemp()) / "county"
    shutil.copytree("examples/county-board", tmp)
    config = tmp / "cspkit.yaml"
    config.write_text(edit_text(config.read_text(), lambda d: d["conventions"].__setitem__("papers_start_on_odd_page", False)))
    repo = open_repo(tmp)
    yield "county, papers on any page", tmp, render_html(repo, pack_document(repo, repo.meetings[dt.date(2024, 3, 22)], "partners"), "pdf")
    # a pack with one-page papers: the front sheet is laid out a second time
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp()) / "mini"
    shutil.copytree("tests/fixtures/mini", tmp)
    config = tmp / "cspkit.yaml"
    config.write_text(edit_text(config.read_text(), lambda d: d["conventions"].__setitem__("page_references", "page-range")))
    repo = open_repo(tmp)
    yield "mini (page ranges)", tmp, render_html(repo, pack_document(repo, repo.meetings[dt.date(2023, 10, 12)], "partners"), "pdf")



def alone(html, root, **options):
    return HTML(string=html, base_url=str(root), url_fetcher=P._local_fetcher(root)).write_pdf(**options)


def fastest(html, root, runs: int) -> dict[str, tuple[float, float]]:
    """(wall, cpu) seconds of the fastest run of each way of making the PDF, interleaved."""
    ways = {"cspkit": lambda: P.weasyprint_pdf(html, root),
            "weasyprint ua": lambda: alone(html, root, pdf_variant="pdf/ua-1"),
            "weasyprint plain": lambda: alone(html, root)}
    for make in ways.values():
        make()
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in ways}
    for _ in range(runs):
        for k, make in ways.items():
            t, c = time.perf_counter(), time.process_time()
            make()
            times[k].append((time.perf_counter() - t, time.process_time() - c))
    return {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in times.items()}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for name, root, html in cases():
        best = fastest(html, root, runs)
        print(f"{name}: " + "; ".join(f"{k} wall {w:.3f}s cpu {c:.3f}s" for k, (w, c) in best.items()))
        print(f"   cspkit / weasyprint(ua) = {best['cspkit'][1] / best['weasyprint ua'][1]:.3f} (cpu), "
              f"{best['cspkit'][0] / best['weasyprint ua'][0]:.3f} (wall); "
              f"ua / plain = {best['weasyprint ua'][1] / best['weasyprint plain'][1]:.3f} (cpu)")


if __name__ == "__main__":
    main()
