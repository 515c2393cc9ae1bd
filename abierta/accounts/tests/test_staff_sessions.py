"""Staff sessions idle out and end after a maximum (security review A5), and complaint pages ask the
second factor again when it was last given too long ago."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.middleware import SEEN, SINCE
from abierta.accounts.models import User
from abierta.accounts.roles import OTP_AT
from abierta.accounts.tests.factories import REVERIFY, current_code, es, wrong_code
from factories import PERSONAS, World, make_user, sign_in

pytestmark = pytest.mark.django_db

INBOX = reverse("complaints:inbox")


def age(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def editor(world: World) -> Client:
    client = sign_in(Client(), make_user("editora@example.org", User.Role.EDITOR, world.own_office))
    assert client.get("/gestion/").status_code == 200  # the session's clock starts
    return client


def test_staff_session_idles_out(editor: Client, settings: Any) -> None:
    settings.ABIERTA_STAFF_IDLE_MINUTES = 30
    age(editor, SEEN, 31 * 60)
    response = editor.get("/gestion/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in editor.session
    page = editor.get(response["Location"])
    expected = es("You were signed out after %(minutes)d minutes without activity. Sign in again to continue.")
    assert expected % {"minutes": 30} in page.content.decode()


def test_activity_keeps_the_session(editor: Client) -> None:
    age(editor, SEEN, 29 * 60)
    assert editor.get("/gestion/").status_code == 200
    assert time.time() - editor.session[SEEN] < 5
    # The session row expires after the idle time too.
    assert editor.session.get_expiry_age() <= 30 * 60


def test_staff_session_has_an_absolute_maximum(editor: Client, settings: Any) -> None:
    settings.ABIERTA_STAFF_SESSION_HOURS = 10
    age(editor, SINCE, 10 * 3600 + 1)
    assert editor.get("/gestion/").status_code == 302
    assert "_auth_user_id" not in editor.session


def test_citizen_sessions_do_not_idle_out() -> None:
    client = sign_in(Client(), make_user("ana@example.org"))
    age(client, SEEN, 24 * 3600)
    assert client.get("/cuenta/").status_code == 200


@pytest.fixture
def officer(world: World) -> Client:
    return sign_in(Client(), make_user("oficial@example.org", User.Role.TRANSPARENCY, world.own_office))


def test_complaint_pages_ask_the_second_factor_again(officer: Client, settings: Any) -> None:
    settings.ABIERTA_OTP_FRESH_MINUTES = 15
    assert officer.get(INBOX).status_code == 200
    age(officer, OTP_AT, 16 * 60)
    response = officer.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == f"{REVERIFY}?next=%2Fgestion%2Fdenuncias%2F"
    # Other staff pages do not ask.
    assert officer.get("/gestion/").status_code == 200
    # A form sent meanwhile is not carried out; it leads back to the page it came from.
    case_status = reverse("complaints:case_status", args=["D-2026-00001"])
    response = officer.post(case_status, {"status": "closed"}, HTTP_REFERER="http://testserver/gestion/denuncias/")
    assert response["Location"] == f"{REVERIFY}?next=%2Fgestion%2Fdenuncias%2F"

    page = officer.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__email="oficial@example.org")
    wrong = officer.post(REVERIFY, {"token": wrong_code(device), "next": INBOX})
    assert wrong.status_code == 200
    assert officer.get(INBOX).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    right = officer.post(REVERIFY, {"token": current_code(device), "next": INBOX})
    assert right["Location"] == INBOX
    assert officer.get(INBOX).status_code == 200


def test_reverify_ignores_offsite_next(officer: Client) -> None:
    device = TOTPDevice.objects.get(user__email="oficial@example.org")
    response = officer.post(REVERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("site:staff_home")


# anonymous: to sign in; citizen: 403; staff (second factor verified): the page.
EXPECTED = {"anonymous": "login", "citizen": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_reverify_permissions(persona: str, persona_client: Callable[[str], Client]) -> None:
    response = persona_client(persona).get(REVERIFY)
    expected = EXPECTED.get(persona, 200)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


def test_reverify_refuses_staff_without_their_second_factor(world: World) -> None:
    client = Client()
    client.force_login(make_user("sin2fa@example.org", User.Role.EDITOR, world.own_office))
    assert client.get(REVERIFY).status_code == 403
