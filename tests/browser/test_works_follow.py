"""Following a work and reporting an irregularity in a real browser, with axe-core (WCAG 2.1 AA)
on the follow and report pages: a citizen follows a work and confirms from the emailed link, the
office posts a progress update, the follower is notified and unsubscribes; a citizen reports an
irregularity with a photo, after a first attempt with an error."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from abierta.accounts.models import User
from abierta.works.models import IrregularityPhoto, IrregularityReport, WorkFollower, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World, make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def _submit(page: Any) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _path_of_link(body: str, kind: str) -> str:
    found = re.search(rf"https?://\S+/obras/seguir/{kind}/\S+?/", body)
    assert found, body
    return urlparse(found.group(0)).path


def _jpeg() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (10.0, 24.0, 26.0), 3: "W", 4: (75.0, 29.0, 39.0)}
    Image.new("RGB", (80, 60), (30, 120, 60)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_follow_a_work_get_its_update_and_report_an_irregularity(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    office = world.own_office
    office.email = "infraestructura@example.org"
    office.save()
    work = make_work(office, name="Pavimentación de la calle Real de Olaya")
    editor = make_user("editora@example.org", User.Role.EDITOR, office, first_name="Marta")
    device = TOTPDevice.objects.create(user=editor, name="Teléfono", confirmed=True)
    mail.outbox.clear()

    # 1. A citizen asks to follow the work; a bad address first.
    citizen = new_context().new_page()
    assert citizen.goto(f"{base}/o/{work.code}/seguir/").status == 200
    assert citizen.locator("main h1").count() == 1
    axe(citizen)
    citizen.fill("#id_email", "no-es-un-correo")
    _submit(citizen)
    assert citizen.locator(".error-summary").count() == 1
    assert citizen.input_value("#id_email") == "no-es-un-correo"
    axe(citizen)
    citizen.fill("#id_email", "vecina@example.org")
    _submit(citizen)
    citizen.wait_for_url(f"{base}/o/{work.code}/seguir/revise-su-correo/")
    axe(citizen)
    assert not WorkFollower.objects.filter(confirmed_at__isnull=False).exists()

    # 2. She confirms from the link in the email.
    assert [m.to for m in mail.outbox] == [["vecina@example.org"]]
    confirm_path = _path_of_link(str(mail.outbox[0].body), "confirmar")
    citizen.goto(base + confirm_path)
    axe(citizen)
    _submit(citizen)
    assert WorkFollower.objects.get().confirmed_at is not None
    axe(citizen)

    # 3. The office posts a progress update with a photo.
    mail.outbox.clear()
    staff = new_context().new_page()
    sign_in_with_password(staff, base, editor, f"/gestion/obras/{work.code}/avance/")
    staff.wait_for_url(f"{base}/cuenta/ingresar/codigo/")
    staff.fill("#id_token", current_code(device))
    _submit(staff)
    staff.wait_for_url(f"{base}/gestion/obras/{work.code}/avance/")
    staff.fill("#id_physical_progress", "62")
    staff.fill("#id_financial_progress", "58")
    staff.fill("#id_text", "Se terminó la carpeta asfáltica entre las carreras 70 y 72.")
    staff.set_input_files("#id_photo_1", {"name": "avance.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
    staff.fill("#id_caption_1", "Carpeta asfáltica terminada frente al parque")
    _submit(staff)
    staff.wait_for_url(f"{base}/gestion/obras/{work.code}/")
    axe(staff)
    assert WorkUpdate.objects.get().notified_at is not None

    # 4. The follower gets it, with a one-click unsubscribe link, and uses it.
    assert [m.to for m in mail.outbox] == [["vecina@example.org"]]
    notice = mail.outbox[0]
    assert "carpeta asfáltica" in str(notice.body)
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    citizen.goto(base + _path_of_link(str(notice.body), "baja"))
    axe(citizen)
    _submit(citizen)
    assert not WorkFollower.objects.exists()
    axe(citizen)

    # 5. A citizen reports an irregularity: without text first, then with a photo.
    mail.outbox.clear()
    reporter = new_context().new_page()
    assert reporter.goto(f"{base}/o/{work.code}/reportar/").status == 200
    axe(reporter)
    anonymous = reporter.locator('main a[href^="/denuncias/nueva/?ref="]')
    assert anonymous.count() == 1
    reporter.fill("#id_contact", "300 555 1234")
    _submit(reporter)
    assert reporter.locator(".error-summary").count() == 1
    assert reporter.input_value("#id_contact") == "300 555 1234"
    axe(reporter)
    reporter.fill("#id_text", "Dejaron una zanja abierta sin señalización frente a la escuela, es peligrosa.")
    reporter.set_input_files("#id_photos", {"name": "zanja.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
    _submit(reporter)
    reporter.wait_for_url(f"{base}/o/{work.code}/reportar/enviado/")
    axe(reporter)
    report = IrregularityReport.objects.get()
    assert report.contact == "300 555 1234" and report.work == work
    photo = IrregularityPhoto.objects.get()
    assert not photo.kept_location
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        assert image.getexif().get_ifd(0x8825) == {}
    assert [m.to for m in mail.outbox] == [["infraestructura@example.org"]]

    # 6. The office sees it in its inbox.
    staff.goto(f"{base}/gestion/obras/reportes/")
    staff.locator(f'main a[href="/gestion/obras/reportes/{report.pk}/"]').click()
    staff.wait_for_url(f"{base}/gestion/obras/reportes/{report.pk}/")
    assert "zanja abierta" in staff.locator("main").inner_text()
    axe(staff)

    # The English pages too.
    for path in (f"/en/o/{work.code}/seguir/", f"/en/o/{work.code}/reportar/"):
        assert reporter.goto(base + path).status == 200, path
        axe(reporter)
