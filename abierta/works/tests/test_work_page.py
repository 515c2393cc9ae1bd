"""The page behind a work's QR code: content, 404s, CDN-friendly headers, size and queries."""

from __future__ import annotations

import datetime
import gzip
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from abierta.accounts.middleware import SEEN
from abierta.accounts.models import User
from abierta.contracting.tests.factories import make_contract
from abierta.core.cache import current_version
from abierta.works.models import Work, WorkContract, WorkPhoto, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World, make_user, sign_in

pytestmark = pytest.mark.django_db


def png_file(name: str = "foto.png") -> ContentFile[bytes]:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, format="PNG")
    return ContentFile(out.getvalue(), name=name)


def add_update(work: Work, day: int, *, photos: int = 0, text: str = "Se fundió la placa del tramo 2.") -> WorkUpdate:
    update = WorkUpdate.objects.create(
        work=work,
        date=datetime.date(2024, 5, day),
        physical_progress=Decimal(20 + day),
        financial_progress=Decimal(25 + day),
        text=text,
    )
    for i in range(photos):
        WorkPhoto.objects.create(
            update=update,
            image=png_file(),
            state=WorkPhoto.State.READY,
            caption=f"Vista {i + 1} del avance del día {day}",
        )
    return update


def full_work() -> Work:
    """A work with its works contract, its interventoría and seven updates with photos."""
    work = make_work(
        name="Construcción del puente peatonal de Bazurto",
        contracts=0,
        physical_progress=Decimal("62.5"),
        financial_progress=Decimal("48"),
        localidad=Work.Localidad.HISTORICA,
        ucg=3,
        budget=Decimal("3450000000"),
    )
    works_contract = make_contract(
        contract_id="CO1.PCCNTR.5550001",
        supplier_name="Consorcio Puentes del Caribe",
        value=Decimal("3100000000"),
        start_on=datetime.date(2024, 2, 1),
        end_on=datetime.date(2025, 1, 31),
    )
    supervision = make_contract(
        contract_id="CO1.PCCNTR.5550002",
        supplier_name="Interventorías Costa S.A.S.",
        value=Decimal("310000000"),
    )
    WorkContract.objects.create(work=work, contract=works_contract, role=WorkContract.Role.WORKS)
    WorkContract.objects.create(work=work, contract=supervision, role=WorkContract.Role.SUPERVISION)
    for day in range(1, 8):
        add_update(work, day, photos=2)
    return work


def test_page_shows_the_work_its_contracts_and_latest_updates(client: Client) -> None:
    work = full_work()
    response = client.get(f"/o/{work.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Construcción del puente peatonal de Bazurto</h1>" in html
    assert work.get_status_display() in html
    assert "Secretaría de Infraestructura" in html
    assert "Barrio Olaya Herrera, sector Central" in html
    assert str(Work.Localidad.HISTORICA.label) in html
    assert "$ 3.450.000.000" in html  # budget
    # Accessible progress bars, with their numbers as text too.
    assert re.search(
        r'<label for="progreso-fisico">[^<]+</label>\s*<progress id="progreso-fisico" max="100" value="62.50">62,5 %',
        html,
    )
    assert re.search(r'<progress id="progreso-financiero" max="100" value="48.00">48 %', html)
    # Both contracts: number, contractor, value, dates.
    for text in (
        "CO1.PCCNTR.5550001",
        "Consorcio Puentes del Caribe",
        "$ 3.100.000.000",
        "CO1.PCCNTR.5550002",
        "Interventorías Costa S.A.S.",
        "$ 310.000.000",
    ):
        assert text in html
    assert html.index("CO1.PCCNTR.5550001") < html.index("CO1.PCCNTR.5550002")  # works contract first
    # The five latest updates, newest first, photos with their captions as alt text.
    shown = re.findall(r'<time datetime="2024-05-(\d\d)">', html)
    assert shown == ["07", "06", "05", "04", "03"]
    assert 'alt="Vista 1 del avance del día 7"' in html
    assert 'alt="Vista 1 del avance del día 2"' not in html
    # The beacon that counts the visit.
    assert f'<img class="beacon" src="/o/{work.code}/v.gif" alt="" width="1" height="1"' in html


def test_follow_and_report_links_point_to_the_citizen_pages(client: Client) -> None:
    from django.urls import reverse

    work = make_work()
    html = client.get(work.get_absolute_url()).content.decode()
    for name in ("works:follow", "works:report"):
        assert f'href="{reverse(name, args=[work.code])}"' in html


def test_contract_numbers_link_to_the_contract_page(client: Client) -> None:
    work = make_work()
    url = work.contracts.get().get_absolute_url()
    assert f'href="{url}"' in client.get(work.get_absolute_url()).content.decode()


def test_english_page(client: Client) -> None:
    work = make_work()
    response = client.get(f"/en/o/{work.code}")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert f'href="/o/{work.code}"' in response.content.decode()  # the language switch
    assert response["Content-Language"] == "en"


def test_a_code_typed_in_lower_case_or_with_look_alike_letters_goes_to_the_canonical_page(client: Client) -> None:
    work = make_work()
    work.code = "A0B1C2D3"
    work.save()
    for typed in ("a0b1c2d3", "AOB1C2D3", "A0BIC2D3", "a0bLc2d3", "A0B1-C2D3"):
        response = client.get(f"/o/{typed}")
        assert response.status_code == 301, typed
        assert response["Location"] == "/o/A0B1C2D3"
    assert client.get("/en/o/a0b1c2d3")["Location"] == "/en/o/A0B1C2D3"


def test_unknown_unpublished_and_malformed_codes_are_not_found(client: Client) -> None:
    work = make_work(is_published=False)
    assert client.get(f"/o/{work.code}").status_code == 404
    assert client.get("/o/ZZZZZZZZ").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/o/ABC%2B%24").status_code == 404  # not a code: answered without a query
        assert client.get("/o/abc%20def").status_code == 404  # not redirected either
        assert client.get("/o/AB").status_code == 404
    assert not [q for q in queries.captured_queries if "works_work" in q["sql"]]


def test_page_is_the_same_for_everyone_and_cacheable_by_a_cdn(client: Client, settings: object) -> None:
    settings.ABIERTA_WORK_PAGE_MAX_AGE = 120  # type: ignore[attr-defined]
    work = make_work()
    first = client.get(work.get_absolute_url())
    assert first.status_code == 200
    assert not first.cookies, "the work page must never set a cookie"
    assert "Set-Cookie" not in first.headers
    assert first["Cache-Control"] == "public, max-age=120"
    assert "Cookie" not in first.get("Vary", ""), "no session read: a CDN keeps one copy"
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert first["ETag"]
    # The second visitor gets the page cache's copy, with the same headers.
    second = client.get(work.get_absolute_url())
    assert second["X-Page-Cache"] in ("hit", "edge-hit")
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=120"
    assert second["ETag"] == first["ETag"]
    assert not second.cookies
    # A browser or CDN revalidating gets a 304.
    revalidated = client.get(work.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert revalidated.content == b""


def test_page_sets_no_cookie_for_a_signed_in_visitor_either(persona_client: object) -> None:
    work = make_work()
    client = persona_client("editor_own")  # type: ignore[operator]
    response = client.get(work.get_absolute_url())
    assert response.status_code == 200
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "Sign out" not in response.content.decode() and "Cerrar sesión" not in response.content.decode()


def test_staff_session_clock_leaves_the_cached_page_alone(world: World) -> None:
    """Staff sessions idle out (A5), but the QR page, cached for everyone, must not get a cookie from
    that clock, nor count as the staff member's activity."""
    client = sign_in(Client(), make_user("editora@example.org", User.Role.EDITOR, world.own_office))
    assert client.get("/gestion/").status_code == 200  # the clock starts
    session = client.session
    session[SEEN] = before = int(time.time()) - 600
    session.save()
    response = client.get(make_work().get_absolute_url())
    assert response.status_code == 200 and not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert client.session[SEEN] == before
    assert client.get("/gestion/").cookies  # a staff page counts, and renews the session
    assert client.session[SEEN] > before


def test_no_inline_script_or_style(client: Client) -> None:
    html = client.get(full_work().get_absolute_url()).content.decode()
    assert "<script" not in html
    assert "<style" not in html and " style=" not in html


def test_html_and_css_weigh_less_than_50_kb_compressed(client: Client) -> None:
    work = full_work()
    work.description = "Descripción larga de la obra. " * 80
    work.save()
    html = client.get(work.get_absolute_url()).content
    stylesheets = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assert stylesheets == [b"css/work.css"]
    css = b"".join(Path(str(finders.find(s.decode()))).read_bytes() for s in stylesheets)
    html_gz, css_gz = len(gzip.compress(html, 6)), len(gzip.compress(css, 6))
    assert html_gz + css_gz <= 50 * 1024, (html_gz, css_gz)
    # Well below, in fact: the budget leaves room for what the page will grow.
    assert html_gz + css_gz <= 15 * 1024, (html_gz, css_gz)


def test_few_queries_and_at_most_one_on_a_cache_hit(client: Client) -> None:
    work = full_work()
    current_version()
    with CaptureQueriesContext(connection) as miss:
        assert client.get(work.get_absolute_url()).status_code == 200
    # Content version, the work with its office, its contracts, its updates, their photos.
    assert len(miss.captured_queries) <= 5, [q["sql"] for q in miss.captured_queries]
    with CaptureQueriesContext(connection) as hit:
        assert client.get(work.get_absolute_url())["X-Page-Cache"] in ("hit", "edge-hit")
    # The content version, read at most once a second per process (ABIERTA_EDGE_VERSION_SECONDS).
    assert len(hit.captured_queries) <= 1


def test_a_change_to_the_work_shows_at_once(client: Client) -> None:
    work = make_work()
    client.get(work.get_absolute_url())
    work.physical_progress = Decimal("71")
    work.save()
    response = client.get(work.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert 'value="71.00"' in response.content.decode()


def test_page_only_answers_get_and_head(client: Client) -> None:
    work = make_work()
    assert client.post(work.get_absolute_url()).status_code == 405
    assert client.head(work.get_absolute_url()).status_code == 200


def test_the_page_links_to_all_updates_when_there_are_more(client: Client) -> None:
    work = make_work()
    for day in range(1, 6):
        add_update(work, day)
    page = client.get(f"/o/{work.code}").content.decode()
    assert f'href="/o/{work.code}/avances/"' not in page  # five: all of them are on the page
    add_update(work, 6)
    page = client.get(f"/o/{work.code}").content.decode()
    assert page.count('class="work-update"') == 5
    assert f'<a href="/o/{work.code}/avances/">Todos los reportes de avance</a>' in page


def test_all_updates_page_by_twenty_newest_first(client: Client) -> None:
    work = make_work()
    for day in range(1, 23):
        add_update(work, day, photos=1 if day == 1 else 0)
    first = client.get(f"/o/{work.code}/avances/")
    assert first.status_code == 200
    html = first.content.decode()
    assert "22 reportes de avance" in html and "Página 1 de 2" in html
    assert [u.date.day for u in first.context["page"].object_list][:2] == [22, 21]
    second = client.get(f"/o/{work.code}/avances/", {"page": "2"})
    assert [u.date.day for u in second.context["page"].object_list] == [2, 1]
    assert "Vista 1 del avance del día 1" in second.content.decode()
    assert client.get(f"/o/{work.code}/avances/", {"page": "z"}).context["page"].number == 1


def test_all_updates_of_an_unpublished_work_is_404(client: Client) -> None:
    work = make_work(is_published=False)
    assert client.get(f"/o/{work.code}/avances/").status_code == 404
    assert client.get("/o/NOEXISTE/avances/").status_code == 404
