"""The list and map of works: filters without JavaScript, the map's data island and its CSP."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from abierta.core.models import Institution
from abierta.works.models import Work
from abierta.works.tests.factories import make_work
from abierta.works.views import map_tile_origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def works() -> dict[str, Work]:
    parks = Institution.objects.create(name="Instituto de Deporte y Recreación", slug="idder")
    return {
        "road": make_work(name="Pavimentación calle del Cuartel", localidad=Work.Localidad.HISTORICA),
        "school": make_work(
            name="Colegio de Pozón",
            sector=Work.Sector.EDUCATION,
            status=Work.Status.COMPLETION,
            localidad=Work.Localidad.INDUSTRIAL,
            address="Barrio El Pozón, manzana 12",
        ),
        "park": make_work(
            parks, name="Parque de Chambacú", sector=Work.Sector.RECREATION, latitude=None, longitude=None
        ),
        "hidden": make_work(name="Obra sin publicar", is_published=False),
    }


def names(response: object) -> list[str]:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.findall(r'<li>\s*<a href="(?:/en)?/o/[0-9A-Z]+">([^<]+)</a>', html)


def test_lists_published_works_only(client: Client, works: dict[str, Work]) -> None:
    response = client.get("/obras/")
    assert response.status_code == 200
    assert names(response) == ["Colegio de Pozón", "Parque de Chambacú", "Pavimentación calle del Cuartel"]
    assert "Obra sin publicar" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=completion", ["Colegio de Pozón"]),
        ("sector=recreationAndCulture", ["Parque de Chambacú"]),
        ("localidad=historica", ["Pavimentación calle del Cuartel"]),
        ("office=idder", ["Parque de Chambacú"]),
        ("q=poz%C3%B3n", ["Colegio de Pozón"]),
        ("q=manzana+12", ["Colegio de Pozón"]),  # the address
        ("q=calle+cuartel", ["Pavimentación calle del Cuartel"]),  # every word, anywhere
        ("q=cuartel+poz%C3%B3n", []),
        ("q=sin+publicar", []),
        ("status=implementation&localidad=virgen", ["Parque de Chambacú"]),
        ("status=&sector=&q=", ["Colegio de Pozón", "Parque de Chambacú", "Pavimentación calle del Cuartel"]),
    ],
)
def test_filters(client: Client, works: dict[str, Work], query: str, expected: list[str]) -> None:
    response = client.get(f"/obras/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_a_work_can_be_found_by_its_code(client: Client, works: dict[str, Work]) -> None:
    code = works["park"].code
    assert names(client.get(f"/obras/?q={code.lower()}")) == ["Parque de Chambacú"]


def test_bad_filters_answer_400_with_a_message_and_keep_what_was_typed(client: Client, works: dict[str, Work]) -> None:
    response = client.get("/obras/?status=demolida&q=puente")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#id_status"' in html
    assert 'value="puente"' in html
    assert names(response) == []


def test_office_filter_offers_only_offices_with_published_works(client: Client, works: dict[str, Work]) -> None:
    Institution.objects.create(name="Oficina sin obras", slug="sin-obras")
    html = client.get("/obras/").content.decode()
    assert '<option value="idder">Instituto de Deporte y Recreación</option>' in html
    assert "Oficina sin obras" not in html


def test_pagination_keeps_the_filters(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from abierta.works import views

    monkeypatch.setattr(views, "WORKS_PER_PAGE", 2)
    for i in range(5):
        make_work(name=f"Andén {i}", sector=Work.Sector.TRANSPORT_URBAN)
    make_work(name="Otra cosa")
    first = client.get("/obras/?sector=transport.urban")
    assert names(first) == ["Andén 0", "Andén 1"]
    assert 'href="?sector=transport.urban&amp;page=2"' in first.content.decode()
    third = client.get("/obras/?sector=transport.urban&page=3")
    assert names(third) == ["Andén 4"]
    assert 'href="?sector=transport.urban&amp;page=2"' in third.content.decode()


def test_map_data_is_a_json_island_of_the_filtered_works_with_coordinates(
    client: Client, works: dict[str, Work]
) -> None:
    works["road"].latitude, works["road"].longitude = Decimal("10.423400"), Decimal("-75.548700")
    works["road"].save()
    html = client.get("/obras/?sector=transport.road").content.decode()
    island = re.search(r'<script id="works-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert island is not None
    points = json.loads(island.group(1))
    status = str(Work.Status.IMPLEMENTATION.label)
    assert points == [[works["road"].code, "Pavimentación calle del Cuartel", 10.4234, -75.5487, status]]
    all_points = json.loads(
        re.search(
            r'id="works-map-data" type="application/json">(.*?)</script>', client.get("/obras/").content.decode()
        ).group(1)  # type: ignore[union-attr]
    )
    assert {p[0] for p in all_points} == {works["road"].code, works["school"].code}  # the park has no point
    # The map is hidden until the script shows it; the page works without it.
    assert re.search(r'<div id="works-map" class="works-map" hidden', html)
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    # No inline script: only files, and the JSON island (data, never executed).
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('src="/static/' in s or 'type="application/json"' in s for s in scripts), scripts


def test_csp_lets_this_page_load_tiles_and_only_this_page(client: Client, works: dict[str, Work]) -> None:
    first = client.get("/obras/")
    img_src = re.search(r"img-src ([^;]+)", first["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    assert img_src.split() == ["'self'", "data:", "https://tile.openstreetmap.org"]
    cached = client.get("/obras/")
    assert cached["X-Page-Cache"] == "hit"
    assert "https://tile.openstreetmap.org" in cached["Content-Security-Policy"]
    work_page = client.get(works["road"].get_absolute_url())
    assert "tile.openstreetmap.org" not in work_page["Content-Security-Policy"]
    assert "script-src 'self'" in first["Content-Security-Policy"]


def test_tile_origin_from_the_setting(settings: object) -> None:
    settings.ABIERTA_MAP_TILE_URL = "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png"  # type: ignore[attr-defined]
    assert map_tile_origin() == "https://*.tiles.example.org"
    settings.ABIERTA_MAP_TILE_URL = "/static/tiles/{z}/{x}/{y}.png"  # type: ignore[attr-defined]
    assert map_tile_origin() == ""


def test_english_list(client: Client, works: dict[str, Work]) -> None:
    response = client.get("/en/obras/?status=completion")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert names(response) == ["Colegio de Pozón"]


def test_vendored_leaflet_survives_the_production_static_storage(tmp_path: object, settings: object) -> None:
    """collectstatic with the manifest storage follows the sourceMappingURL of leaflet.js: the map
    file must be vendored too, or `make run` and deployments fail."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.utils.functional import empty

    settings.STATIC_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    staticfiles_storage._wrapped = empty  # type: ignore[attr-defined]  # rebuilt from the new setting
    try:
        call_command("collectstatic", "--noinput", verbosity=0)
        for name in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "js/works-map.js", "css/work.css"):
            assert staticfiles_storage.stored_name(name) != name  # type: ignore[attr-defined]  # hashed
    finally:
        staticfiles_storage._wrapped = empty  # type: ignore[attr-defined]
