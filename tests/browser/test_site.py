"""The site's own pages in a real browser, with axe-core (WCAG 2.1 AA): the home page, the site
search, and the staff home ("Gestión") of a transparency officer, assembled from every app's links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.development.tests.builders import make_dev_plan
from factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_home_and_search_are_accessible(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    prefix: str,
) -> None:
    page = new_context().new_page()
    assert page.goto(f"{live_server.url}{prefix}/").status == 200
    assert page.locator("main h1").count() == 1
    assert page.locator(f'main a[href="{prefix}{world.plan.get_absolute_url()}"]').count() >= 1
    axe(page)
    page.fill("header input[name=q]", world.commitment.code)
    page.locator("header form[role=search] button").click()
    page.wait_for_url(f"{live_server.url}{prefix}/buscar/?q={world.commitment.code}")
    assert page.locator(f'main a[href="{prefix}{world.commitment.get_absolute_url()}"]').count() == 1
    axe(page)


def test_staff_home_of_a_transparency_officer(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    dev = make_dev_plan(world)
    officer = make_user("transparencia@example.org", User.Role.TRANSPARENCY, world.own_office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    base = live_server.url
    page = new_context().new_page()
    page.goto(f"{base}/cuenta/ingresar/?next=/gestion/")
    page.fill("#id_username", officer.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + "/cuenta/ingresar/codigo/")
    page.fill("#id_token", str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + "/gestion/")
    assert page.locator("main h1").count() == 1
    for href in (
        f"/gestion/compromisos/{world.commitment.pk}/evaluacion/",
        f"/gestion/planes/{world.plan.slug}/comite/miembros/nuevo/",
        "/gestion/moderacion/",
        f"/gestion/planes-de-desarrollo/{dev.plan.slug}/importar/",
        "/gestion/obras/",
        "/gestion/denuncias/",
    ):
        assert page.locator(f'main a[href="{href}"]').count() >= 1, href
    axe(page)
