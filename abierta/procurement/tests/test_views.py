"""Public pages of the PAA and the Feria de la Transparencia: filters, UNSPSC prefix search, totals
against a hand computation, charts with their tables, CSV, planned vs contracted."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.contracting.tests.factories import make_contract
from abierta.core.models import Institution
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan
from abierta.procurement.services import plan_match_contracts

pytestmark = pytest.mark.django_db

D = Decimal


def line(plan: ProcurementPlan, n: int, **fields: Any) -> PlanLine:
    defaults: dict[str, Any] = {
        "unspsc_codes": "72141003",
        "description": f"Compra {n}",
        "start_month": 3,
        "modality": "Licitación pública",
        "funding_source": "Recursos propios",
        "total_value": D("1000000"),
        "row_hash": str(n),
    }
    defaults.update(fields)
    return PlanLine.objects.create(plan=plan, line=n, **defaults)


@pytest.fixture
def plan() -> ProcurementPlan:
    office = Institution.objects.create(name="Secretaría de Infraestructura", slug="infraestructura")
    plan = ProcurementPlan.objects.create(
        entity_name="Alcaldía de Cartagena", entity_nit="890480184", year=2024, office=office
    )
    line(
        plan,
        3,
        unspsc_codes="72141003;72141100",
        description="Pavimentación de vías en Olaya Herrera",
        total_value=D("1500000000"),
        start_month=3,
    )
    line(
        plan,
        4,
        unspsc_codes="81101500",
        description="Interventoría de la pavimentación",
        modality="Concurso de méritos abierto",
        total_value=D("150000000"),
        start_month=3,
    )
    line(
        plan,
        5,
        unspsc_codes="80111600",
        description="Servicios profesionales de apoyo jurídico",
        modality="Contratación directa",
        funding_source="Sistema General de Participaciones",
        total_value=D("60000000"),
        start_month=1,
    )
    line(
        plan,
        6,
        unspsc_codes="15101506",
        description="Suministro de combustible para vehículos",
        modality="Selección abreviada subasta inversa",
        total_value=D("240000000"),
        start_month=2,
    )
    line(
        plan,
        7,
        unspsc_codes="",
        description="Licencias de programas",
        modality="Contratación directa",
        total_value=D("40000000"),
        start_month=None,
    )
    return plan


def url(plan: ProcurementPlan, **query: str) -> str:
    path = plan.get_absolute_url()
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


def shown_lines(response: Any) -> list[int]:
    return [row["line"].line for row in response.context["rows"]]


def test_index_lists_plans_by_year_with_totals(plan: ProcurementPlan, client: Client) -> None:
    ProcurementPlan.objects.create(entity_name="Alcaldía de Cartagena", entity_nit="890480184", year=2023)
    response = client.get(reverse("procurement:index"))
    assert response.status_code == 200
    years = response.context["years"]
    assert [g["year"] for g in years] == [2024, 2023]
    assert years[0]["lines"] == 5
    assert years[0]["total"] == D("1990000000")  # 1.500 + 150 + 60 + 240 + 40 millions
    assert b"1.990.000.000" in response.content
    filtered = client.get(reverse("procurement:index"), {"year": "2023"})
    assert [g["year"] for g in filtered.context["years"]] == [2023]
    by_office = client.get(reverse("procurement:index"), {"office": "infraestructura"})
    assert [g["year"] for g in by_office.context["years"]] == [2024]
    bad = client.get(reverse("procurement:index"), {"year": "1999"})
    assert bad.status_code == 400
    assert "Escoja una opción válida" in bad.content.decode()


def test_plan_page_lists_every_line(plan: ProcurementPlan, client: Client) -> None:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert shown_lines(response) == [3, 4, 5, 6, 7]
    assert "Pavimentación de vías en Olaya Herrera" in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("72", [3]),  # segment
        ("7214", [3]),  # family
        ("721411", [3]),  # class, second code of the line
        ("72141100", [3]),  # commodity
        ("80", [5]),
        ("81", [4]),
        ("15101506", [6]),
        ("14", []),
    ],
)
def test_unspsc_prefix_search(plan: ProcurementPlan, client: Client, prefix: str, expected: list[int]) -> None:
    response = client.get(url(plan, unspsc=prefix))
    assert response.status_code == 200
    assert shown_lines(response) == expected


def test_unspsc_search_does_not_match_inside_a_code(plan: ProcurementPlan, client: Client) -> None:
    # "41" is inside 72141003 but starts no code.
    assert shown_lines(client.get(url(plan, unspsc="41"))) == []


@pytest.mark.parametrize("bad", ["7", "72a", "123", "721410031"])
def test_bad_unspsc_is_a_400_with_the_input_kept(plan: ProcurementPlan, client: Client, bad: str) -> None:
    response = client.get(url(plan, unspsc=bad))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Escriba 2, 4, 6 u 8 dígitos" in body or "Write 2, 4, 6 or 8 digits" in body
    assert f'value="{bad}"' in body
    assert shown_lines(response) == [3, 4, 5, 6, 7]


def test_text_and_filters(plan: ProcurementPlan, client: Client) -> None:
    assert shown_lines(client.get(url(plan, q="pavimentación"))) == [3, 4]
    assert shown_lines(client.get(url(plan, q="interventoría pavimentación"))) == [4]
    assert shown_lines(client.get(url(plan, modality="Contratación directa"))) == [5, 7]
    assert shown_lines(client.get(url(plan, funding="Sistema General de Participaciones"))) == [5]
    assert shown_lines(client.get(url(plan, month="3"))) == [3, 4]
    assert shown_lines(client.get(url(plan, month="3", unspsc="81"))) == [4]
    assert client.get(url(plan, modality="Inventada")).status_code == 400
    assert client.get(url(plan, month="13")).status_code == 400


def test_totals_match_a_hand_computation(plan: ProcurementPlan, client: Client) -> None:
    response = client.get(plan.get_absolute_url())
    modality, month, funding = response.context["totals"]
    assert {r.label: (r.lines, r.value) for r in modality.rows} == {
        "Licitación pública": (1, D("1500000000")),
        "Selección abreviada subasta inversa": (1, D("240000000")),
        "Concurso de méritos abierto": (1, D("150000000")),
        "Contratación directa": (2, D("100000000")),
    }
    assert modality.rows[0].label == "Licitación pública"  # largest first
    assert modality.value == D("1990000000") and modality.lines == 5
    assert {r.key: r.value for r in month.rows if r.value} == {
        "1": D("60000000"),
        "2": D("240000000"),
        "3": D("1650000000"),
        "": D("40000000"),  # no month stated
    }
    assert len(month.rows) == 13
    assert {r.label: r.value for r in funding.rows} == {
        "Recursos propios": D("1930000000"),
        "Sistema General de Participaciones": D("60000000"),
    }
    assert [r.share for r in funding.rows] == [97, 3]
    # Totals follow the search.
    filtered = client.get(url(plan, modality="Contratación directa"))
    assert filtered.context["totals"][0].value == D("100000000")


def test_every_chart_has_its_table(plan: ProcurementPlan, client: Client) -> None:
    body = client.get(plan.get_absolute_url()).content.decode()
    assert body.count('<svg class="chart" role="img"') == 3
    for slug in ("por-modalidad", "por-mes", "por-fuente"):
        assert f'aria-labelledby="{slug}-title"' in body
        assert f'<title id="{slug}-title">' in body
        section = body[body.index(f'id="{slug}-heading"') :]
        section = section[: section.index("</section>")]
        assert "<table>" in section and "<figure>" in section
    assert "$ 1.500.000.000" in body
    main = body[body.index("<main") : body.index("</main>")]
    assert "style=" not in main and "<script" not in main  # nothing the CSP would block


def test_pages_are_paged_and_keep_the_search(plan: ProcurementPlan, client: Client) -> None:
    for n in range(10, 70):
        line(plan, n, description=f"Mantenimiento de parque {n}", unspsc_codes="72102900")
    response = client.get(url(plan, unspsc="7210"))
    assert len(response.context["rows"]) == 50
    assert "?unspsc=7210&amp;page=2" in response.content.decode()
    second = client.get(url(plan, unspsc="7210", page="2"))
    assert shown_lines(second) == list(range(60, 70))
    html = second.content.decode()
    assert "?unspsc=7210&amp;page=1" in html
    # The CSV link keeps the search; the site's search box does not get the list's parameters.
    assert f'{reverse("procurement:plan_csv", args=[plan.pk])}?unspsc=7210"' in html
    assert 'id="site-search" type="search" name="q" value=""' in html


def test_csv_of_the_filtered_lines(plan: ProcurementPlan, client: Client) -> None:
    plan.lines.filter(line=5).update(description="=HYPERLINK(1)")
    response = client.get(reverse("procurement:plan_csv", args=[plan.pk]), {"modality": "Contratación directa"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:6] == ["Entidad", "NIT", "Vigencia", "Línea", "Códigos UNSPSC", "Descripción"]
    assert [r[3] for r in rows[1:]] == ["5", "7"]
    assert rows[1][5] == "'=HYPERLINK(1)"  # no formula injection
    assert rows[1][6] == "Enero" and rows[1][12] == "60000000"
    everything = client.get(reverse("procurement:plan_csv", args=[plan.pk]))
    assert len(list(csv.reader(io.StringIO(everything.getvalue().decode("utf-8-sig"))))) == 6
    assert client.get(reverse("procurement:plan_csv", args=[plan.pk]), {"unspsc": "x"}).status_code == 400


def test_planned_vs_contracted(plan: ProcurementPlan, client: Client) -> None:
    paving = make_contract(
        buyer_nit="890480184",
        year=2024,
        category_code="V1.72141003",
        value=D("1400000000"),
        original_value=D("1400000000"),
    )
    outside = make_contract(
        buyer_nit="890480184", year=2024, category_code="V1.43211500", value=D("90000000"), original_value=D("90000000")
    )
    make_contract(buyer_nit="999999999", year=2024, category_code="V1.81101500", value=D("150000000"))
    plan_match_contracts(plan=plan)
    response = client.get(plan.get_absolute_url())
    comparison = response.context["comparison"]
    assert comparison.lines_contracted == 1
    assert comparison.planned_contracted == D("1500000000")
    assert comparison.contracted == D("1400000000")
    assert comparison.outside_count == 1 and comparison.outside_value == D("90000000")
    assert comparison.outside == [outside]
    assert comparison.planned_share == 75  # 1.500 of 1.990 millions
    assert comparison.outside_share == 6  # 90 of 1.490 millions
    body = response.content.decode()
    assert str(paving) in body and str(outside) in body


def test_plan_without_nit_is_not_compared(client: Client) -> None:
    plan = ProcurementPlan.objects.create(entity_name="Sin NIT", year=2024)
    line(plan, 3)
    response = client.get(plan.get_absolute_url())
    assert response.context["comparison"].evaluable is False
    assert response.status_code == 200


def test_unknown_plan_is_404(client: Client) -> None:
    assert client.get(reverse("procurement:plan", args=[999])).status_code == 404
    assert client.get(reverse("procurement:plan_csv", args=[999])).status_code == 404


def test_fairs_and_fair_page(plan: ProcurementPlan, client: Client) -> None:
    soon = Fair.objects.create(
        title="Feria de la Transparencia 2025",
        date=timezone.now() + datetime.timedelta(days=20),
        place="Centro de Convenciones Cartagena de Indias",
        description="Las secretarías presentan sus planes de contratación.",
    )
    assert plan.office is not None
    soon.offices.add(plan.office)
    soon.plans.add(plan)
    old = Fair.objects.create(title="Feria 2023", date=timezone.now() - datetime.timedelta(days=400), place="Plaza")
    response = client.get(reverse("procurement:fairs"))
    assert response.status_code == 200
    assert response.context["upcoming"] == [soon] and response.context["past"] == [old]
    detail = client.get(soon.get_absolute_url())
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Centro de Convenciones Cartagena de Indias" in body
    assert "Secretaría de Infraestructura" in body
    assert plan.get_absolute_url() in body
    assert soon.get_absolute_url() in client.get(plan.get_absolute_url()).content.decode()
    assert client.get(reverse("procurement:fair", args=[999])).status_code == 404


def test_pages_answer_in_english(plan: ProcurementPlan, client: Client) -> None:
    for path in (reverse("procurement:index"), plan.get_absolute_url(), reverse("procurement:fairs")):
        assert client.get("/en" + path).status_code == 200


def test_open_dataset(client: Client) -> None:
    from abierta.procurement.tests.factories import make_plan_line

    make_plan_line(description="=SUM(A1)")
    response = client.get("/datos/plan-anual-de-adquisiciones.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:4] == ["Entidad", "NIT", "Vigencia", "Línea"]
    assert rows[1][:4] == ["Alcaldía de Cartagena", "890480184", "2024", "3"]
    assert rows[1][5] == "'=SUM(A1)"
    assert rows[1][6] == "Marzo" and rows[1][9] == "meses"
    assert client.get("/datos/plan-anual-de-adquisiciones/").status_code == 200
    streamed = client.get("/datos/plan-anual-de-adquisiciones.json")
    data = json.loads(b"".join(streamed.streaming_content))  # type: ignore[attr-defined]
    assert data["elementos"][0]["valor_total"] == 1500000000
    assert data["modificado"] is not None


def test_index_pages_by_fifty_and_a_year_total_counts_the_plans_of_every_page(
    plan: ProcurementPlan, client: Client
) -> None:
    for i in range(55):
        other = ProcurementPlan.objects.create(entity_name=f"Entidad {i:02d}", year=2024)
        line(other, 1, total_value=D("1000"))
    first = client.get(reverse("procurement:index"), {"year": "2024"})
    assert sum(len(g["plans"]) for g in first.context["years"]) == 50
    assert first.context["years"][0]["lines"] == 5 + 55
    html = first.content.decode()
    assert "Página 1 de 2" in html and 'href="?year=2024&amp;page=2"' in html
    second = client.get(reverse("procurement:index"), {"year": "2024", "page": "2"})
    assert sum(len(g["plans"]) for g in second.context["years"]) == 6
    assert second.context["years"][0]["total"] == D("1990000000") + 55 * D("1000")


def test_past_fairs_page_by_twenty(client: Client) -> None:
    for i in range(21):
        Fair.objects.create(title=f"Feria {i}", date=timezone.now() - datetime.timedelta(days=10 + i), place="Plaza")
    first = client.get(reverse("procurement:fairs"))
    assert len(first.context["past"]) == 20
    assert [f.title for f in client.get(reverse("procurement:fairs"), {"page": "2"}).context["past"]] == ["Feria 20"]


def test_the_whole_plans_figures_are_read_once_per_version(
    plan: ProcurementPlan, client: Client, settings: Any
) -> None:
    """Over 50,000 lines the totals, the menus and planned-vs-contracted cost more than the page:
    they are kept until a line or a contract changes. A search's totals are its own."""
    settings.ABIERTA_PAGE_CACHE_SECONDS = 0  # the page itself is rendered each time
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(plan.get_absolute_url())
    with CaptureQueriesContext(connection) as again:
        second = client.get(plan.get_absolute_url())
    assert second.context["totals"][0].value == first.context["totals"][0].value
    assert not any("GROUP BY" in q["sql"] or "DISTINCT" in q["sql"] for q in again.captured_queries)
    value = first.context["totals"][0].value
    line(plan, 8, total_value=D("5"), modality="Mínima cuantía")
    changed = client.get(plan.get_absolute_url())
    assert changed.context["totals"][0].value == value + D("5")
    assert "Mínima cuantía" in [v for v, _label in changed.context["form"].fields["modality"].choices]
    searched = client.get(url(plan, modality="Mínima cuantía"))
    assert searched.context["totals"][0].value == D("5")
