"""Staff pages of the SECOP II synchronisation, for every persona; adding an entity with bad input;
switching it off; synchronising now against a fake portal; the runs, paged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting.importers import SodaPageImporter
from abierta.contracting.models import Contract, SecopEntity, SyncRun
from abierta.contracting.tests.fake_soda import FakeSoda, serve, soda_row
from abierta.core.importing import Upload, run_import
from abierta.core.models import ImportRejection
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

MANAGERS = {"transparency", "admin"}


@pytest.fixture
def entity(world: World) -> SecopEntity:
    return SecopEntity.objects.create(nit="890480184", name="Alcaldía de Cartagena")


@pytest.fixture
def run(entity: SecopEntity) -> SyncRun:
    return SyncRun.objects.create(entity=entity, status=SyncRun.Status.FINISHED, read=3, created=3)


@pytest.fixture
def portal(settings: Any) -> Iterator[FakeSoda]:
    for fake in serve([soda_row(n, updated=f"2024-09-0{n}T00:00:00.000") for n in range(1, 4)]):
        settings.ABIERTA_SECOP_SODA_URL = fake.url
        yield fake


def expected(persona: str, ok: int = 200) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in MANAGERS else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["secop_entities", "secop_entity", "secop_run"])
def test_pages_permissions(
    persona_client: Callable[[str], Client], entity: SecopEntity, run: SyncRun, persona: str, name: str
) -> None:
    args = {"secop_entities": [], "secop_entity": [entity.pk], "secop_run": [run.pk]}[name]
    response = persona_client(persona).get(reverse(f"contracting:{name}", args=args))
    assert response.status_code == expected(persona)
    if persona == "anonymous":
        assert "/cuenta/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_add_permissions(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    data = {"nit": "800000000", "name": "Gobernación de Bolívar"}
    response = persona_client(persona).post(reverse("contracting:secop_entity_add"), data)
    assert response.status_code == expected(persona, ok=302)
    assert SecopEntity.objects.filter(nit="800000000").exists() == (persona in MANAGERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_toggle_permissions(persona_client: Callable[[str], Client], entity: SecopEntity, persona: str) -> None:
    response = persona_client(persona).post(reverse("contracting:secop_entity_toggle", args=[entity.pk]))
    assert response.status_code == expected(persona, ok=302)
    entity.refresh_from_db()
    assert entity.active == (persona not in MANAGERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_sync_permissions(
    persona_client: Callable[[str], Client], entity: SecopEntity, portal: FakeSoda, persona: str
) -> None:
    response = persona_client(persona).post(reverse("contracting:secop_entity_sync", args=[entity.pk]))
    assert response.status_code == expected(persona, ok=302)
    assert SyncRun.objects.exists() == (persona in MANAGERS)
    assert bool(portal.requests) == (persona in MANAGERS)


@pytest.mark.parametrize("name", ["secop_entity_add", "secop_entity_toggle", "secop_entity_sync"])
def test_writes_need_post(persona_client: Callable[[str], Client], entity: SecopEntity, name: str) -> None:
    args = [] if name == "secop_entity_add" else [entity.pk]
    assert persona_client("admin").get(reverse(f"contracting:{name}", args=args)).status_code == 405


def test_add_an_entity(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("transparency")
    data = {"nit": "890.480.184-1", "name": "  Alcaldía   de Cartagena "}
    response = client.post(reverse("contracting:secop_entity_add"), data)
    assert response["Location"] == reverse("contracting:secop_entities")
    entity = SecopEntity.objects.get()
    assert (entity.nit, entity.name, entity.active) == ("890480184", "Alcaldía de Cartagena", True)
    assert entity.watermark == ""
    page = client.get(response["Location"]).content.decode()
    assert "Alcaldía de Cartagena se sincronizará desde SECOP II." in page
    assert entity.get_absolute_url() in page and "Nunca" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nit": "", "name": "Alcaldía"}, "nit", "Este campo es obligatorio."),
        ({"nit": "NIT ochocientos", "name": "Alcaldía"}, "nit", "Escriba el NIT solo con dígitos (de 5 a 15)"),
        ({"nit": "890480184-12", "name": "Alcaldía"}, "nit", "Escriba el NIT solo con dígitos"),
        ({"nit": "890480184", "name": "Repetida"}, "nit", "Ya hay una entidad configurada con este NIT."),
        ({"nit": "800000000", "name": "   "}, "name", "Este campo es obligatorio."),
        ({"nit": "800000000", "name": "x" * 301}, "name", "300"),
    ],
)
def test_bad_input_is_400_in_spanish_and_keeps_what_was_typed(
    persona_client: Callable[[str], Client], entity: SecopEntity, data: dict[str, str], field: str, message: str
) -> None:
    response = persona_client("admin").post(reverse("contracting:secop_entity_add"), data)
    assert response.status_code == 400
    assert SecopEntity.objects.count() == 1
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert 'class="error-summary"' in body
    for value in data.values():
        if value.strip():
            assert f'value="{value}"' in body


def test_switch_an_entity_off_and_on(persona_client: Callable[[str], Client], entity: SecopEntity) -> None:
    client = persona_client("admin")
    url = reverse("contracting:secop_entity_toggle", args=[entity.pk])
    page = client.get(client.post(url)["Location"]).content.decode()
    entity.refresh_from_db()
    assert not entity.active and "Alcaldía de Cartagena ya no se sincroniza." in page
    client.post(url)
    entity.refresh_from_db()
    assert entity.active


def test_synchronise_now(persona_client: Callable[[str], Client], entity: SecopEntity, portal: FakeSoda) -> None:
    client = persona_client("transparency")
    response = client.post(reverse("contracting:secop_entity_sync", args=[entity.pk]))
    # Queued for the worker (the tests' queue runs it at once).
    assert response["Location"] == reverse("contracting:secop_entity", args=[entity.pk])
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FINISHED and run.created == 3
    assert run.started_by == "transparency@example.org"
    page = client.get(response["Location"]).content.decode()
    assert "La sincronización quedó en cola" in page and run.get_absolute_url() in page
    assert Contract.objects.count() == 3
    listing = client.get(reverse("contracting:secop_entities")).content.decode()
    assert "3 creados, 0 actualizados, 0 rechazados" in listing


def test_a_failed_synchronisation_says_why(
    persona_client: Callable[[str], Client], entity: SecopEntity, portal: FakeSoda
) -> None:
    portal.answers[1] = (503, {}, b"Service Unavailable")
    client = persona_client("admin")
    client.post(reverse("contracting:secop_entity_sync", args=[entity.pk]))
    page = client.get(SyncRun.objects.get().get_absolute_url()).content.decode()
    assert "El portal respondió HTTP 503: Service Unavailable" in page


def test_a_run_lists_its_rejected_rows(persona_client: Callable[[str], Client], run: SyncRun) -> None:
    page_run = run_import(SodaPageImporter("890480184"), Upload("p.json", b"[]"), progress=False)
    run.imports.add(page_run)
    ImportRejection.objects.create(run=page_run, line=2, reason="contrato CO1.PCCNTR.2: valor_del_contrato no es…")
    body = persona_client("admin").get(run.get_absolute_url()).content.decode()
    assert "contrato CO1.PCCNTR.2: valor_del_contrato no es…" in body


def test_the_runs_are_paged_newest_first(persona_client: Callable[[str], Client], entity: SecopEntity) -> None:
    runs = [SyncRun.objects.create(entity=entity, status=SyncRun.Status.FINISHED, read=n) for n in range(25)]
    client = persona_client("admin")
    first = client.get(entity.get_absolute_url())
    shown = list(first.context["page"].object_list)
    assert shown[0] == runs[-1] and len(shown) == 20
    second = client.get(entity.get_absolute_url() + "?page=2")
    assert list(second.context["page"].object_list)[-1] == runs[0]
    assert "Página 2 de 2" in second.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_staff_home_links_to_it_only_for_managers(
    persona_client: Callable[[str], Client], world: World, persona: str
) -> None:
    if persona == "anonymous":
        return
    response = persona_client(persona).get(reverse("site:staff_home"))
    if response.status_code != 200:
        assert persona not in MANAGERS
        return
    assert (reverse("contracting:secop_entities") in response.content.decode()) == (persona in MANAGERS)
