"""The reporter's follow-up session: one encrypted cookie, revocable from the case row.

After a good receipt the browser holds cookie ``sid`` (a name that says nothing) = b64(encrypt(
server_key, JSON{case id, case key, idle expiry, when the receipt was typed, the case's session
epoch})), with ``Path=/denuncias/``, and the same value as ``sid_en`` with ``Path=/en/denuncias/``
(a cookie's path cannot cover both languages without covering the whole site). The browser sends
them to the complaint pages only, and forgets them when it closes.

A session ends after IDLE_SECONDS without a page, LIFETIME_SECONDS after the receipt was typed
whatever the activity, or when the reporter leaves: "leave" bumps ``Case.session_epoch``, and a
cookie made under an older epoch opens nothing, even a copy kept from before. No Django session and
no row per browser: the epoch is one number per case, and nothing links a case to a browser.

Forms on the case page carry ``token`` = mac("reporter-form", cookie value) of the cookie sent
with that page; a POST must bring the cookie and its token (the pages are CSRF-exempt because
Django's CSRF cookie is not allowed here).
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponseBase

from abierta.complaints import antiabuse, crypto, services
from abierta.complaints.models import Case
from abierta.complaints.services import OpenCase

# (name, path) of each cookie: the Spanish pages, the English ones.
COOKIES = (("sid", "/denuncias/"), ("sid_en", "/en/denuncias/"))
COOKIE_NAMES = frozenset(name for name, _path in COOKIES)
COOKIE_NAME = COOKIES[0][0]
IDLE_SECONDS = 30 * 60
LIFETIME_SECONDS = 2 * 3600
_PURPOSE = "reporter-session"


def cookie_value(request: HttpRequest) -> str:
    """The cookie as the browser sent it (the middleware moves it off ``request.COOKIES``)."""
    value: str | None = getattr(request, "complaints_cookie", None)
    if value is None:
        value = next((request.COOKIES[name] for name, _path in COOKIES if request.COOKIES.get(name)), "")
    return value


def pick(request: HttpRequest) -> str:
    """The request's follow-up cookie: the one of its language's path first (the middleware's use)."""
    english = request.path_info.startswith("/en/")
    order = reversed(COOKIES) if english else iter(COOKIES)
    return next((request.COOKIES[name] for name, _path in order if request.COOKIES.get(name)), "")


def encode(opened: OpenCase, request: HttpRequest | None = None) -> str:
    """A cookie value for this case, valid for IDLE_SECONDS from now and never past LIFETIME_SECONDS
    after the receipt was typed (kept from the request's cookie; now for a new session)."""
    now = int(antiabuse.now())
    born = int(getattr(request, "complaints_session_born", now)) if request is not None else now
    payload = {
        "case": opened.case.pk,
        "key": crypto.b64(opened.case_key),
        "exp": min(now + IDLE_SECONDS, born + LIFETIME_SECONDS),
        "born": born,
        "epoch": opened.case.session_epoch,
    }
    return crypto.b64(crypto.encrypt(crypto.server_key(_PURPOSE), json.dumps(payload).encode()))


def load(request: HttpRequest) -> OpenCase | None:
    """The case the request's cookie opens, or None (no cookie, tampered, idle or too old, revoked by
    "leave", deleted case)."""
    value = cookie_value(request)
    if not value:
        return None
    try:
        payload = json.loads(crypto.decrypt(crypto.server_key(_PURPOSE), crypto.unb64(value)))
        case_id, case_key = int(payload["case"]), crypto.unb64(payload["key"])
        expires, born, epoch = int(payload["exp"]), int(payload["born"]), int(payload["epoch"])
    except (crypto.DecryptionError, ValueError, KeyError, TypeError):
        return None
    now = antiabuse.now()
    if expires < now or born + LIFETIME_SECONDS < now:
        return None
    opened = services.case_reopen(case_id=case_id, case_key=case_key)
    if opened is None or opened.case.session_epoch != epoch:
        return None
    request.complaints_session_born = born  # type: ignore[attr-defined]
    return opened


def revoke(opened: OpenCase) -> None:
    """End every follow-up session of the case (the reporter left): older cookies no longer open it."""
    Case.objects.filter(pk=opened.case.pk).update(session_epoch=F("session_epoch") + 1)


def store(response: HttpResponseBase, request: HttpRequest, value: str) -> None:
    """Set the cookies: for this browser session only, HttpOnly, SameSite=Strict, Secure over HTTPS,
    sent to the complaint pages only."""
    for name, path in COOKIES:
        response.set_cookie(
            name,
            value,
            path=path,
            secure=request.is_secure() or settings.PRODUCTION,
            httponly=True,
            samesite="Strict",
        )


def clear(response: HttpResponseBase) -> None:
    for name, path in COOKIES:
        response.delete_cookie(name, path=path, samesite="Strict")


def form_token(value: str) -> str:
    return crypto.mac("reporter-form", value.encode())


def token_ok(request: HttpRequest) -> bool:
    """Whether the POST's ``token`` belongs to the cookie it came with."""
    value = cookie_value(request)
    sent = request.POST.get("token", "")
    return bool(value) and hmac.compare_digest(sent, form_token(value))
