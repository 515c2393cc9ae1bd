"""Registration and password reset under abuse (security review A1, A2, A3): proof of work, limits per
source and per address, no typed text in the city's mails, the same cost for a known address, and
reset links built from SITE_URL whatever the Host header."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from abierta.accounts.models import User
from abierta.accounts.tests.factories import REGISTER, RESET, es, mailed_paths, register, reset
from factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PHISHING = "URGENTE: su cuenta sera suspendida, ingrese a http://phish.example/login"


def test_registration_without_proof_of_work_is_refused_and_keeps_what_was_typed(client: Client) -> None:
    response = register(client, challenge="", pow="")
    assert response.status_code == 400
    assert not User.objects.exists()
    assert mail.outbox == []
    html = response.content.decode()
    assert es("This form expired or could not be verified. What you typed is kept below: please send it again.") in html
    assert 'value="nueva@example.org"' in html
    # A new challenge comes with the page.
    assert response.context["challenge"].startswith("v1.")


def test_registration_without_javascript_waits(client: Client, settings: Any) -> None:
    settings.ABIERTA_POW_NOJS_WAIT_SECONDS = 10
    page = client.get(REGISTER)
    response = register(client, challenge=page.context["challenge"], pow="")
    assert response.status_code == 400
    assert not User.objects.exists()
    assert response.context["challenge"] == page.context["challenge"]


def test_a_challenge_registers_once(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    first = register(client, email="una@example.org")
    assert first.status_code == 200
    again = {"challenge": first.wsgi_request.POST["challenge"], "pow": first.wsgi_request.POST["pow"]}
    second = register(client, email="otra@example.org", **again)
    assert second.status_code == 400
    assert list(User.objects.values_list("email", flat=True)) == ["una@example.org"]


def test_registration_limit_per_source(client: Client, settings: Any) -> None:
    settings.ABIERTA_ACCOUNT_MAILS_PER_SOURCE = 3
    for n in range(3):
        assert register(client, email=f"c{n}@example.org", REMOTE_ADDR="203.0.113.9").status_code == 200
    response = register(client, email="c3@example.org", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert es("Too many requests came from your connection in the last hour. Please try again later.") in (
        response.content.decode()
    )
    assert not User.objects.filter(email="c3@example.org").exists()
    assert register(client, email="c3@example.org", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_mails_to_one_address_are_limited(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ABIERTA_ACCOUNT_MAILS_PER_ADDRESS = 3
    make_user("victima@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            response = register(client, email="victima@example.org", REMOTE_ADDR=f"203.0.113.{n}")
            assert response.status_code == 200  # the same page every time
        for n in range(6):
            assert reset(client, "victima@example.org", REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    assert len(mail.outbox) == 3


def test_verification_mail_holds_no_typed_text(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        register(client, email="victim-reg@example.org", first_name=PHISHING, last_name=PHISHING)
    (message,) = mail.outbox
    text = f"{message.subject}\n{message.body}"
    assert "URGENTE" not in text
    assert "phish.example" not in text
    assert len(re.findall(r"https?://", str(message.body))) == 1
    assert len(mailed_paths("/cuenta/verificar/")) == 1


def test_known_address_costs_a_password_hash_too(client: Client) -> None:
    """Registering a known address hashes the password as creating an account does (A2)."""
    make_user("duena@example.org")
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as spy:
        register(client, email="nueva@example.org")
        new_account = spy.call_count
        spy.reset_mock()
        register(client, email="duena@example.org")
        known_account = spy.call_count
    assert new_account == 1
    assert known_account == new_account


def test_reset_needs_proof_of_work(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    make_user("ana@example.org")
    response = reset(client, "ana@example.org", challenge="", pow="")
    assert response.status_code == 400
    assert 'value="ana@example.org"' in response.content.decode()
    assert mail.outbox == []


def test_reset_link_uses_site_url_not_the_host_header(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://abierta.example.gov.co"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    make_user("ciudadana@example.org")
    response = reset(client, "ciudadana@example.org", HTTP_HOST="localhost")
    assert response.status_code == 302
    (message,) = mail.outbox
    text = f"{message.subject}\n{message.body}"
    assert "localhost" not in text
    urls = re.findall(r"https?://\S+", str(message.body))
    assert len(urls) == 1
    assert urls[0].startswith("https://abierta.example.gov.co/cuenta/contrasena/")

    # The link works: it leads to choosing a new password, which then signs in.
    path = urls[0].removeprefix("https://abierta.example.gov.co")
    form = client.get(path, follow=True)
    assert form.status_code == 200
    new = "otra-clave-bien-larga-7"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert Client().post("/cuenta/ingresar/", {"username": "ciudadana@example.org", "password": new}).status_code == 302
    assert (
        Client().post("/cuenta/ingresar/", {"username": "ciudadana@example.org", "password": PASSWORD}).status_code
        == 200
    )


def test_reset_limit_per_source(client: Client, settings: Any) -> None:
    settings.ABIERTA_ACCOUNT_MAILS_PER_SOURCE = 2
    for n in range(2):
        assert reset(client, f"x{n}@example.org", REMOTE_ADDR="203.0.113.9").status_code == 302
    assert reset(client, "x2@example.org", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert reset(client, "x2@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_pages_carry_the_proof_of_work(client: Client) -> None:
    for url in (REGISTER, RESET):
        html = client.get(url).content.decode()
        assert "data-pow" in html
        assert 'name="challenge"' in html
        assert "/static/js/pow.js" in html
