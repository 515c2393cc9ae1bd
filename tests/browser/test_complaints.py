"""The complaint channel's whole path in a real browser, with axe-core on the reporter's pages.

An anonymous reporter sends a report with a PDF (the page's script solves the proof of work) and
writes down the receipt; a transparency officer signs in with password and TOTP, unlocks their
key, reads the report and asks a question; the reporter comes back with the receipt, reads the
question and answers; the officer reads the answer and closes the case. Every request the
reporter's browser makes goes to this site only, and the only cookie it gets is the follow-up one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.complaints import services
from abierta.complaints.models import AuditEntry, Case
from factories import PASSWORD, make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
WHAT = (
    "El 3 de noviembre, en la ventanilla 3 de la Secretaría de Planeación, un funcionario pidió "
    "200.000 pesos para aprobar una licencia de construcción."
)
QUESTION = "¿Recuerda el nombre del funcionario o su cargo?"
ANSWER = "Era el auxiliar administrativo del turno de la mañana; se identificó como Jorge."


def _main_submit(page: Any, form_action: str = "") -> None:
    selector = (
        f"main form[action$='{form_action}'] button[type=submit]" if form_action else "main form button[type=submit]"
    )
    page.locator(selector).first.click()


def test_anonymous_report_handled_and_answered(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    handler = make_user("tomas@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password=PASSWORD)
    device = TOTPDevice.objects.create(user=handler, name="Teléfono", confirmed=True)

    # 1. The reporter, with no account, sends a report with a PDF.
    reporter_context = new_context()
    requested: list[str] = []
    reporter_context.on("request", lambda request: requested.append(request.url))
    reporter = reporter_context.new_page()
    reporter.goto(f"{base}/denuncias/")
    axe(reporter)
    reporter.locator("main a[href='/denuncias/nueva/']").first.click()
    reporter.wait_for_url(f"{base}/denuncias/nueva/")
    axe(reporter)
    reporter.select_option("#id_category", Case.Category.BRIBERY)
    reporter.fill("#id_what", WHAT)
    reporter.fill("#id_where", "Edificio de la Alcaldía, primer piso")
    reporter.set_input_files(
        "input[name=attachments]", files=[{"name": "mensajes.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    # The page's own script solves the proof of work in the background.
    reporter.wait_for_function("() => document.getElementById('id_pow').value !== ''", timeout=60_000)
    _main_submit(reporter, "/denuncias/nueva/")
    receipt = reporter.locator("#receipt").inner_text().strip()
    assert len(receipt.replace("-", "")) == 16, receipt
    axe(reporter)
    case = Case.objects.get()
    assert case.status == Case.Status.RECEIVED and not case.identified

    # 2. The officer signs in (password, then TOTP), unlocks the key, reads and asks.
    office = new_context().new_page()
    sign_in_with_password(office, base, handler, "/gestion/denuncias/")
    office.wait_for_url(f"{base}/cuenta/ingresar/codigo/")
    office.fill("#id_token", current_code(device))
    _main_submit(office)
    office.wait_for_url(f"{base}/gestion/denuncias/")
    office.goto(f"{base}/gestion/denuncias/{case.number}/")
    office.wait_for_url(f"{base}/gestion/denuncias/llave/**")
    office.fill("#id_password", PASSWORD)
    office.locator("main form:has(#id_password) button[type=submit]").first.click()
    office.wait_for_url(f"{base}/gestion/denuncias/{case.number}/")
    assert WHAT in office.locator("main").inner_text()
    assert "mensajes.pdf" in office.locator("main").inner_text()
    axe(office)
    office.fill("form[action$='/mensaje/'] textarea[name=body]", QUESTION)
    _main_submit(office, "/mensaje/")
    office.wait_for_load_state()
    assert QUESTION in office.locator("main").inner_text()

    # 3. The reporter comes back with the receipt (typed in lower case, no dashes) and answers.
    back = new_context()
    back.on("request", lambda request: requested.append(request.url))
    again = back.new_page()
    again.goto(f"{base}/denuncias/seguimiento/")
    axe(again)
    again.fill("#id_receipt", receipt.replace("-", " ").lower())
    _main_submit(again, "/denuncias/seguimiento/")
    again.wait_for_url(f"{base}/denuncias/seguimiento/")
    page_text = again.locator("main").inner_text()
    assert QUESTION in page_text and WHAT in page_text
    axe(again)
    again.fill("form[action$='/responder/'] textarea[name=body]", ANSWER)
    _main_submit(again, "/responder/")
    again.wait_for_url(f"{base}/denuncias/seguimiento/")
    assert ANSWER in again.locator("main").inner_text()
    axe(again)
    assert {(c["name"], c["path"]) for c in back.cookies()} == {("sid", "/denuncias/"), ("sid_en", "/en/denuncias/")}
    assert all(not c.get("expires") or c["expires"] == -1 for c in back.cookies()), back.cookies()
    assert reporter_context.cookies() == []

    # 4. The officer reads the answer and closes the case.
    office.goto(f"{base}/gestion/denuncias/{case.number}/")
    assert ANSWER in office.locator("main").inner_text()
    office.select_option("form[action$='/estado/'] select[name=status]", Case.Status.CLOSED)
    _main_submit(office, "/estado/")
    office.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.delete_after is not None
    actions = set(AuditEntry.objects.filter(case_number=case.number).values_list("action", flat=True))
    assert {"read", "message", "status"} <= actions
    assert services.audit_verify() is None

    # The reporter's browser asked nothing of any other host.
    origin = urlsplit(base).netloc
    assert requested and all(urlsplit(url).netloc == origin for url in requested), requested


def test_statistics_page_with_suppressed_figures_and_the_audit_head(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    import datetime

    from django.utils import timezone

    make_user("gestor@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=User.objects.get(email="gestor@example.org"), password=PASSWORD)
    closed = (timezone.localdate().replace(day=1) - datetime.timedelta(days=40)).replace(day=5)
    for category in (Case.Category.BRIBERY, Case.Category.BRIBERY, Case.Category.BRIBERY, Case.Category.OTHER):
        case, _receipt = services.complaint_submit(report=services.ReportData(category=category, what=WHAT), files=[])
        Case.objects.filter(pk=case.pk).update(received_on=closed, forward_due_on=closed, due_on=closed)
    for viewport in ({"width": 360, "height": 800}, {"width": 1280, "height": 900}):
        page = new_context(viewport=viewport).new_page()
        page.goto(f"{live_server.url}/denuncias/estadisticas/")
        text = page.locator("main").inner_text()
        assert "< 3" in text and "Registro de auditoría" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        axe(page)
