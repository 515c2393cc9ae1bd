"""Sign-in throttling (security review A1): the review's 30 wrong passwords are cut at the limit,
the right password is then refused to the attacker's source, and the owner, elsewhere, still signs in."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import caches
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.accounts.tests.factories import TOKEN, login
from abierta.accounts.views import PENDING
from factories import make_user

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def tries(client: Client, email: str, count: int, **extra: Any) -> list[int]:
    return [login(client, email, f"not-the-password-{n}", **extra).status_code for n in range(count)]


def test_thirty_wrong_passwords_are_cut_and_the_owner_still_signs_in() -> None:
    admin = make_user("admin@example.org", User.Role.ADMIN)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    attacker = Client()
    statuses = tries(attacker, admin.email, 30, REMOTE_ADDR=ATTACKER)
    assert statuses[:9] == [200] * 9
    assert statuses[9:] == [429] * 21

    # The right password, from the attacker's source: refused, nothing pending.
    response = login(attacker, admin.email, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert PENDING not in attacker.session
    assert "_auth_user_id" not in attacker.session

    # The owner, from another source, goes on to the second factor as usual.
    owner = Client()
    response = login(owner, admin.email, REMOTE_ADDR=OWNER)
    assert response.status_code == 302
    assert response["Location"] == TOKEN
    assert owner.session[PENDING]["user"] == admin.pk


def test_lockout_page_is_spanish_with_the_wait(settings: Any) -> None:
    settings.ABIERTA_LOGIN_LOCKOUT_MINUTES = 15
    citizen = make_user("ana@example.org")
    client = Client()
    tries(client, citizen.email, 10, REMOTE_ADDR=ATTACKER)
    response = login(client, citizen.email, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "Inténtelo de nuevo en 15 minutos" in html
    assert 'href="/cuenta/contrasena/"' in html


def test_one_source_trying_many_accounts_is_stopped(settings: Any) -> None:
    settings.ABIERTA_LOGIN_FAILURES_PER_SOURCE = 5
    emails = [make_user(f"c{n}@example.org").email for n in range(6)]
    client = Client()
    statuses = [login(client, email, "wrong-password-1", REMOTE_ADDR=ATTACKER).status_code for email in emails[:5]]
    assert statuses == [200, 200, 200, 200, 429]
    # Another account, with its right password, from that source: refused too.
    assert login(client, emails[5], REMOTE_ADDR=ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session
    # From elsewhere, it signs in.
    other = Client()
    assert login(other, emails[5], REMOTE_ADDR=OWNER).status_code == 302


def test_source_is_the_configured_client_address(settings: Any) -> None:
    """Behind a proxy (ABIERTA_CLIENT_IP_HEADER), the proxy's header is the source, not REMOTE_ADDR."""
    settings.ABIERTA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    citizen = make_user("ana@example.org")
    client = Client()
    for n in range(10):
        login(client, citizen.email, "wrong-password-1", REMOTE_ADDR=f"10.0.0.{n}", HTTP_X_REAL_IP=ATTACKER)
    assert login(client, citizen.email, REMOTE_ADDR="10.0.0.99", HTTP_X_REAL_IP=ATTACKER).status_code == 429
    # The same proxy, another client behind it: signs in.
    owner = Client()
    assert login(owner, citizen.email, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=OWNER).status_code == 302


def test_case_of_the_email_does_not_give_more_tries() -> None:
    citizen = make_user("ana@example.org")
    client = Client()
    for n in range(10):
        email = "ANA@example.org" if n % 2 else "Ana@Example.org"
        login(client, email, "wrong-password-1", REMOTE_ADDR=ATTACKER)
    assert login(client, citizen.email, REMOTE_ADDR=ATTACKER).status_code == 429


def test_a_success_clears_the_count_and_nothing_is_stored_in_clear() -> None:
    citizen = make_user("ana@example.org")
    client = Client()
    tries(client, citizen.email, 9, REMOTE_ADDR=OWNER)
    assert login(client, citizen.email, REMOTE_ADDR=OWNER).status_code == 302
    client.post("/cuenta/salir/")
    # Nine more mistakes after a success are not a lockout.
    assert set(tries(client, citizen.email, 9, REMOTE_ADDR=OWNER)) == {200}
    assert login(client, citizen.email, REMOTE_ADDR=OWNER).status_code == 302
    # Attempts live in the rate-limit cache only, never in the database, and under keyed hashes.
    assert AccessAttempt.objects.count() == 0
    keys = " ".join(str(key) for key in caches["ratelimit"]._cache)  # type: ignore[attr-defined]
    assert keys
    assert OWNER not in keys
    assert "ana@example.org" not in keys
