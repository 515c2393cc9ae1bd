"""First-time TOTP enrolment needs a one-time link mailed to the account (security review A4): whoever
learns a new staff account's password cannot bind their own authenticator with it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import TOTPEnrolment, User
from abierta.accounts.tests.factories import LOGIN, SETUP, TOKEN, current_code, login, mailed_paths
from factories import PERSONAS, World, make_user

pytestmark = pytest.mark.django_db

LINK = "/cuenta/ingresar/activar-2fa/"


@pytest.fixture
def editor(world: World) -> User:
    return make_user("editora@example.org", User.Role.EDITOR, world.own_office)


@pytest.fixture
def signed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post the password with the on-commit mails sent."""

    def post(client: Client, user: User) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return login(client, user.email, next="/gestion/")

    return post


def test_password_alone_binds_no_authenticator_and_mails_a_link(
    client: Client, editor: User, signed: Callable[..., Any]
) -> None:
    response = signed(client, editor)
    assert response.status_code == 200
    assert response.context["sent"] is True
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert len(mailed_paths(LINK)) == 1
    # The set-up page is refused, and no authenticator exists.
    assert client.get(SETUP)["Location"] == LOGIN
    assert client.post(SETUP, {"token": "123456"})["Location"] == LOGIN
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert "_auth_user_id" not in client.session
    # Only a hash of the link's token is stored.
    token = mailed_paths(LINK)[0].removeprefix(LINK).strip("/")
    assert not TOTPEnrolment.objects.filter(token_hash=token).exists()


def test_the_link_works_once(client: Client, editor: User, signed: Callable[..., Any]) -> None:
    signed(client, editor)
    (path,) = mailed_paths(LINK)
    # Opening the link (a mail scanner does too) uses nothing up.
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert client.post(path)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 200
    assert client.get("/gestion/").status_code == 200
    # Used: refused everywhere.
    assert client.get(path).status_code == 400
    other = Client()
    assert other.post(path).status_code == 400


def test_link_opened_in_another_browser_still_needs_the_password(
    client: Client, editor: User, signed: Callable[..., Any]
) -> None:
    signed(client, editor)
    (path,) = mailed_paths(LINK)
    phone = Client()
    assert phone.post(path)["Location"] == LOGIN
    assert phone.get(SETUP)["Location"] == LOGIN
    assert login(phone, editor.email)["Location"] == SETUP
    assert phone.get(SETUP).status_code == 200
    # The browser that typed the password but never opened the link may not set up.
    fresh = Client()
    login(fresh, editor.email)
    assert fresh.get(SETUP)["Location"] == LOGIN


def test_link_expires(client: Client, editor: User, signed: Callable[..., Any]) -> None:
    signed(client, editor)
    (path,) = mailed_paths(LINK)
    TOTPEnrolment.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400
    assert client.get(SETUP)["Location"] == LOGIN


def test_a_new_link_replaces_the_old_one(client: Client, editor: User, signed: Callable[..., Any]) -> None:
    signed(client, editor)
    signed(client, editor)
    first, second = mailed_paths(LINK)
    assert client.post(first).status_code == 400
    assert client.post(second)["Location"] == SETUP


def test_mails_per_hour_are_limited(client: Client, editor: User, signed: Callable[..., Any]) -> None:
    sent = [signed(client, editor).context["sent"] for _n in range(4)]
    assert sent == [True, True, True, False]
    assert len(mail.outbox) == 3


def test_enrolled_staff_are_unaffected(client: Client, editor: User, signed: Callable[..., Any]) -> None:
    TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    assert signed(client, editor)["Location"] == TOKEN
    assert mail.outbox == []


def test_citizens_get_no_link(client: Client, signed: Callable[..., Any]) -> None:
    citizen = make_user("ana@example.org")
    assert signed(client, citizen).status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_bad_link_is_refused_to_everyone(persona: str, persona_client: Callable[[str], Client]) -> None:
    client = persona_client(persona)
    assert client.get(LINK + "not-a-token/").status_code == 400
    assert client.post(LINK + "not-a-token/").status_code == 400
