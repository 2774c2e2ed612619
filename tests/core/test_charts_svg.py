"""The server-side SVG charts: responsive, a zero line, values on bars, a table with the same numbers."""

import re
import xml.etree.ElementTree as ET

from maatwerk.core.charts import Series, bar_chart, format_fraction_percent, grouped_bar_chart, line_chart, tornado_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def _svg(html):
    return ET.fromstring(re.search(r"<svg.*?</svg>", str(html), re.S).group(0))


def _table_numbers(html):
    cells = re.findall(r'<td class="num">([^<]*)</td>', str(html))
    return [float(c.replace(".", "").replace(",", ".").replace("−", "-")) for c in cells]


def test_every_chart_is_responsive_without_a_fixed_pixel_width():
    charts = [
        line_chart(["2020", "2021"], [Series("a", [1, 2])], "t", "d", unit="t"),
        grouped_bar_chart(["2020", "2021"], [Series("a", [-1, 2])], "t", "d"),
        bar_chart(["x"], [3.0], "t", "d"),
        tornado_chart([{"label": "p", "low": 1.0, "high": 3.0, "base": 2.0}], "t", "d"),
    ]
    for chart in charts:
        svg = _svg(chart)
        assert svg.get("viewBox")
        assert svg.get("width") == "100%"
        assert svg.get("role") == "img" and svg.get("aria-labelledby")


def test_cash_flow_bars_have_a_zero_line_at_the_y_of_zero():
    chart = grouped_bar_chart(["2025", "2026", "2027"], [Series("Kasstroom", [-300.0, 100.0, 200.0])], "Kasstromen", "d")
    svg = _svg(chart)
    rects = {float(r.get("data-value")): r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.get("data-value")}
    # y of zero, read independently from the bars: the top of the negative bar, the bottom of a positive one
    zero_from_negative = float(rects[-300.0].get("y"))
    zero_from_positive = float(rects[100.0].get("y")) + float(rects[100.0].get("height"))
    assert abs(zero_from_negative - zero_from_positive) < 0.1
    zero_lines = [ln for ln in svg.iter("{http://www.w3.org/2000/svg}line") if ln.get("class") == "zero-line"]
    assert zero_lines
    for line in zero_lines:
        assert line.get("y1") == line.get("y2")
        assert abs(float(line.get("y1")) - zero_from_negative) < 0.11


def test_line_chart_has_a_zero_line_where_the_zero_point_is():
    svg = _svg(line_chart(["a", "b", "c"], [Series("s", [-50.0, 0.0, 80.0])], "t", "d"))
    zero_point = [c for c in svg.iter("{http://www.w3.org/2000/svg}circle") if c.get("data-value") == "0.0"][0]
    zero_lines = [ln for ln in svg.iter("{http://www.w3.org/2000/svg}line") if ln.get("class") == "zero-line"]
    assert any(abs(float(ln.get("y1")) - float(zero_point.get("cy"))) < 0.11 for ln in zero_lines)


def test_tornado_shows_its_low_and_high_values():
    rows = [{"label": "Investering", "low": 8_000_000.0, "high": 12_000_000.0, "base": 10_000_000.0}]
    html = str(tornado_chart(rows, "t", "d"))
    texts = re.findall(r'class="bar-value"[^>]*>([^<]*)<', html)
    assert "8,0 mln" in texts and "12 mln" in texts


def test_table_alternative_holds_the_same_numbers_as_the_input():
    values = [1234.0, -56.0, 789012.0]
    html = line_chart(["2020", "2021", "2022"], [Series("s", values)], "t", "d")
    assert "Tabel bij de grafiek" in str(html)
    assert _table_numbers(html) == values
    bars = bar_chart(["a", "b"], [12.0, 3400.0], "t", "d")
    assert _table_numbers(bars) == [12.0, 3400.0]


def test_irr_is_written_as_a_percentage():
    assert format_fraction_percent(0.0153) == "1,5%"
    assert format_fraction_percent(0.38) == "38%"
