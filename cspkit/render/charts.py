"""Small SVG charts of an indicator's quarterly series (pygal, imported only when drawing)."""

from __future__ import annotations


import re

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def indicator_chart(series: list[tuple[str, float | None, float | None]], unit: str, chart_id: str = "c") -> str:
    """An SVG line chart: this year and the same quarter last year, Q1..Q4.

    Only numbers and quarter labels go into the chart, never free text from records.
    """
    import pygal
    from pygal.style import Style

    style = Style(background="white", plot_background="white", foreground="#333", foreground_strong="#111",
                  foreground_subtle="#ccc", colors=("#1f4e79", "#9aa5b1"), font_family="DejaVu Sans, sans-serif",
                  label_font_size=11, major_label_font_size=11, legend_font_size=11, value_font_size=10)
    chart = pygal.Line(width=360, height=180, style=style, show_legend=True, legend_at_bottom=True,
                       legend_at_bottom_columns=2, js=[], disable_xml_declaration=True, dots_size=3,
                       explicit_size=True, margin=8, show_y_guides=True, include_x_axis=False,
                       print_values=False, allow_interruptions=True)
    chart.x_labels = [q for q, _, _ in series]
    chart.add("This year", [v for _, v, _ in series])
    if any(p is not None for _, _, p in series):
        chart.add("Last year", [p for _, _, p in series])
    svg = chart.render(is_unicode=True)
    # pygal embeds its config as a <script> and a random id: drop the one, fix the other,
    # so the chart is static and the output of a render is the same every time.
    svg = re.sub(r"<script[^>]*>.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<title>Pygal</title>", "", svg)
    return _UUID.sub(chart_id, svg)
