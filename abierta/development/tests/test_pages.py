"""The public pages of Gestión Abierta and the staff measurement form.

Text is checked on the English pages (/en/...), whose strings are the source strings; numbers,
formulas and structure are the same in both languages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from abierta.core.models import ChangeRecord
from abierta.core.templatetags.figures import cop, num
from abierta.development import display
from abierta.development.models import DevelopmentPlan, Goal, Measurement
from abierta.development.progress import Indicator, Point, goal_progress
from abierta.development.tests.builders import DevPlan, make_dev_plan, measure
from factories import World


@pytest.fixture
def dev(world: World) -> DevPlan:
    return make_dev_plan(world)


def en(path: str) -> str:
    """The English address of a path (reverse() follows the language of the last request)."""
    return "/en" + path.removeprefix("/en")


def text(response: object) -> str:
    """The visible text of <main>, tags removed and spaces collapsed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def row(response: object, goal: Goal) -> str:
    """The plan page's table row of a goal."""
    html = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(rf'<tr id="meta-{goal.pk}">(.*?)</tr>', html, flags=re.S)
    assert match, f"no row for {goal.code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


# Index -------------------------------------------------------------------------------------------


def test_index_lists_published_plans_only(client: Client, dev: DevPlan) -> None:
    DevelopmentPlan.objects.create(
        slug="borrador", title="Plan borrador", jurisdiction="X", period_start=2024, period_end=2027, is_published=False
    )
    response = client.get(en(reverse("development:index")))
    assert response.status_code == 200
    assert (
        f'href="{en(dev.plan.get_absolute_url())}"' in response.content.decode()
        or dev.plan.get_absolute_url() in response.content.decode()
    )
    page = text(response)
    assert dev.plan.title in page and "Plan borrador" not in page
    # P1 = 70 % (its measured programme), P2 = 50 %: the plan is at 60 %.
    assert "60 %" in page


def test_transparency_page_links_the_index(client: Client, dev: DevPlan) -> None:
    response = client.get(reverse("site:transparency"))
    assert f'href="{reverse("development:index")}"' in response.content.decode()


# Plan tree ---------------------------------------------------------------------------------------


def test_plan_tree(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.plan.get_absolute_url()))
    assert response.status_code == 200
    page = text(response)
    for name in ("P1 Pilar social", "P2 Pilar económico", "P1.1 Salud", "P1.2 Educación", "P2.1 Empleo"):
        assert name in page
    # A programme with half its goals measured says what it is based on.
    assert "based on goals weighing 100 % of the programme" in page
    assert "based on programmes weighing 50 % of the pillar" in page
    g1 = row(response, dev.g1)
    assert "G1" in g1 and "Reducir la pobreza multidimensional" in g1 and "Oficina Propia" in g1
    assert "31" in g1 and "30 %" in g1 and "90 %" in g1
    assert "50" in row(response, dev.g2) and "100 personas" in row(response, dev.g2)
    assert "exceeded" in row(response, dev.g4) and "100 %" in row(response, dev.g4)
    assert "worsened" in row(response, dev.g5) and "0 %" in row(response, dev.g5)
    assert "exceeded" not in g1 and "worsened" not in g1


def test_no_data_is_never_zero(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.plan.get_absolute_url()))
    g3 = row(response, dev.g3)
    assert "no data" in g3
    assert not re.search(r"(?<![\d.,])0 %", g3)
    # Its programme has no measured goal: no data, and no coverage sentence.
    html = response.content.decode()
    programme = html[html.index("P1.2 Educación") : html.index("<table", html.index("P1.2 Educación"))]
    assert "no data" in programme and "%" not in re.sub(r"<[^>]+>", "", programme)


def test_every_goal_figure_links_to_the_goal(client: Client, dev: DevPlan) -> None:
    response = client.get(dev.plan.get_absolute_url())
    html = response.content.decode()
    for goal in (dev.g1, dev.g2, dev.g3, dev.g4, dev.g5):
        url = goal.get_absolute_url()
        assert f'href="{url}"' in html
        assert f'href="{url}#mediciones"' in html  # the level
        assert f'href="{url}#avance"' in html  # the percentage


def test_filter_by_pillar(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.plan.get_absolute_url()), {"pilar": "P2"})
    page = text(response)
    assert "G4" in page and "G5" in page
    assert "P1.1 Salud" not in page and "G1 " not in page
    assert "Filtered:" in page and "P2 Pilar económico" in page and "2 goals shown" in page
    assert '<option value="P2" selected>' in response.content.decode()
    assert "Show the whole plan" in page


def test_filter_by_office(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.plan.get_absolute_url()), {"dependencia": "ajena"})
    page = text(response)
    assert "G3" in page and "G4" in page
    assert not any(f"G{i} " in page for i in (1, 2, 5))
    assert "Oficina Ajena" in page and "2 goals shown" in page
    assert '<option value="ajena" selected>' in response.content.decode()


def test_filters_combined_and_unknown(client: Client, dev: DevPlan) -> None:
    page = text(client.get(en(dev.plan.get_absolute_url()), {"pilar": "P2", "dependencia": "propia"}))
    assert "G5" in page and "G4" not in page and "1 goal shown" in page
    page = text(client.get(en(dev.plan.get_absolute_url()), {"pilar": "P9"}))
    assert "No goal matches these filters." in page and "“P9”" in page


def test_whole_plan_without_filters_says_so(client: Client, dev: DevPlan) -> None:
    page = text(client.get(en(dev.plan.get_absolute_url())))
    assert "The whole plan: 5 goals." in page and "Filtered:" not in page


# Goal page ---------------------------------------------------------------------------------------


def test_goal_page_decreasing_point(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.g1.get_absolute_url()))
    assert response.status_code == 200
    page = text(response)
    assert "Índice de pobreza multidimensional" in page
    assert "Decrease" in page and "Point in time" in page
    assert "(31 − 40) ÷ (30 − 40) = 90 %" in page
    assert "should go down" in page
    assert "40 % (2023)" in page  # baseline with its year
    assert "Oficina Propia" in page
    html = response.content.decode()
    # Chart with its accessible name, and the table with the same data.
    assert 'role="img"' in html and "The table gives the same data." in html
    assert '<time datetime="2024-12-31">' in html and '<time datetime="2025-06-30">' in html
    assert "Encuesta de prueba" in page
    # Yearly table: the years without measurement say so.
    years = html[html.index('id="years-heading"') :]
    years = years[: years.index("</table>")]
    assert years.count("no data") == 4  # 2026 and 2027: level and progress
    # The OGP commitment that serves it.
    assert f'href="{en(dev.g1.commitments.get().get_absolute_url())}"' in html


def test_goal_page_cumulative_with_budget(client: Client, dev: DevPlan) -> None:
    page = text(client.get(dev.g2.get_absolute_url()))
    assert "50 ÷ 100 = 50 %" in page
    assert "$ 1.250.000.000" in page
    en_page = text(client.get(en(dev.g2.get_absolute_url())))
    assert "Cumulative" in en_page and "sum of the measurements" in en_page
    assert "$ 1,250,000,000" in en_page


def test_goal_page_worsened_and_exceeded(client: Client, dev: DevPlan) -> None:
    page = text(client.get(en(dev.g5.get_absolute_url())))
    assert "(45 − 50) ÷ (70 − 50) = -25 %" in page and "worsened" in page
    page = text(client.get(en(dev.g4.get_absolute_url())))
    assert "(25 − 10) ÷ (20 − 10) = 150 %" in page and "exceeded" in page
    assert "100 %" in page  # the bar shows at most 100 %


def test_goal_page_without_data(client: Client, dev: DevPlan) -> None:
    response = client.get(en(dev.g3.get_absolute_url()))
    page = text(response)
    assert "no data" in page and "No measurements yet." in page
    assert "÷" not in page  # no formula without a level
    assert 'role="img"' not in response.content.decode()  # no empty chart
    html = response.content.decode()
    progress = html[html.index('id="avance"') : html.index('id="mediciones"')]
    assert "no data" in progress and not re.search(r"(?<![\d.,])0 %", re.sub(r"<[^>]+>", " ", progress))


def test_goal_page_history(client: Client, dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    editor = persona_client("editor_own")
    response = editor.post(
        reverse("development:measurement_new", args=[dev.g1.pk]),
        {"date": "2025-12-31", "value": "30", "source": "Informe anual", "source_url": "https://example.org/informe"},
    )
    assert response.status_code == 302
    html = client.get(dev.g1.get_absolute_url()).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Editor_own" in history and "Oficina Propia" in history
    assert 'href="https://example.org/informe"' in html


def test_html_in_titles_is_escaped(client: Client, dev: DevPlan) -> None:
    evil = '<script>alert("x")</script>'
    Goal.objects.filter(pk=dev.g1.pk).update(title=evil, indicator=evil, unit="<b>u</b>")
    dev.p1.name = evil
    dev.p1.save()
    Measurement.objects.filter(goal=dev.g1).update(source=evil, note=evil)
    for url in (dev.plan.get_absolute_url(), dev.g1.get_absolute_url(), reverse("development:index")):
        html = client.get(url).content.decode()
        assert evil not in html and "<b>u</b>" not in html, url
    html = client.get(dev.g1.get_absolute_url()).content.decode()
    assert "&lt;script&gt;" in html
    title = html[html.index("<title>") : html.index("</title>")]
    assert "&lt;script&gt;" in title


@pytest.mark.parametrize(
    "path",
    [
        "/plan-de-desarrollo/no-existe/",
        "/plan-de-desarrollo/pdd-prueba/metas/NO-EXISTE/",
        "/plan-de-desarrollo/borrador/",
        "/plan-de-desarrollo/borrador/metas/B1/",
        "/plan-de-desarrollo/borrador/metas/G1/",  # G1 is a goal of another plan
    ],
)
def test_not_found(client: Client, dev: DevPlan, path: str) -> None:
    draft = DevelopmentPlan.objects.create(
        slug="borrador", title="Borrador", jurisdiction="X", period_start=2024, period_end=2027, is_published=False
    )
    pillar = draft.pillars.create(code="B", name="B")
    programme = pillar.programmes.create(code="B.1", name="B.1")
    Goal.objects.create(
        programme=programme,
        code="B1",
        title="B1",
        indicator="i",
        unit="u",
        baseline=0,
        target=1,
        responsible=dev.g1.responsible,
    )
    assert client.get(path).status_code == 404


def test_commitment_page_lists_the_goals_it_serves(client: Client, dev: DevPlan, world: World) -> None:
    html = client.get(en(world.commitment.get_absolute_url())).content.decode()
    assert "Development plan goals this commitment serves" in html
    assert f'href="{en(dev.g1.get_absolute_url())}"' in html
    other = client.get(en(world.other_commitment.get_absolute_url())).content.decode()
    assert "Development plan goals this commitment serves" not in other


# Recording a measurement -------------------------------------------------------------------------


def form_url(goal: Goal) -> str:
    return reverse("development:measurement_new", args=[goal.pk])


def test_measurement_changes_the_progress_for_everyone(
    client: Client, dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    # An anonymous visitor's page is cached; a new measurement must show at once all the same.
    assert "90 %" in row(client.get(dev.plan.get_absolute_url()), dev.g1)
    assert "no data" in row(client.get(en(dev.plan.get_absolute_url())), dev.g3)
    editor = persona_client("editor_other")
    response = editor.post(form_url(dev.g3), {"date": "2025-10-01", "value": "20,5", "source": "Registro"})
    assert response.status_code == 302
    assert "30 %" in row(client.get(dev.plan.get_absolute_url()), dev.g3) or "26 %" in row(
        client.get(dev.plan.get_absolute_url()), dev.g3
    )
    page = text(client.get(en(dev.g3.get_absolute_url())))
    assert "(20.5 − 0) ÷ (80 − 0) = 26 %" in page
    record = ChangeRecord.objects.get(scope=dev.g3.history_scope())
    assert record.actor_name.startswith("Editor_other") and record.actor_institution == "Oficina Ajena"


def test_duplicate_date_is_refused_and_keeps_the_input(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    editor = persona_client("editor_own")
    before = Measurement.objects.count()
    data = {"date": "2025-06-30", "value": "28,25", "source": "Mi fuente tecleada", "note": "Nota tecleada"}
    response = editor.post(en(form_url(dev.g1)), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has a measurement dated 2025-06-30" in html
    assert 'value="28,25"' in html and 'value="Mi fuente tecleada"' in html and 'value="Nota tecleada"' in html
    assert 'value="2025-06-30"' in html
    assert Measurement.objects.count() == before
    assert Measurement.objects.get(goal=dev.g1, date=datetime.date(2025, 6, 30)).value == Decimal(31)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2025-07-01", "value": "1.234,5", "source": "S"}, "value"),
        ({"date": "2025-07-01", "value": "muchos", "source": "S"}, "value"),
        ({"date": "no-es-fecha", "value": "3", "source": "S"}, "date"),
        ({"date": "2999-01-01", "value": "3", "source": "S"}, "date"),
        ({"date": "2025-07-01", "value": "3", "source": ""}, "source"),
        ({"date": "2025-07-01", "value": "3", "source": "S", "source_url": "javascript:alert(1)"}, "source_url"),
    ],
)
def test_bad_input_is_refused(
    dev: DevPlan, persona_client: Callable[[str], Client], data: dict[str, str], field: str
) -> None:
    editor = persona_client("editor_own")
    before = (Measurement.objects.count(), ChangeRecord.objects.count())
    response = editor.post(form_url(dev.g1), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    assert (Measurement.objects.count(), ChangeRecord.objects.count()) == before


def test_point_or_comma_decimals(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    editor = persona_client("editor_own")
    assert editor.post(form_url(dev.g1), {"date": "2025-07-01", "value": "32.75", "source": "S"}).status_code == 302
    assert editor.post(form_url(dev.g1), {"date": "2025-08-01", "value": "32,5", "source": "S"}).status_code == 302
    values = list(
        Measurement.objects.filter(goal=dev.g1, date__month__in=[7, 8]).order_by("date").values_list("value", flat=True)
    )
    assert values == [Decimal("32.75"), Decimal("32.5")]


def test_new_measurement_moves_a_point_goal(
    dev: DevPlan, client: Client, persona_client: Callable[[str], Client]
) -> None:
    measure(dev.g5, datetime.date(2025, 9, 1), "65")
    page = text(client.get(en(dev.g5.get_absolute_url())))
    assert "(65 − 50) ÷ (70 − 50) = 75 %" in page and "worsened" not in page


# The computation as the goal page writes it ------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "values", "expected"),
    [
        (Indicator(Decimal(40), Decimal(30), "decrease"), ["35", "31"], "(31 − 40) ÷ (30 − 40) = 90 %"),
        (Indicator(Decimal(10), Decimal(20)), ["25"], "(25 − 10) ÷ (20 − 10) = 150 %"),
        (Indicator(Decimal("2.5"), Decimal("7.5")), ["3.75"], "(3,75 − 2,5) ÷ (7,5 − 2,5) = 25 %"),
        (Indicator(Decimal(500), Decimal(100), accumulation="cumulative"), ["30", "20"], "50 ÷ 100 = 50 %"),
        (Indicator(Decimal(95), Decimal(95)), ["96"], "96 ≥ 95 → 100 %"),
        (Indicator(Decimal(95), Decimal(95)), ["94"], "94 < 95 → 0 %"),
        (Indicator(Decimal(5), Decimal(5), "decrease"), ["4"], "4 ≤ 5 → 100 %"),
        (Indicator(Decimal(5), Decimal(5), "decrease"), ["6"], "6 > 5 → 0 %"),
    ],
)
def test_formula_text(indicator: Indicator, values: list[str], expected: str) -> None:
    points = [Point(datetime.date(2025, i + 1, 1), Decimal(v)) for i, v in enumerate(values)]
    with translation.override("es-co"):
        assert display.formula(indicator, goal_progress(indicator, points)) == expected


def test_no_formula_without_measurements() -> None:
    ind = Indicator(Decimal(0), Decimal(10))
    assert display.formula(ind, goal_progress(ind, [])) is None


def test_explanations_differ_by_kind() -> None:
    with translation.override("en"):
        texts = {
            display.explanation(Indicator(Decimal(0), Decimal(10))),
            display.explanation(Indicator(Decimal(10), Decimal(0), "decrease")),
            display.explanation(Indicator(Decimal(0), Decimal(10), accumulation="cumulative")),
            display.explanation(Indicator(Decimal(5), Decimal(5))),
        }
    assert len(texts) == 4 and all(t.endswith(".") for t in texts)


def test_number_filters() -> None:
    with translation.override("es-co"):
        assert (num(Decimal("31.5000")), num(Decimal("1234567.0000")), num(None)) == ("31,5", "1.234.567", "")
        assert cop(Decimal("1250000000.00")) == "$ 1.250.000.000"
    with translation.override("en"):
        assert (num(Decimal("31.5000")), cop(Decimal("1500.4"))) == ("31.5", "$ 1,500")


def test_chart_scale_is_round_and_not_localized(dev: DevPlan) -> None:
    ind = Indicator(Decimal(40), Decimal(30), "decrease")
    points = [Point(datetime.date(2024, 12, 31), Decimal("35.5")), Point(datetime.date(2025, 6, 30), Decimal(31))]
    with translation.override("es-co"):
        chart = display.chart(ind, points, 2024, 2027)
    assert chart is not None
    assert [t.label for t in chart.y_ticks] == ["30", "35", "40"]
    assert all("," not in p.x and "," not in p.y for p in chart.points)
    assert [t.label for t in chart.x_ticks] == ["2024", "2025", "2026", "2027"]
    assert display.chart(ind, [], 2024, 2027) is None


def test_the_whole_tree_is_computed_once_per_version(client: Client, dev: DevPlan, settings: Any) -> None:
    """The roll-up of a plan's goals and measurements is kept until the plan's content changes:
    a second visit reads no goal, and a new measurement shows at once on both pages."""
    settings.ABIERTA_PAGE_CACHE_SECONDS = 0  # the page itself is rendered each time
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page, index = reverse("development:plan", args=[dev.plan.slug]), reverse("development:index")
    first = client.get(page)
    with CaptureQueriesContext(connection) as again:
        assert client.get(page).content == first.content
    assert not any("development_measurement" in q["sql"] for q in again.captured_queries)
    client.get(index)
    with CaptureQueriesContext(connection) as listed:
        client.get(index)
    assert not any("development_goal" in q["sql"] for q in listed.captured_queries)
    before = row(first, dev.g1)
    measure(dev.g1, datetime.date(2025, 12, 31), "33")
    assert row(client.get(page), dev.g1) != before
