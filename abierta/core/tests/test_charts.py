"""The bar-chart geometry every chart of the site is drawn from, and the template that draws it."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from abierta.core.charts import BAR_SPACE, ROW_HEIGHT, bar_chart, bar_layout, bar_width


def test_widths_are_proportional_and_any_value_shows() -> None:
    assert bar_width(10, 10) == BAR_SPACE
    assert bar_width(5, 10, 300) == 150
    assert bar_width(1, 100_000) == 1  # too small to see: one unit, not nothing
    assert bar_width(0, 10) == 0
    assert bar_width(0, 0) == 0
    assert bar_width(Decimal("2.5"), Decimal(10), 100) == 25


def test_layout_puts_one_row_under_another() -> None:
    places, height = bar_layout([3, 0, 6], space=300)
    assert places == [(0, 150), (ROW_HEIGHT, 0), (2 * ROW_HEIGHT, 300)]
    assert height == 3 * ROW_HEIGHT
    assert bar_layout([]) == ([], ROW_HEIGHT)


def test_the_template_draws_each_row_with_its_accessible_name() -> None:
    chart = bar_chart([("1. Parque", 30, "30"), ("2. <Vía>", 10, "10")])
    assert [(r.y, r.width, r.text_x) for r in chart.rows] == [(0, BAR_SPACE, BAR_SPACE + 6), (40, 127, 133)]
    html = render_to_string("includes/bar_chart.html", {"chart": chart, "title_id": "t", "title": "Votos"})
    assert 'aria-labelledby="t"' in html and '<title id="t">Votos</title>' in html
    assert f'viewBox="0 0 560 {2 * ROW_HEIGHT}"' in html
    assert html.count("<rect ") == 2 and 'class="bar"' not in html
    assert "&lt;Vía&gt;" in html
    assert 'class="bar"' in render_to_string("includes/bar_chart.html", {"chart": chart, "bar_class": "bar"})
