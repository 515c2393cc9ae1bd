"""Staff pages: Ferias de la Transparencia and PAA uploads, for every persona; bad input."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from abierta.core.models import ImportRun
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan
from abierta.procurement.tests.helpers import make_paa, paa_row
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

MANAGERS = {"transparency", "admin"}


@pytest.fixture
def fair(world: World) -> Fair:
    return Fair.objects.create(title="Feria 2025", date="2025-03-14T09:00:00-05:00", place="Plaza de la Aduana")


def expected(persona: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in MANAGERS else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["staff_fairs", "fair_new", "fair_edit", "paa_upload"])
def test_get_permissions(persona_client: Callable[[str], Client], fair: Fair, persona: str, name: str) -> None:
    args = [fair.pk] if name == "fair_edit" else []
    response = persona_client(persona).get(reverse(f"procurement:{name}", args=args))
    assert response.status_code == expected(persona)
    if persona == "anonymous":
        assert "/cuenta/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_permissions(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    data = {"title": "Feria de la Transparencia 2026", "date": "2026-03-14T09:00", "place": "Centro de Convenciones"}
    response = persona_client(persona).post(reverse("procurement:fair_new"), data)
    assert response.status_code == (302 if persona in MANAGERS or persona == "anonymous" else 403)
    assert Fair.objects.filter(title=data["title"]).exists() == (persona in MANAGERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_permissions(persona_client: Callable[[str], Client], fair: Fair, persona: str) -> None:
    data = {"title": "Feria cambiada", "date": "2025-03-14T10:00", "place": "Plaza"}
    persona_client(persona).post(reverse("procurement:fair_edit", args=[fair.pk]), data)
    fair.refresh_from_db()
    assert (fair.title == "Feria cambiada") == (persona in MANAGERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_permissions(
    persona_client: Callable[[str], Client], world: World, tmp_path: Path, persona: str
) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    upload = SimpleUploadedFile("paa.xlsx", path.read_bytes())
    data = {"file": upload, "entity": "Alcaldía de Cartagena", "nit": "890480184", "year": "2024"}
    response = persona_client(persona).post(reverse("procurement:paa_upload"), data)
    # A manager's upload goes to the queue (immediate in tests) and on to the run's page.
    assert response.status_code == (302 if persona in MANAGERS else expected(persona))
    assert PlanLine.objects.exists() == (persona in MANAGERS)
    run = ImportRun.objects.first()
    assert (run is not None) == (persona in MANAGERS)
    if run is not None:
        assert response["Location"] == reverse("procurement:paa_upload_run", args=[run.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_run_page_permissions(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    """The page of a PAA upload (its progress, then its report): managers only."""
    run = ImportRun.objects.create(kind="paa", file_name="paa.xlsx", status=ImportRun.Status.QUEUED)
    client = persona_client(persona)
    response = client.get(reverse("procurement:paa_upload_run", args=[run.pk]))
    assert response.status_code == expected(persona)
    other = ImportRun.objects.create(kind="secop2", file_name="contratos.csv")
    if persona in MANAGERS:
        assert client.get(reverse("procurement:paa_upload_run", args=[other.pk])).status_code == 404


def test_create_and_edit_a_fair(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("transparency")
    plan = ProcurementPlan.objects.create(entity_name="Alcaldía de Cartagena", year=2025)
    data = {
        "title": "Feria de la Transparencia 2025",
        "date": "2025-03-14T09:00",
        "place": "Centro de Convenciones Cartagena de Indias",
        "description": "Presentación de los planes de contratación.",
        "offices": [world.own_office.pk],
        "plans": [plan.pk],
    }
    response = client.post(reverse("procurement:fair_new"), data)
    fair = Fair.objects.get()
    assert response["Location"] == fair.get_absolute_url()
    assert list(fair.plans.all()) == [plan] and list(fair.offices.all()) == [world.own_office]
    # Typed in Colombia time (UTC-5).
    assert fair.date == datetime.datetime(2025, 3, 14, 14, 0, tzinfo=datetime.UTC)
    data["title"] = "Feria de la Transparencia 2025 (aplazada)"
    data["plans"] = []
    client.post(reverse("procurement:fair_edit", args=[fair.pk]), data)
    fair.refresh_from_db()
    assert fair.title.endswith("(aplazada)") and not fair.plans.exists()
    listing = client.get(reverse("procurement:staff_fairs")).content.decode()
    assert reverse("procurement:fair_edit", args=[fair.pk]) in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "date": "2025-03-14T09:00", "place": "Plaza"}, "title", "Este campo es obligatorio."),
        ({"title": "Feria", "date": "mañana", "place": "Plaza"}, "date", "fecha/hora válida"),
        ({"title": "Feria", "date": "1890-03-14T09:00", "place": "Plaza"}, "date", "2000"),
        ({"title": "Feria", "date": "2025-03-14T09:00", "place": ""}, "place", "Este campo es obligatorio."),
        ({"title": "Feria", "date": "2025-03-14T09:00", "place": "P", "plans": ["999"]}, "plans", "999"),
    ],
)
def test_bad_fair_input_is_400_and_keeps_what_was_typed(
    persona_client: Callable[[str], Client], world: World, data: dict[str, object], field: str, message: str
) -> None:
    response = persona_client("admin").post(reverse("procurement:fair_new"), data)
    assert response.status_code == 400
    assert not Fair.objects.exists()
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field]) or message in response.content.decode()
    body = response.content.decode()
    assert 'class="error-summary"' in body
    for value in data.values():
        if isinstance(value, str) and value:
            assert f'value="{value}"' in body


def test_upload_shows_the_report(persona_client: Callable[[str], Client], world: World, tmp_path: Path) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(), paa_row(c2="Marzi")])
    client = persona_client("transparency")
    data = {
        "file": SimpleUploadedFile("paa.xlsx", path.read_bytes()),
        "entity": "Alcaldía de Cartagena",
        "nit": "890480184",
        "year": "2024",
        "office": str(world.own_office.pk),
    }
    response = client.post(reverse("procurement:paa_upload"), data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marzi" in body and "4" in body
    run = response.context["run"]
    assert (run.read, run.created, run.rejected) == (2, 1, 1)
    plan = ProcurementPlan.objects.get()
    assert plan.office == world.own_office
    assert plan.get_absolute_url() in body


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("paa.csv", b"a;b\n", "file"),
        ("paa.xlsx", b"", "file"),
    ],
)
def test_upload_bad_form_input(
    persona_client: Callable[[str], Client], world: World, name: str, content: bytes, field: str
) -> None:
    data = {"file": SimpleUploadedFile(name, content), "entity": "X", "nit": "890480184", "year": "2024"}
    response = persona_client("admin").post(reverse("procurement:paa_upload"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ImportRun.objects.exists()


def test_upload_bad_nit_and_year(persona_client: Callable[[str], Client], world: World, tmp_path: Path) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    data = {"file": SimpleUploadedFile("paa.xlsx", path.read_bytes()), "entity": "X", "nit": "NIT abc", "year": "24"}
    response = persona_client("admin").post(reverse("procurement:paa_upload"), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"nit", "year"}
    assert 'value="X"' in response.content.decode()
    assert not PlanLine.objects.exists()


def test_upload_of_a_wrong_workbook_writes_nothing(
    persona_client: Callable[[str], Client], world: World, tmp_path: Path
) -> None:
    path = make_paa(tmp_path / "otra.xlsx", [paa_row()], sheet="Hoja1")
    data = {"file": SimpleUploadedFile("otra.xlsx", path.read_bytes()), "entity": "X", "year": "2024"}
    response = persona_client("admin").post(reverse("procurement:paa_upload"), data, follow=True)
    assert response.status_code == 200  # the run's page, which says why
    assert "no tiene la hoja «Adquisiciones»" in response.content.decode()
    assert not ProcurementPlan.objects.exists() and not PlanLine.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_fairs_page_links_to_management_only_for_managers(
    persona_client: Callable[[str], Client], world: World, persona: str
) -> None:
    body = persona_client(persona).get(reverse("procurement:fairs")).content.decode()
    assert (reverse("procurement:staff_fairs") in body) == (persona in MANAGERS)


def test_upload_is_imported_by_the_queue(
    persona_client: Callable[[str], Client], world: World, tmp_path: Path, queued: FakeSMTP
) -> None:
    """The request keeps the file and a queued run; the worker imports it; the page then shows the
    line-numbered report."""
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(), paa_row(c2="Marzi")])
    client = persona_client("transparency")
    data = {
        "file": SimpleUploadedFile("paa.xlsx", path.read_bytes()),
        "entity": "Alcaldía de Cartagena",
        "nit": "890480184",
        "year": "2024",
    }
    response = client.post(reverse("procurement:paa_upload"), data)
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED and not PlanLine.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" in page and "en espera" in page.lower()
    run_worker()
    run.refresh_from_db()
    assert (run.status, run.read, run.created, run.rejected) == (ImportRun.Status.FINISHED, 2, 1, 1)
    assert not run.upload
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" not in page and "Marzi" in page
    assert ProcurementPlan.objects.get().get_absolute_url() in page
