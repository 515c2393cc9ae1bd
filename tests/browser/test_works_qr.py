"""A work's QR code, scanned: an office editor signs in (password and TOTP), downloads the QR code
and the billboard from the work's staff page; the test decodes the PNG with ZXing, a new visitor's
browser opens the decoded address and lands on the work's page, whose beacon counts the visit.
axe-core (WCAG 2.1 AA) on the work page (Spanish and English), the list and map of works with the
map drawn, and the staff page; the map runs under the site's real Content-Security-Policy."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from pypdf import PdfReader

from abierta.accounts.models import User
from abierta.contracting.tests.factories import make_contract
from abierta.works import scans
from abierta.works.models import Work, WorkContract, WorkPhoto, WorkScanDay, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World, make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password

pytestmark = pytest.mark.browser

# A 1×1 PNG for the map tiles: the test never reaches the real tile server.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a0d5a8b10000000049454e44ae426082"
)


def _work_with_history(world: World) -> Work:
    work = make_work(
        world.own_office,
        name="Construcción del puente peatonal de Bazurto",
        contracts=0,
        physical_progress=Decimal("62.5"),
        financial_progress=Decimal("48"),
    )
    WorkContract.objects.create(
        work=work,
        contract=make_contract(contract_id="CO1.PCCNTR.5550001", supplier_name="Consorcio Puentes del Caribe"),
        role=WorkContract.Role.WORKS,
    )
    WorkContract.objects.create(
        work=work,
        contract=make_contract(contract_id="CO1.PCCNTR.5550002", supplier_name="Interventorías Costa S.A.S."),
        role=WorkContract.Role.SUPERVISION,
    )
    update = WorkUpdate.objects.create(
        work=work,
        date=datetime.date(2024, 5, 3),
        physical_progress=Decimal("62.5"),
        financial_progress=Decimal("48"),
        text="Se fundió la placa del tramo central.",
    )
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 160)).save(out, format="PNG")
    from django.core.files.base import ContentFile

    WorkPhoto.objects.create(  # already re-encoded by the queue
        update=update,
        image=ContentFile(out.getvalue(), name="tramo.png"),
        caption="Placa del tramo central",
        state=WorkPhoto.State.READY,
    )
    make_work(world.own_office, name="Colegio de Pozón", latitude=Decimal("10.394000"), longitude=Decimal("-75.476000"))
    return work


def test_scan_the_qr_code_and_land_on_the_work_page(
    live_server: Any,
    transactional_db: None,
    world: World,
    settings: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    tmp_path: Path,
) -> None:
    base = live_server.url
    # The QR code encodes SITE_URL + the work's path: here, the live server.
    settings.SITE_URL = base
    scans._take()
    work = _work_with_history(world)
    editor = make_user("editora.obras@example.org", User.Role.EDITOR, world.own_office)
    device = TOTPDevice.objects.create(user=editor, name="Teléfono", confirmed=True)
    staff_page = f"/gestion/obras/{work.code}/visitas/"

    # 1. The office editor signs in and opens the work's QR and visits page.
    office = new_context(accept_downloads=True).new_page()
    sign_in_with_password(office, base, editor, staff_page)
    office.wait_for_url(base + "/cuenta/ingresar/codigo/")
    office.fill("#id_token", current_code(device))
    office.locator("main form button[type=submit]").last.click()
    office.wait_for_url(base + staff_page)
    axe(office)

    # 2. Download the PNG and decode it as a phone would.
    with office.expect_download() as png_download:
        office.locator(f'main a[href="/gestion/obras/{work.code}/qr.png"]').click()
    png_path = tmp_path / png_download.value.suggested_filename
    png_download.value.save_as(png_path)
    assert png_path.name == f"obra-{work.code}-qr.png"
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(png_path))]
    assert decoded == [f"{base}/o/{work.code}"]

    # The billboard too: a PDF with the work's name.
    with office.expect_download() as pdf_download:
        office.locator(f'main a[href="/gestion/obras/{work.code}/valla.pdf"]').click()
    pdf_path = tmp_path / "valla.pdf"
    pdf_download.value.save_as(pdf_path)
    text = PdfReader(pdf_path).pages[0].extract_text()
    assert "Construcción del puente peatonal" in text and "CO1.PCCNTR.5550001" in text

    # 3. A visitor's browser opens the decoded address: the work's page, no cookie.
    visitor_context = new_context()
    visitor = visitor_context.new_page()
    beacon = f"/o/{work.code}/v.gif"
    with visitor.expect_response(lambda r: r.url.endswith(beacon)) as beacon_response:
        response = visitor.goto(decoded[0])
    assert response.status == 200
    assert beacon_response.value.status == 200
    assert visitor.url == f"{base}/o/{work.code}"
    assert visitor.locator("main h1").inner_text() == "Construcción del puente peatonal de Bazurto"
    assert "Consorcio Puentes del Caribe" in visitor.locator("main").inner_text()
    assert visitor.locator('main img[alt="Placa del tramo central"]').count() == 1
    assert visitor.locator("#progreso-fisico").get_attribute("value") == "62.50"
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert "set-cookie" not in response.headers
    assert visitor_context.cookies() == []
    axe(visitor)

    # The visit was counted, once, without anything about the visitor.
    scans.scans_flush()
    assert WorkScanDay.objects.get(work=work).count == 1

    # The same page in English, from the language switch.
    visitor.locator('a[hreflang="en"]').click()
    visitor.wait_for_url(f"{base}/en/o/{work.code}")
    assert visitor.locator("html").get_attribute("lang") == "en"
    axe(visitor)

    # 4. From the breadcrumbs to the list of works.
    visitor.goto(f"{base}/o/{work.code}")
    visitor.locator('nav.breadcrumbs a[href="/obras/"]').click()
    visitor.wait_for_url(base + "/obras/")
    assert visitor.locator(f'main a[href="/o/{work.code}"]').count() == 1
    axe(visitor)


def test_works_map_runs_under_the_sites_csp_and_is_accessible(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    work = _work_with_history(world)

    # The site's real CSP (no bypass): the map script, Leaflet and the tiles must all be allowed.
    strict = new_context(bypass_csp=False)
    tiles: list[str] = []

    def tile(route: Any) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    strict.route("https://tile.openstreetmap.org/**", tile)
    page = strict.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    assert page.goto(base + "/obras/").status == 200
    page.locator("#works-map .leaflet-interactive").first.wait_for()
    assert page.locator("#works-map").is_visible()
    assert page.locator("#works-map .leaflet-interactive").count() == 2
    page.wait_for_function("() => document.querySelectorAll('#works-map img.leaflet-tile-loaded').length > 0")
    assert tiles, "no tile was requested"
    assert not problems, problems
    # A marker's popup links to a work's page, which also runs under the real CSP without complaint.
    page.locator("#works-map .leaflet-interactive").first.click()
    href = page.locator(".leaflet-popup-content a").first.get_attribute("href", timeout=5000)
    assert href is not None and href.startswith("/o/")
    # Leaflet pans the map to show the popup: click the link once it has stopped moving (a click
    # during the pan lands where the link was, and no navigation follows).
    link = page.locator(".leaflet-popup-content a").first
    settled, box = False, link.bounding_box()
    for _ in range(50):
        page.wait_for_timeout(100)
        now = link.bounding_box()
        settled, box = now == box, now
        if settled:
            break
    assert settled, "the popup kept moving"
    with page.expect_navigation(url=base + href):
        link.click()
    assert page.evaluate("() => document.styleSheets[0].cssRules.length") > 0
    assert page.locator("img.beacon").evaluate("img => img.complete && img.naturalWidth === 1")
    assert not problems, problems

    # axe on the list with the map drawn, Spanish and English, and on a filtered list.
    checked = new_context()
    checked.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=200, body=TILE))
    page = checked.new_page()
    for path in ("/obras/", "/en/obras/", "/obras/?status=implementation&q=puente", "/obras/?status=xx"):
        page.goto(base + path)
        if "xx" not in path:
            page.locator("#works-map .leaflet-interactive").first.wait_for()
        axe(page)
    assert page.locator(".error-summary").count() == 1

    # Without JavaScript the list is the page: the map stays hidden, every work is a link.
    no_js = new_context(java_script_enabled=False).new_page()
    no_js.goto(base + "/obras/")
    assert not no_js.locator("#works-map").is_visible()
    assert no_js.locator(f'main a[href="/o/{work.code}"]').count() == 1
    no_js.goto(f"{base}/o/{work.code}")
    assert no_js.locator("main h1").inner_text() == work.name


def test_a_work_name_on_the_map_is_text_not_markup(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
) -> None:
    """S4: the marker's tooltip put the work's name (typed by an office editor) into innerHTML."""
    name = '<b id="injected">n</b><img id="injected-img" src="x">'
    make_work(world.own_office, name=name, contracts=0)
    context = new_context()
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=200, body=TILE))
    page = context.new_page()
    page.goto(live_server.url + "/obras/")
    marker = page.locator("#works-map .leaflet-interactive").first
    marker.wait_for()
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for()
    assert tooltip.inner_text() == name
    marker.click()
    page.locator(".leaflet-popup-content a").first.wait_for()
    assert page.locator(".leaflet-popup-content a").first.inner_text() == name
    assert page.locator("#injected, #injected-img").count() == 0
