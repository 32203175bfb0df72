"""Small SVG charts of an indicator's quarterly series (pygal, imported only when drawing)."""

from __future__ import annotations

import re

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
