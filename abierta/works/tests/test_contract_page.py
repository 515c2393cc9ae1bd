"""A contract's page and the works it belongs to: the page lists the published ones (read through
``contract.work_links``), and no contract page leaks what citizens reported about a work."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting.redflags import FLAGS, refresh_flags
from abierta.contracting.tests.factories import make_contract, minimal_release
from abierta.contracting.text import search_document
from abierta.works.models import IrregularityReport, WorkContract
from abierta.works.tests.factories import make_work
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db
LIST = "/contratos/"


def test_contract_page_tells_the_whole_story(client: Client) -> None:
    release = minimal_release("ocds-k50g02-CO1.PCCNTR.777")
    release["tender"] = {
        "id": "1",
        "tenderPeriod": {"startDate": "2024-01-10T00:00:00-05:00", "endDate": "2024-01-25T00:00:00-05:00"},
        "items": [
            {"id": "1", "description": "Pavimento rígido", "classification": {"scheme": "UNSPSC", "id": "72141103"}}
        ],
    }
    release["contracts"][0]["implementation"] = {
        "transactions": [
            {
                "id": "p1",
                "date": "2024-05-02T00:00:00Z",
                "value": {"amount": 250000000, "currency": "COP"},
                "payee": {"name": "Constructora Ejemplo S.A.S."},
            }
        ]
    }
    release["contracts"][0]["amendments"] = [{"date": "2024-08-01T00:00:00Z", "description": "Adición No. 1"}]
    c = make_contract(
        ocid="ocds-k50g02-CO1.PCCNTR.777",
        release=release,
        contract_id="CO1.PCCNTR.777",
        original_value=Decimal(1_000_000_000),
        value_added=Decimal(600_000_000),
        value=Decimal(1_600_000_000),
        paid=Decimal(250_000_000),
        original_term_days=200,
        days_added=50,
        supplier_doc_type="NIT",
        supplier_doc="900123456",
        bidders=None,
    )
    published = make_work(contracts=0, name="Pavimentación Olaya Herrera")
    hidden = make_work(contracts=0, name="Obra en borrador", is_published=False)
    WorkContract.objects.create(work=published, contract=c)
    WorkContract.objects.create(work=hidden, contract=c, role=WorkContract.Role.SUPERVISION)
    refresh_flags()
    response = client.get(c.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "CO1.PCCNTR.777",
        "Constructora Ejemplo S.A.S.",
        "NIT 900123456",
        "Licitación pública Obra Publica",
        "$ 1.000.000.000",  # original
        "$ 600.000.000",  # added
        "60 %",  # of the original
        "$ 1.600.000.000",  # current
        "$ 250.000.000",  # paid
        "$ 1.350.000.000",  # pending
        "25 %",  # 50 days of 200
        "72141103",
        "Pavimento rígido",
        "Adición No. 1",
        c.url,
        "Pavimentación Olaya Herrera",
        published.get_absolute_url(),
        reverse("complaints:start") + "?ref=CO1.PCCNTR.777",
    ):
        assert text in html, text
    assert "Obra en borrador" not in html
    # All three kinds of outcome, each flag once.
    for flag in FLAGS:
        assert html.count(str(flag.title)) >= 1
    assert "flag--raised" in html and "flag--not_evaluable" in html and "flag--not_raised" in html
    assert reverse("contracting_files:contract_release", args=[c.ocid]) in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_public_and_leaks_nothing(
    persona: str, persona_client: Callable[[str], Client], world: World
) -> None:
    title, supplier = "Pavimentación de la calle", "Constructora Ejemplo S.A.S."
    c = make_contract(
        title=title,
        supplier_name=supplier,
        search_document=search_document(title, supplier, "Alcaldía de Cartagena"),
        bidders=1,
    )
    work = make_work(contracts=0, name="Obra visible")
    WorkContract.objects.create(work=work, contract=c)
    IrregularityReport.objects.create(work=work, text="Texto privado del denunciante", contact="secreto@example.org")
    refresh_flags()
    client = persona_client(persona)
    for url in (
        "/contratos/",
        "/contratos/?q=pavimentación",
        c.get_absolute_url(),
        "/contratos/alertas/",
        "/en/contratos/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (persona, url)
        html = response.content.decode()
        assert "Texto privado" not in html and "secreto@example.org" not in html
    assert client.get("/contratos.csv").status_code == 200
