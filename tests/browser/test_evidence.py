"""A milestone's evidence photo in a real browser, with the queue as in production: the editor posts
progress with a photo, the update is published at once and the editor sees its photo "being
processed"; the worker strips its metadata; then the public sees the photo's link. axe-core on each
page, and the pages fit a 360 px phone."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from abierta.accounts.models import User
from abierta.core.tests.fake_smtp import run_worker
from abierta.plans.models import ProgressUpdate
from factories import make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password, submit

pytestmark = pytest.mark.browser

TEXT = "Se instaló el tablero de datos abiertos en la sede de la alcaldía."


def _photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamaraDeEjemplo"
    exif[0x8825] = {1: "N", 2: (10.0, 25.0, 0.0), 3: "W", 4: (75.0, 30.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 360, f"{page.url} is {width}px wide at 360px"


def test_an_evidence_photo_shows_once_the_worker_has_cleaned_it(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    base = live_server.url
    milestone = world.milestone
    commitment_url = f"/plan/{world.plan.slug}/compromisos/{world.commitment.code}/"
    progress_url = f"/gestion/hitos/{milestone.pk}/avance/"
    editor = make_user("editora@example.org", User.Role.EDITOR, world.own_office)
    device = TOTPDevice.objects.create(user=editor, name="Teléfono", confirmed=True)

    office = new_context().new_page()
    sign_in_with_password(office, base, editor, progress_url)
    office.wait_for_url(base + "/cuenta/ingresar/codigo/")
    office.fill("#id_token", current_code(device))
    submit(office)
    office.wait_for_url(base + progress_url)
    office.fill("#id_date", "2023-03-15")
    office.fill("#id_text", TEXT)
    office.set_input_files(
        "#id_evidence_file", files=[{"name": "tablero.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    submit(office)
    office.wait_for_url(base + commitment_url)
    main = office.locator("main").inner_text()
    assert "aparece en un momento" in main  # the message after posting
    item = office.locator(f"#hito-{milestone.pk} .update")
    assert TEXT in item.inner_text() and "se está procesando" in item.inner_text()
    update = ProgressUpdate.objects.get(milestone=milestone)
    link = f'a[href="/archivos/evidencia/{update.pk}/"]'
    assert item.locator(link).count() == 0
    axe(office)
    _fits_a_phone(office)

    visitor_context = new_context()
    visitor = visitor_context.new_page()
    visitor.goto(base + commitment_url)
    public = visitor.locator(f"#hito-{milestone.pk} .update")
    assert TEXT in public.inner_text() and "se está procesando" not in public.inner_text()
    assert public.locator(link).count() == 0

    run_worker()
    office.goto(base + commitment_url)
    item = office.locator(f"#hito-{milestone.pk} .update")
    assert "se está procesando" not in item.inner_text() and item.locator(link).count() == 1
    axe(office)
    visitor.goto(base + commitment_url)
    public = visitor.locator(f"#hito-{milestone.pk} .update")
    assert "tablero.jpg" in public.locator(link).inner_text()
    download = visitor_context.request.get(base + f"/archivos/evidencia/{update.pk}/")
    assert download.status == 200 and download.headers["content-type"] == "image/jpeg"
    assert b"CamaraDeEjemplo" not in download.body()
    with Image.open(io.BytesIO(download.body())) as image:
        assert image.getexif().get_ifd(0x8825) == {}
    axe(visitor)
    _fits_a_phone(visitor)
