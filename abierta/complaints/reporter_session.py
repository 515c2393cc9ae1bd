"""The reporter's follow-up session: one encrypted cookie, nothing on the server.

After a good receipt the browser holds cookie ``denuncia`` = b64(encrypt(server_key, JSON{case id,
case key, expiry})). It lasts while the browser is open and at most 30 idle minutes (the expiry is
renewed with every page). No Django session, no database row: nothing links a case to a browser.

Forms on the case page carry ``token`` = mac("reporter-form", cookie value) of the cookie sent
with that page; a POST must bring the cookie and its token (the pages are CSRF-exempt because
Django's CSRF cookie is not allowed here).
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from abierta.complaints import antiabuse, crypto, services
from abierta.complaints.services import OpenCase

COOKIE_NAME = "denuncia"
IDLE_SECONDS = 30 * 60
_PURPOSE = "reporter-session"


def cookie_value(request: HttpRequest) -> str:
    """The cookie as the browser sent it (the middleware moves it off ``request.COOKIES``)."""
    value: str | None = getattr(request, "complaints_cookie", None)
    if value is None:
        value = request.COOKIES.get(COOKIE_NAME, "")
    return value


def encode(opened: OpenCase) -> str:
    """A new cookie value for this case, valid for IDLE_SECONDS from now."""
    payload = {
        "case": opened.case.pk,
        "key": crypto.b64(opened.case_key),
        "exp": int(antiabuse.now()) + IDLE_SECONDS,
    }
    return crypto.b64(crypto.encrypt(crypto.server_key(_PURPOSE), json.dumps(payload).encode()))


def load(request: HttpRequest) -> OpenCase | None:
    """The case the request's cookie opens, or None (no cookie, tampered, expired, deleted case)."""
    value = cookie_value(request)
    if not value:
        return None
    try:
        payload = json.loads(crypto.decrypt(crypto.server_key(_PURPOSE), crypto.unb64(value)))
        case_id, case_key, expires = int(payload["case"]), crypto.unb64(payload["key"]), int(payload["exp"])
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
    if expires < antiabuse.now():
        return None
    return services.case_reopen(case_id=case_id, case_key=case_key)


def store(response: HttpResponseBase, request: HttpRequest, value: str) -> None:
    """Set the cookie: for this browser session only, HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(
        COOKIE_NAME,
        value,
        path="/",
        secure=request.is_secure() or settings.PRODUCTION,
        httponly=True,
        samesite="Strict",
    )


def clear(response: HttpResponseBase) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict")


def form_token(value: str) -> str:
    return crypto.mac("reporter-form", value.encode())


def token_ok(request: HttpRequest) -> bool:
    """Whether the POST's ``token`` belongs to the cookie it came with."""
    value = cookie_value(request)
    sent = request.POST.get("token", "")
    return bool(value) and hmac.compare_digest(sent, form_token(value))
