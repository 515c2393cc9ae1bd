"""Paging changes nothing of who may read a list: every persona gets, on page 2 of each paged list
(and on a page that is not a number), what it gets on the first page. A paged list with a data set
in the open data catalog links to its whole download."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from abierta.participation.models import DialogueSession
from abierta.participation.tests.factories import make_process
from abierta.works.tests.factories import make_work
from factories import PERSONAS, World

ALL = dict.fromkeys(PERSONAS, 200)
STAFF = {"anonymous": 302, "citizen": 403, "monitor": 403, "committee": 403}
MATRIX: dict[str, dict[str, int]] = {
    # Public lists.
    "/plan/plan-prueba/cocreacion/propuestas/": ALL,
    "/plan/plan-prueba/cocreacion/mesas/": ALL,
    "/plan/plan-prueba/": ALL,
    "/hablemos/": ALL,
    "/hablemos/sesion/": ALL,
    "/plan-anual-de-adquisiciones/": ALL,
    "/feria-de-la-transparencia/": ALL,
    # Staff lists.
    "/gestion/cocreacion/plan-prueba/": {
        **STAFF,
        "editor_own": 200,
        "editor_other": 200,
        "transparency": 200,
        "admin": 200,
    },
    "/hablemos/gestion/": {**STAFF, "editor_own": 403, "editor_other": 403, "transparency": 200, "admin": 403},
    "/hablemos/sesion/moderar/": {**STAFF, "editor_own": 403, "editor_other": 403, "transparency": 200, "admin": 403},
    "/gestion/moderacion/": {**STAFF, "editor_own": 403, "editor_other": 403, "transparency": 200, "admin": 200},
    "/gestion/feria-de-la-transparencia/": {
        **STAFF,
        "editor_own": 403,
        "editor_other": 403,
        "transparency": 200,
        "admin": 200,
    },
    "/gestion/obras/": {**STAFF, "editor_own": 200, "editor_other": 200, "transparency": 200, "admin": 200},
    "/gestion/tareas/": {**STAFF, "editor_own": 403, "editor_other": 403, "transparency": 403, "admin": 200},
}


def test_matrix_covers_every_persona() -> None:
    assert all(set(row) == set(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_a_list_answers_as_its_first(
    persona: str, world: World, persona_client: Callable[[str], Client]
) -> None:
    make_process(world.plan, "tables")
    DialogueSession.objects.create(slug="sesion", topic="Contratación", starts_at=timezone.now(), plan=world.plan)
    work = make_work(contracts=0)
    client = persona_client(persona)
    for url, row in {**MATRIX, f"/o/{work.code}/avances/": ALL}.items():
        statuses = {client.get(url + query).status_code for query in ("", "?page=2", "?page=x", "?page=999")}
        assert statuses == {row[persona]}, (url, persona, statuses)


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("/plan/plan-prueba/cocreacion/mesas/", "mesas-de-trabajo"),
        ("/obras/", "obras"),
        ("/plan-anual-de-adquisiciones/", "plan-anual-de-adquisiciones"),
    ],
)
def test_a_paged_list_links_to_the_whole_data_set(path: str, slug: str, world: World, client: Client) -> None:
    html = client.get(path).content.decode()
    assert f'<a href="/datos/{slug}.csv" download>Descargar todo (CSV)</a>' in html
    assert f'<a href="/datos/{slug}.json" download>Descargar todo (JSON)</a>' in html
    download = client.get(f"/datos/{slug}.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
