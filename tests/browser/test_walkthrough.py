"""The main path, in a real browser, with axe-core (WCAG 2.1 AA) on every page visited.

A visitor reads the plan and a commitment; an office editor signs in with password and TOTP,
reports progress on a milestone with a PDF as evidence; a new visitor sees the update, the
evidence and the history entry with the editor's name.

Text is matched loosely (Spanish or English) because the translations are still moving;
structure (ids, hrefs, roles) is matched exactly.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.plans.models import Milestone, ProgressUpdate
from factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
UPDATE_TEXT = "Se publicaron los datos de contratación del primer trimestre en el portal de la alcaldía."


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def submit(page: Any) -> None:
    """Press the submit button of the form in <main> (the header has a search form too)."""
    page.locator("main form button[type=submit]").last.click()


def heading(page: Any) -> str:
    text: str = page.locator("main h1").first.inner_text()
    return text


def sign_in_with_password(page: Any, base: str, user: User, next_url: str) -> None:
    page.goto(f"{base}/cuenta/ingresar/?next={next_url}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    submit(page)


def test_visitor_editor_visitor(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    plan, commitment, milestone = world.plan, world.commitment, world.milestone
    plan_url = f"/plan/{plan.slug}/"
    commitment_url = f"/plan/{plan.slug}/compromisos/{commitment.code}/"
    progress_url = f"/gestion/hitos/{milestone.pk}/avance/"

    editor = make_user(
        "editora@example.org", User.Role.EDITOR, world.own_office, first_name="Marta", last_name="Editora"
    )
    device = TOTPDevice.objects.create(user=editor, name="Teléfono", confirmed=True)

    # 1. An anonymous visitor, in Spanish.
    visitor = new_context().new_page()
    response = visitor.goto(base + "/")
    assert response.status == 200
    assert visitor.locator("html").get_attribute("lang") == "es-CO"
    assert visitor.locator("main h1").count() == 1
    plan_link = visitor.locator(f'main a[href="{plan_url}"]').first
    assert plan.title in plan_link.inner_text()
    axe(visitor)

    plan_link.click()
    visitor.wait_for_url(base + plan_url)
    assert plan.title in heading(visitor)
    commitment_link = visitor.locator(f'main a[href="{commitment_url}"]')
    assert commitment_link.count() == 1
    assert visitor.locator(f'main a[href="/plan/{plan.slug}/compromisos/{world.other_commitment.code}/"]').count() == 1
    axe(visitor)

    commitment_link.click()
    visitor.wait_for_url(base + commitment_url)
    assert commitment.code in heading(visitor) and commitment.title in heading(visitor)
    assert milestone.title in visitor.locator(f"#hito-{milestone.pk}").inner_text()
    assert visitor.locator("#history-heading").is_visible()
    # A visitor is offered no staff actions.
    assert visitor.locator('a[href^="/gestion/"]').count() == 0
    axe(visitor)

    for path in (f"/plan/{plan.slug}/comite/", f"/plan/{plan.slug}/cocreacion/", "/transparencia/"):
        response = visitor.goto(base + path)
        assert response.status == 200, path
        assert heading(visitor).strip(), path
        axe(visitor)

    # The search box in the header.
    visitor.fill("#site-search", "compromiso")
    visitor.locator("form[role=search] button[type=submit]").click()
    visitor.wait_for_url(re.compile(r"/buscar/\?q=compromiso"))
    assert visitor.locator(f'main a[href="{commitment_url}"]').count() >= 1
    axe(visitor)

    response = visitor.goto(base + "/cuenta/ingresar/")
    assert response.status == 200
    assert visitor.locator("#id_username").is_visible() and visitor.locator("#id_password").is_visible()
    axe(visitor)

    response = visitor.goto(base + "/cuenta/registro/")
    assert response.status == 200
    axe(visitor)
    visitor.fill("#id_first_name", "Ana")
    visitor.fill("#id_email", "esto-no-es-un-correo")
    visitor.fill("#id_password1", "una clave larga 1")
    visitor.fill("#id_password2", "otra clave distinta 2")
    submit(visitor)
    summary = visitor.locator(".error-summary[role=alert]")
    summary.wait_for()
    assert visitor.url.startswith(base + "/cuenta/registro/")
    # Each error links to its field; the fields are marked as in error.
    assert summary.locator('a[href="#id_last_name"]').count() == 1
    assert summary.locator('a[href="#id_email"]').count() == 1
    assert visitor.locator(".field--error #id_email").count() == 1
    assert visitor.locator("#id_first_name").input_value() == "Ana"
    assert not User.objects.filter(first_name="Ana").exists()
    axe(visitor)

    response = visitor.goto(base + f"/en{plan_url}")
    assert response.status == 200
    assert visitor.locator("html").get_attribute("lang") == "en"
    assert plan.title in heading(visitor)
    axe(visitor)

    # 2. The office editor signs in: password, then the code from the authenticator app.
    office = new_context().new_page()
    sign_in_with_password(office, base, editor, commitment_url)
    office.wait_for_url(base + "/cuenta/ingresar/codigo/")
    axe(office)
    office.fill("#id_token", current_code(device))
    submit(office)
    office.wait_for_url(base + commitment_url)
    assert office.locator('nav a[href="/gestion/"]').count() == 1  # "Management" in the menu

    # 3. Report progress on the milestone, with a PDF.
    office.locator(f'#hito-{milestone.pk} a[href="{progress_url}"]').click()
    office.wait_for_url(base + progress_url)
    assert milestone.title in office.locator("main").inner_text()
    axe(office)
    # Sent without evidence: the form comes back with its errors, and nothing is published.
    office.fill("#id_date", "2023-03-15")
    office.fill("#id_text", UPDATE_TEXT)
    submit(office)
    office.locator(".error-summary[role=alert]").wait_for()
    assert office.url == base + progress_url
    assert not ProgressUpdate.objects.filter(milestone=milestone).exists()
    axe(office)
    office.fill("#id_date", "2023-03-15")
    office.fill("#id_text", UPDATE_TEXT)
    office.select_option("#id_status", Milestone.Status.IN_PROGRESS)
    office.set_input_files(
        "#id_evidence_file",
        files=[{"name": "informe-avance.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(office)
    office.wait_for_url(base + commitment_url)
    assert office.locator(".error-summary").count() == 0
    assert UPDATE_TEXT in office.locator(f"#hito-{milestone.pk}").inner_text()

    update = ProgressUpdate.objects.get(milestone=milestone)
    assert update.author == editor and update.evidence_kind == "pdf"
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS

    # 4. A new visitor, not signed in, sees the update, the evidence and the history.
    reader_context = new_context()
    reader = reader_context.new_page()
    response = reader.goto(base + commitment_url)
    assert response.status == 200
    assert reader.locator('nav a[href="/gestion/"]').count() == 0
    item = reader.locator(f"#hito-{milestone.pk}")
    assert UPDATE_TEXT in item.locator(".update").inner_text()
    assert "15" in item.locator(".update time").inner_text()
    assert item.locator(".update time").get_attribute("datetime") == "2023-03-15"
    evidence = item.locator(f'a[href="/archivos/evidencia/{update.pk}/"]')
    assert evidence.count() == 1
    assert "informe-avance.pdf" in evidence.inner_text()
    download = reader_context.request.get(base + evidence.get_attribute("href"))
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body() == PDF

    history = reader.locator("section[aria-labelledby=history-heading]")
    entries = history.locator("ol.history > li")
    assert entries.count() >= 2  # the new update, and the milestone's status change
    history_text = history.inner_text()
    assert "Marta Editora" in history_text
    assert world.own_office.name in history_text
    status_change = entries.filter(has=reader.locator("ins"))
    assert status_change.count() >= 1
    assert re.search(r"In progress|En curso|En progreso|En ejecución", status_change.first.inner_text())
    axe(reader)


def test_first_sign_in_sets_up_totp(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    commitment_url = world.commitment.get_absolute_url()
    editor = make_user("nueva@example.org", User.Role.EDITOR, world.own_office, first_name="Nuevo", last_name="Editor")
    assert not TOTPDevice.objects.filter(user=editor).exists()

    page = new_context().new_page()
    mail.outbox.clear()
    sign_in_with_password(page, base, editor, commitment_url)
    # The password alone binds no authenticator (security review A4): a one-time link is mailed.
    page.get_by_role("heading", name="Revise su correo").wait_for()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    axe(page)
    (message,) = mail.outbox
    assert message.to == ["nueva@example.org"]
    path = re.search(r"https?://[^/\s]+(/cuenta/ingresar/activar-2fa/[^\s]+/)", str(message.body)).group(1)  # type: ignore[union-attr]
    page.goto(base + path)
    axe(page)
    submit(page)
    page.wait_for_url(base + "/cuenta/ingresar/configurar-2fa/")
    qr = page.locator("main .qr svg")
    assert qr.is_visible()
    key = page.locator("main code").first.inner_text().strip()

    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert key == base64.b32encode(device.bin_key).decode()
    axe(page)

    page.fill("#id_token", current_code(device))
    submit(page)
    codes = page.locator("main ul.codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    assert all(re.fullmatch(r"[a-z0-9]+", c.strip()) for c in codes.all_inner_texts())
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=editor).token_set.count() == 10
    axe(page)

    # Signed in with the second factor: "Continue" leads back to the page asked for, with staff actions.
    page.locator(f'main a[href="{commitment_url}"]').click()
    page.wait_for_url(base + commitment_url)
    assert page.locator(f'a[href="/gestion/hitos/{world.milestone.pk}/avance/"]').count() == 1


def test_demo_plan_pages_are_accessible(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    """The same public pages with the full demonstration plan: tables, badges, progress with
    evidence, reports, committee members and meetings, working tables and initiatives."""
    from django.core.management import call_command

    from abierta.plans.demo import PLAN_SLUG
    from abierta.plans.models import Commitment

    call_command("demo", "--no-users", verbosity=0)
    base = live_server.url
    page = new_context().new_page()
    paths = [
        "/",
        f"/plan/{PLAN_SLUG}/",
        f"/plan/{PLAN_SLUG}/comite/",
        f"/plan/{PLAN_SLUG}/cocreacion/",
        "/buscar/?q=transparencia",
        f"/en/plan/{PLAN_SLUG}/",
    ]
    commitments = list(Commitment.objects.filter(plan__slug=PLAN_SLUG))
    assert len(commitments) >= 2
    paths += [c.get_absolute_url() for c in commitments]
    paths.append(commitments[0].get_absolute_url() + "historial/")
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert heading(page).strip(), path
        axe(page)
