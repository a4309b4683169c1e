"""Charts for the service report, as inline SVG: nothing fetched, nothing run in a browser,
and drawn in black and grey with dashes and dots, so a board pack printed in black and
white reads the same.

leather (a small, pure-Python SVG charting library with no dependencies) draws them; see
README "Dependencies" for why it was chosen over pygal and matplotlib.
"""

from __future__ import annotations

import re

WIDTH, HEIGHT = 640, 260


def _leather():
    import leather

    # leather's look is module-wide: set once, for every chart lpcli draws.
    t = leather.theme
    for name in ("title_font_family", "axis_title_font_family", "tick_font_family",
                 "legend_font_family"):
        setattr(t, name, "DejaVu Sans, Arial, sans-serif")
    t.background_color = "#ffffff"
    t.title_color = t.axis_title_color = t.label_color = t.legend_color = "#000000"
    t.tick_color = "#999999"
    t.title_font_size = "14"
    t.default_series_colors = ["#333333", "#999999"]
    return leather


def _svg(chart) -> str:
    svg = chart.to_svg(width=WIDTH, height=HEIGHT)
    # Scale with the page or the phone: drop the fixed size, keep the drawing's proportions.
    return re.sub(r'^<svg width="\d+" height="\d+"',
                  f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img"', svg, count=1)


def columns(title: str, labels: list[str], values: list) -> str:
    """A column per month (None: suppressed or not known, left empty)."""
    leather = _leather()
    chart = leather.Chart(title)
    chart.add_columns([(label, v or 0) for label, v in zip(labels, values)],
                      fill_color="#555555")
    return _svg(chart)


def line(title: str, labels: list[str], values: list, target: float | None = None) -> str:
    """A line across the months (a gap where a value is unknown or suppressed), dots on the
    months with a value, and the target as a dashed line when there is one."""
    leather = _leather()
    chart = leather.Chart(title)
    last = max(len(labels) - 1, 1)
    chart.set_x_scale(leather.Linear(0, last))
    chart.add_x_axis(ticks=list(range(len(labels))),
                     tick_formatter=lambda value, index, count: labels[int(value)][2:])
    known = [v for v in values if v is not None] + ([target] if target is not None else [])
    chart.set_y_scale(leather.Linear(0, max(known + [1]) * 1.1))
    chart.add_line(list(enumerate(values)), stroke_color="#000000", width=2)
    chart.add_dots([(i, v) for i, v in enumerate(values) if v is not None],
                   fill_color="#000000")
    if target is not None:
        chart.add_line([(i, target) for i in range(len(labels))], stroke_color="#777777",
                       stroke_dasharray="6 4")
    return _svg(chart)
