"""The Transparency page: headings of Resolución 1519 de 2020 (Anexo 2), in both languages, and no dead link.

The Alcaldía's own transparency menu points at this page, so every link on it is followed with the
test client and must answer 200, and every ``#fragment`` must name an element of the target page.
Headings and sources: docs/decisions/0004-transparency-section.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from abierta.development.tests.builders import DevPlan, make_dev_plan
from factories import World

URL_ES = "/transparencia/"
URL_EN = "/en/transparencia/"

# (section id, heading id, Spanish title of Anexo 2, English source string)
COVERED = [
    ("contratacion", "contratacion-heading", "3. Contratación", "3. Procurement"),
    ("planeacion", "planeacion-heading", "4. Planeación, presupuesto e informes", "4. Planning, budget and reports"),
    ("participa", "participa-heading", "6. Participa", "6. Participate"),
    ("datos-abiertos", "datos-abiertos-heading", "7. Datos abiertos", "7. Open data"),
]
NOT_COVERED = [
    ("1. Información de la entidad", "1. Information about the entity"),
    ("2. Normativa", "2. Regulations"),
    ("Trámites", "Procedures"),
    ("8. Información específica para grupos de interés", "8. Specific information for interest groups"),
    (
        "9. Obligación de reporte de información específica por parte de la entidad",
        "9. Obligation to report specific information by the entity",
    ),
    (
        "10. Información tributaria en entidades territoriales locales",
        "10. Tax information in local territorial entities",
    ),
]


class Page(HTMLParser):
    """Collects hrefs, element ids and the text of h2 and li elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.main_hrefs: list[str] = []
        self.ids: set[str] = set()
        self.texts: dict[str, list[str]] = {"h2": [], "li": []}
        self._in_main = False
        self._open: list[tuple[str, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "main":
            self._in_main = True
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"] or "")
            if self._in_main:
                self.main_hrefs.append(a["href"] or "")
        if tag in self.texts:
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        if tag in self.texts and self._open and self._open[-1][0] == tag:
            name, parts = self._open.pop()
            self.texts[name].append(" ".join("".join(parts).split()))

    def handle_data(self, data: str) -> None:
        for _, parts in self._open:
            parts.append(data)


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    yield
    translation.deactivate()


@pytest.fixture
def dev(world: World) -> DevPlan:
    return make_dev_plan(world)


def get_page(client: Client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "text/html" in response["Content-Type"]
    return Page(response.content.decode())


def test_renders_in_spanish_and_english(world: World, dev: DevPlan, client: Client) -> None:
    es = client.get(URL_ES)
    en = client.get(URL_EN)
    assert es.status_code == en.status_code == 200
    assert '<html lang="es' in es.content.decode()
    assert '<html lang="en' in en.content.decode()
    for response in (es, en):
        body = response.content.decode()
        assert world.plan.title in body
        assert dev.plan.title in body


def test_english_headings(world: World, dev: DevPlan, client: Client) -> None:
    page = get_page(client, URL_EN)
    for section_id, heading_id, _, english in COVERED:
        assert {section_id, heading_id} <= page.ids
        assert english in page.texts["h2"]
    for _, english in NOT_COVERED:
        assert english in page.texts["li"]


def test_spanish_headings_are_the_official_titles(world: World, dev: DevPlan, client: Client) -> None:
    """In Spanish each heading reads as in Anexo 2, or (until the catalog has it) as the English source.

    A translation that is neither (a paraphrase of an official title) fails.
    """
    page = get_page(client, URL_ES)
    for section_id, heading_id, spanish, english in COVERED:
        assert {section_id, heading_id} <= page.ids
        assert spanish in page.texts["h2"] or english in page.texts["h2"], spanish
    for spanish, english in NOT_COVERED:
        assert spanish in page.texts["li"] or english in page.texts["li"], spanish


def test_covered_headings_are_in_the_order_of_the_resolution(world: World, client: Client) -> None:
    page = get_page(client, URL_ES)
    numbered = [t for t in page.texts["h2"] if t[:1].isdigit()]
    assert [int(t.split(".")[0]) for t in numbered] == [3, 4, 6, 7]


@pytest.mark.parametrize("url", [URL_ES, URL_EN])
def test_every_link_answers_200(world: World, dev: DevPlan, client: Client, url: str) -> None:
    page = get_page(client, url)
    assert page.main_hrefs, "the page links to nothing"
    checked: dict[str, Page | None] = {}
    for href in page.hrefs:
        parts = urlsplit(href)
        if parts.scheme in {"http", "https", "mailto", "tel"} or parts.netloc:
            continue  # external: not this platform's to answer for
        assert href, "empty href"
        path = parts.path or url
        target = path + (f"?{parts.query}" if parts.query else "")
        if target not in checked:
            response = client.get(target)
            assert response.status_code == 200, f"{href} answers {response.status_code}"
            is_html = "text/html" in response.get("Content-Type", "")
            checked[target] = Page(response.content.decode()) if is_html else None
        if parts.fragment:
            target_page = checked[target]
            assert target_page is not None and parts.fragment in target_page.ids, f"{href}: no #{parts.fragment}"


def test_links_to_everything_the_platform_publishes(world: World, dev: DevPlan, client: Client) -> None:
    page = get_page(client, URL_ES)
    slug = world.plan.slug
    expected = {
        reverse("development:index"),
        dev.plan.get_absolute_url(),
        world.plan.get_absolute_url(),
        reverse("plans:commitments_csv", args=[slug]),
        world.plan.get_absolute_url() + "#informes",
        world.plan.get_absolute_url() + "#comentarios",
        reverse("participation:cocreation", args=[slug]),
        reverse("plans:committee", args=[slug]),
        "/api/v1/docs",
        "/api/v1/openapi.json",
    }
    assert expected <= set(page.main_hrefs)


def test_open_data_catalog_is_linked(world: World, client: Client) -> None:
    page = get_page(client, URL_ES)
    assert reverse("datos:catalog") in page.main_hrefs


def test_procurement_links_plans_contracts_works_and_ocds(world: World, client: Client) -> None:
    page = get_page(client, URL_ES)
    expected = {
        reverse("procurement:index"),
        reverse("procurement:fairs"),
        reverse("contracting:contracts"),
        reverse("contracting:redflags"),
        reverse("works:works"),
        reverse("contracting_files:releases"),
        reverse("contracting_files:records"),
        reverse("works_files:oc4ids_projects"),
    }
    assert expected <= set(page.main_hrefs)
    assert not [t for t in page.texts["li"] if "no se publica" in t or "not published" in t]


def test_without_any_plan_the_page_still_has_no_dead_link(db: None, client: Client) -> None:
    page = get_page(client, URL_ES)
    for href in page.main_hrefs:
        if urlsplit(href).scheme:
            continue
        assert client.get(urlsplit(href).path).status_code == 200, href
