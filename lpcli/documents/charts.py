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


def line(title: str, labels: list[str], values: list, target: float | None = None,
         percent: bool = False) -> str:
    """A line across the months (a gap where a value is unknown or suppressed), dots on the
    months with a value, and the target as a dashed line when there is one. The legend names
    only what needs naming (the months and the target, when there is one): leather draws a
    legend for any chart of more than one series, and unnamed it read 'Unnamed series'
    twice. A percentage's scale ends at 100."""
    if all(v is None for v in values):
        return _nothing(title)   # leather refuses a series with no values
    leather = _leather()

    class Unlisted(leather.Dots):
        def legend_to_svg(self, series, palette):
            return []

    chart = leather.Chart(title)
    last = max(len(labels) - 1, 1)
    chart.set_x_scale(leather.Linear(0, last))
    chart.add_x_axis(ticks=list(range(len(labels))),
                     tick_formatter=lambda value, index, count: labels[int(value)][2:])
    known = [v for v in values if v is not None] + ([target] if target is not None else [])
    top = 100 if percent else max(known + [1]) * 1.1
    chart.set_y_scale(leather.Linear(0, top))
    if target is not None:
        chart.add_series(leather.Series(list(enumerate(values)), name="Each month"),
                         leather.Line(stroke_color="#000000", width=2))
        chart.add_series(leather.Series([(i, target) for i in range(len(labels))],
                                        name="Target (dashed)"),
                         leather.Line(stroke_color="#777777", stroke_dasharray="6 4"))
    else:
        chart.add_series(leather.Series(list(enumerate(values))),
                         _unlisted_line(leather))
    chart.add_series(leather.Series([(i, v) for i, v in enumerate(values) if v is not None]),
                     Unlisted(fill_color="#000000"))
    return _svg(chart)


def _nothing(title: str) -> str:
    """A chart with no value to draw (a new casebook): its title and a sentence saying so."""
    from xml.sax.saxutils import escape

    return (f'<svg viewBox="0 0 {WIDTH} {HEIGHT // 3}" role="img" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<text x="10" y="20" font-family="DejaVu Sans, Arial, sans-serif" font-size="14">'
            f'{escape(title)}</text>'
            '<text x="10" y="50" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
            'No figure to draw in these twelve months.</text></svg>')


def _unlisted_line(leather):
    class Unlisted(leather.Line):
        def legend_to_svg(self, series, palette):
            return []

    return Unlisted(stroke_color="#000000", width=2)
