"""Small SVG charts of an indicator's quarterly series (pygal, imported only when drawing).

A chart is drawn once: its SVG is kept in the user's cache folder (``~/.cache/cspkit/charts``,
never in a repository) under a digest of everything it is drawn from (the series, the unit,
its id, this module and the installed pygal), so a pack rendered again draws nothing and does
not import pygal. A cache that cannot be read or written is no cache; ``CSPKIT_CACHE=0`` turns
it off.

The folder is kept to :data:`KEEP_CHARTS` charts: a chart taken from it is marked used (its
modification time), and when a newly drawn chart takes it past that, the charts least recently
used go (an upgrade of cspkit or pygal changes every digest, so old charts are never asked for
again).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from cspkit.cache import code_fingerprint
from cspkit.fileio import FileRefused, read_file, write_text
from cspkit.usercache import enabled, user_folder

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Evenly spaced round ticks from 0 that reach past ``top``: 39 -> 0, 10, 20, 30, 40."""
    import math

    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def indicator_chart(series: list[tuple[str, float | None, float | None]], unit: str, chart_id: str = "c") -> str:
    """An SVG line chart: this year and the same quarter last year, Q1..Q4.

    Only numbers and quarter labels go into the chart, never free text from records.
    """
    folder = _cache_folder()
    if folder is None:
        return _draw(series, unit, chart_id)
    path = folder / f"{_key(series, unit, chart_id)}.svg"
    try:
        kept = read_file(path, limit=_MAX_SVG_BYTES, inside=folder).decode("utf-8")
        if kept.startswith("<svg"):
            _used(path)
            return kept
    except (OSError, FileRefused, UnicodeDecodeError):
        pass
    svg = _draw(series, unit, chart_id)
    try:
        write_text(path, svg, overwrite=True, durable=False)
        _prune(folder)
    except OSError:
        pass
    return svg


#: The largest chart read back from the cache (one is about 10 KB).
_MAX_SVG_BYTES = 1 << 20
#: How many charts the cache folder keeps (about 20 MB): a county's site draws a few hundred.
KEEP_CHARTS = 2000


def _used(path: Path) -> None:
    """Mark a chart taken from the cache as used now (least recently used charts are pruned)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Keep the cache folder to :data:`KEEP_CHARTS` charts, the most recently used; when it has
    more, it goes down to three quarters of that, so that it is not listed again at every chart
    drawn."""
    with os.scandir(folder) as it:
        charts = [entry for entry in it if entry.name.endswith(".svg") and entry.is_file(follow_symlinks=False)]
    if len(charts) <= KEEP_CHARTS:
        return
    by_use = sorted(charts, key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    for entry in by_use[: len(charts) - KEEP_CHARTS * 3 // 4]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass

def _cache_folder() -> Path | None:
    if not enabled():
        return None
    folder = user_folder() / "charts"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _key(series: list[tuple[str, float | None, float | None]], unit: str, chart_id: str) -> str:
    """A digest of what a chart is drawn from, and of the code that draws it (cspkit's own, by
    content, and the installed pygal, as the parse cache tells an upgrade)."""
    code = code_fingerprint(("pygal",))
    return hashlib.sha256(code + repr((series, unit, chart_id)).encode("utf-8")).hexdigest()


def _draw(series: list[tuple[str, float | None, float | None]], unit: str, chart_id: str) -> str:
    import pygal
    from pygal.etree import etree
    from pygal.style import Style

    etree.to_etree()  # the standard library's serialiser, lxml or not: the same bytes everywhere

    # Sized to be read at half the width of an A4 page: labels come out about 8 pt.
    style = Style(background="white", plot_background="white", foreground="#333", foreground_strong="#111",
                  foreground_subtle="#d9d9d9", colors=("#23395d", "#8a96a3"), font_family="Source Sans 3, sans-serif",
                  label_font_size=14, major_label_font_size=14, legend_font_size=14, value_font_size=12,
                  guide_stroke_color="#d9d9d9", major_guide_stroke_color="#d9d9d9",
                  guide_stroke_dasharray="1,0", major_guide_stroke_dasharray="1,0", stroke_width=2.5)
    chart = pygal.Line(width=400, height=230, style=style, show_legend=True, legend_at_bottom=True,
                       legend_at_bottom_columns=2, legend_box_size=10, truncate_legend=-1, js=[],
                       disable_xml_declaration=True, dots_size=3, explicit_size=True, margin=10,
                       margin_top=14, show_y_guides=True, show_x_guides=False, include_x_axis=True,
                       print_values=False,
                       allow_interruptions=True,
                       formatter=(lambda v: f"{v:g}%") if unit == "percent" else (lambda v: f"{v:g}"),
                       value_formatter=(lambda v: f"{v:g}%") if unit == "percent" else (lambda v: f"{v:g}"))
    # Always the four quarters of the year, so a half-reported year reads as such.
    by_quarter = {q: (v, p) for q, v, p in series}
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    chart.x_labels = quarters
    chart.add("This year", [by_quarter.get(q, (None, None))[0] for q in quarters])
    if any(p is not None for _, _, p in series):
        chart.add("Same period last year", [by_quarter.get(q, (None, None))[1] for q in quarters])
    chart.config.legend_at_bottom_columns = len(chart.raw_series)
    values = [v for _, a, b in series for v in (a, b) if v is not None]
    chart.y_labels = nice_ticks(max(values) if values else 1)
    svg = chart.render(is_unicode=True)
    # pygal embeds its config as a <script>, a random id and the date: drop them or fix them,
    # so the chart is static and the output of a render is the same every time.
    svg = re.sub(r"<script[^>]*>.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<title>Pygal</title>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # "Generated with pygal … on <today's date>"
    return _UUID.sub(chart_id, svg)
