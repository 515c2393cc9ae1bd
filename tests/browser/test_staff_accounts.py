"""The platform admin invites an office editor; the editor opens the mailed link, sets a password,
sets up the authenticator and lands signed in on the staff home. axe on every page, and no page
wider than 360 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "una-clave-nueva-muy-larga-8"


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def submit(page: Any) -> None:
    """Press the submit button of the form in <main> (the header has a search form too)."""
    page.locator("main form button[type=submit]").last.click()


def sign_in_with_password(page: Any, base: str, user: User, next_url: str) -> None:
    page.goto(f"{base}/cuenta/ingresar/?next={next_url}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    submit(page)


def check(page: Any, axe: Callable[[Any], None]) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide at 360px"
    axe(page)


def test_admin_invites_an_editor_who_sets_password_and_totp(
    live_server: Any, transactional_db: None, world: Any, new_context: Callable[..., Any], axe: Callable[[Any], None]
) -> None:
    base = live_server.url
    admin = make_user("admin@example.org", User.Role.ADMIN, world.other_office, first_name="Ada")
    device = TOTPDevice.objects.create(user=admin, name="Teléfono", confirmed=True)

    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in_with_password(page, base, admin, "/gestion/")
    page.wait_for_url(re.compile(r"/cuenta/ingresar/codigo/"))
    check(page, axe)
    page.fill("#id_token", current_code(device))
    submit(page)
    page.wait_for_url(base + "/gestion/")
    check(page, axe)

    page.locator('main a[href="/gestion/personal/invitar/"]').first.click()
    page.wait_for_url(base + "/gestion/personal/invitar/")
    check(page, axe)
    # First without an office: refused next to the field, what was typed kept.
    page.fill("#id_email", "nueva.editora@example.org")
    page.fill("#id_first_name", "Nora")
    page.fill("#id_last_name", "Editora")
    page.select_option("#id_role", "editor")
    submit(page)
    page.locator("#id_institution_error").wait_for()
    assert page.locator("#id_first_name").input_value() == "Nora"
    assert not User.objects.filter(email="nueva.editora@example.org").exists()
    check(page, axe)
    page.select_option("#id_institution", str(world.own_office.pk))
    submit(page)
    page.wait_for_url(re.compile(r"/gestion/personal/\d+/$"))
    check(page, axe)
    page.goto(base + "/gestion/personal/")
    check(page, axe)
    page.goto(base + "/gestion/oficinas/")
    check(page, axe)

    # The invitation mail's link, in a new browser.
    links = [u for m in mail.outbox for u in re.findall(r"https?://\S+", str(m.body)) if "/cuenta/invitacion/" in u]
    assert len(links) == 1
    editor_page = new_context(viewport={"width": 360, "height": 740}).new_page()
    editor_page.goto(base + urlsplit(links[0]).path)
    check(editor_page, axe)
    editor_page.fill("#id_password1", NEW_PASSWORD)
    editor_page.fill("#id_password2", NEW_PASSWORD)
    submit(editor_page)
    editor_page.wait_for_url(base + "/cuenta/ingresar/configurar-2fa/")
    check(editor_page, axe)
    editor = User.objects.get(email="nueva.editora@example.org")
    new_device = TOTPDevice.objects.get(user=editor, confirmed=False)
    editor_page.fill("#id_token", current_code(new_device))
    submit(editor_page)
    continue_link = editor_page.locator("main a.button[href='/gestion/']")
    continue_link.wait_for()
    check(editor_page, axe)
    continue_link.click()
    editor_page.wait_for_url(base + "/gestion/")
    check(editor_page, axe)
    assert editor_page.locator('a[href="/gestion/personal/"]').count() == 0
