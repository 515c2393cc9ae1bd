"""Helpers of the accounts tests: codes of an authenticator, the forms posted as a browser would
(with the proof of work solved, as ``js/pow.js`` does), and the mailed links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.core import pow
from factories import PASSWORD

LOGIN = reverse("accounts:login")
TOKEN = reverse("accounts:login_token")
SETUP = reverse("accounts:totp_setup")
REGISTER = reverse("accounts:register")
RESET = reverse("accounts:password_reset")
REVERIFY = reverse("accounts:reverify")


def es(msgid: str) -> str:
    with translation.override("es-co"):
        return gettext(msgid)


def current_code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that no step in the device's tolerance window accepts."""
    valid = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0 + k * device.step, digits=device.digits):06d}"
        for k in range(-3, 4)
    }
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in valid)


def solved(purpose: str) -> dict[str, str]:
    """A fresh challenge for ``purpose`` and its proof of work, as the form's script sends them."""
    challenge = pow.issue(purpose, bits=4)
    return {"challenge": challenge, "pow": pow.solve(challenge)}


def register(client: Client, email: str = "nueva@example.org", **extra: Any) -> Any:
    headers = _source(extra)
    data = {
        "first_name": "Nueva",
        "last_name": "Ciudadana",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **solved("register"),
    }
    data.update(extra)
    return client.post(REGISTER, data, **headers)


def reset(client: Client, email: str, **extra: Any) -> Any:
    headers = _source(extra)
    data = {"email": email, **solved("password-reset"), **extra}
    return client.post(RESET, data, **headers)


def _source(extra: dict[str, Any]) -> dict[str, Any]:
    """The request's headers given as ``REMOTE_ADDR=…``, ``HTTP_X_REAL_IP=…`` (taken out of the form's fields)."""
    return {key: extra.pop(key) for key in [k for k in extra if k.isupper()]}


def login(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    headers = _source(extra)
    return client.post(LOGIN, {"username": email, "password": password, **extra}, **headers)


def mailed_paths(prefix: str) -> list[str]:
    """The paths of the links starting with ``prefix`` in every mail sent so far."""
    found = []
    for message in mail.outbox:
        for url in re.findall(r"https?://\S+", str(message.body)):
            path = urlsplit(url).path
            if path.startswith(prefix):
                found.append(path)
    return found
