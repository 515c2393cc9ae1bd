"""Registration with email verification; sign-in with a password, and with TOTP for staff."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.accounts.services import verification_url
from abierta.accounts.tests.factories import (
    LOGIN,
    SETUP,
    TOKEN,
    current_code,
    es,
    login,
    mailed_paths,
    register,
    wrong_code,
)
from abierta.accounts.views import PENDING, PENDING_SECONDS
from factories import World, make_user

pytestmark = pytest.mark.django_db

# --- Registration ------------------------------------------------------------------------------


def test_registration_sends_verification_link_that_verifies(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email="Nueva@Example.org")
    assert response.status_code == 200
    user = User.objects.get(email="nueva@example.org")
    assert user.role == User.Role.CITIZEN
    assert not user.email_verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nueva@example.org"]
    urls = re.findall(r"https?://\S+", str(message.body))
    assert len(urls) == 1
    path = urlsplit(urls[0]).path
    assert path.startswith("/cuenta/verificar/")

    # Before verifying, the password is refused.
    response = login(client, "nueva@example.org")
    assert response.status_code == 200
    assert es("Confirm your email first: open the link we sent you when you registered.") in response.content.decode()
    assert "_auth_user_id" not in client.session

    assert client.get(path).status_code == 200
    user.refresh_from_db()
    assert user.email_verified
    # The link works once.
    assert client.get(path).status_code == 400

    response = login(client, "nueva@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_tampered_verification_link_refused(client: Client) -> None:
    user = make_user("x@example.org", verified_email=False)
    path = urlsplit(verification_url(user)).path
    assert client.get(path[:-3] + "zzz/").status_code == 400
    assert client.get("/cuenta/verificar/bm90YW51bWJlcg/abc-def/").status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_registering_existing_email_creates_nothing_and_tells_owner(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user("duena@example.org")
    password_hash = owner.password
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email="DUENA@example.org", first_name="Otra")
    assert response.status_code == 200  # the same page as a new registration
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.password == password_hash
    assert owner.first_name == "Duena"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["duena@example.org"]
    assert "/cuenta/contrasena/" in mail.outbox[0].body
    assert "/cuenta/verificar/" not in mail.outbox[0].body


def test_registration_rejects_weak_or_mismatched_password(client: Client) -> None:
    response = register(client, password1="1234567890", password2="1234567890")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    response = register(client, password2="something-else-entirely")
    assert response.context["form"].errors["password2"]
    assert User.objects.count() == 0
    assert mail.outbox == []


# --- Citizen sign-in ---------------------------------------------------------------------------


def test_citizen_login_with_password_only(client: Client) -> None:
    user = make_user("ana@example.org")
    response = login(client, "ana@example.org", next="/cuenta/")
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/cuenta/").status_code == 200


def test_wrong_password_refused(client: Client) -> None:
    make_user("ana@example.org")
    response = login(client, "ana@example.org", password="not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_ignores_offsite_next(client: Client) -> None:
    make_user("ana@example.org")
    response = login(client, "ana@example.org", next="https://evil.example.com/")
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Staff sign-in with a second factor --------------------------------------------------------


@pytest.fixture
def editor(world: World) -> User:
    return make_user("editora@example.org", User.Role.EDITOR, world.own_office)


def test_staff_login_requires_totp(client: Client, editor: User) -> None:
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    response = login(client, editor.email, next="/gestion/")
    assert response.status_code == 302
    assert response["Location"] == TOKEN
    # The password alone signs nothing in.
    assert "_auth_user_id" not in client.session
    assert client.get("/gestion/").status_code == 302

    response = client.post(TOKEN, {"token": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/gestion/"
    assert client.session["_auth_user_id"] == str(editor.pk)
    assert client.get("/gestion/").status_code == 200


def test_wrong_totp_code_refused(client: Client, editor: User) -> None:
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    login(client, editor.email)
    response = client.post(TOKEN, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert (
        es("That code is not valid. Codes change every 30 seconds; try the current one.") in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/gestion/").status_code == 302


def enrol_by_link(client: Client, user: User, capture: Any, next_url: str = "/") -> None:
    """The first sign-in of a staff account: the password, then the link mailed to the account."""
    mail.outbox.clear()
    with capture(execute=True):
        login(client, user.email, next=next_url)
    (path,) = mailed_paths("/cuenta/ingresar/activar-2fa/")
    assert client.post(path)["Location"] == SETUP


def test_first_staff_login_sets_up_device_and_shows_backup_codes(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    enrol_by_link(client, editor, django_capture_on_commit_callbacks, next_url="/gestion/")
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    html = page.content.decode()
    assert "<svg" in html
    assert page.context["secret"] in html
    assert "_auth_user_id" not in client.session

    # A wrong code does not confirm the device.
    response = client.post(SETUP, {"token": wrong_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed


def test_setup_confirms_device_and_shows_ten_backup_codes(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    enrol_by_link(client, editor, django_capture_on_commit_callbacks, next_url="/gestion/")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=editor)
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert sorted(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)) == sorted(codes)
    # Signed in with the second factor.
    assert client.get("/gestion/").status_code == 200
    # Next time, the code step comes straight away; a backup code works once.
    other = Client()
    login(other, editor.email)
    # Staff who asked for no page land on the staff home (decision 0030).
    assert other.post(TOKEN, {"token": codes[0]})["Location"] == "/gestion/"
    third = Client()
    login(third, editor.email)
    assert third.post(TOKEN, {"token": codes[0]}).status_code == 200
    assert "_auth_user_id" not in third.session


def test_pending_second_factor_expires(client: Client, editor: User) -> None:
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    login(client, editor.email)
    session = client.session
    pending = session[PENDING]
    pending["at"] -= PENDING_SECONDS + 1
    session[PENDING] = pending
    session.save()
    response = client.post(TOKEN, {"token": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(SETUP)["Location"] == LOGIN


def test_code_step_without_password_step_goes_to_login(client: Client) -> None:
    assert client.get(TOKEN)["Location"] == LOGIN
    assert client.get(SETUP)["Location"] == LOGIN
