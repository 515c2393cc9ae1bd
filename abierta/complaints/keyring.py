"""A handler's unlocked private key for the length of a browser session, never in the clear at rest.

After unlocking, the private key is encrypted under a random 32-byte key E. The session (a database
row) holds only that ciphertext; E travels in its own cookie (HttpOnly, SameSite=Strict, no
max-age: gone when the browser closes). Whoever reads the sessions table, an administrator with the
database or a backup, holds ciphertext without E; whoever steals the cookie alone holds E without
the ciphertext.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from abierta.complaints import crypto

SESSION_KEY = "complaints_sk"
COOKIE_NAME = "abierta_hk"


def private_key(request: HttpRequest) -> bytes | None:
    """The handler's private key, or None while it is locked (or the cookie and session disagree)."""
    wrapped = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not isinstance(wrapped, str) or not cookie:
        return None
    try:
        return crypto.decrypt(crypto.unb64(cookie), crypto.unb64(wrapped))
    except (crypto.DecryptionError, ValueError):  # binascii.Error is a ValueError
        return None


def store(request: HttpRequest, response: HttpResponse, private_key: bytes) -> None:
    """Keep the key for this browser session: ciphertext in the session, its key in a cookie."""
    cookie_key = crypto.new_key()
    request.session[SESSION_KEY] = crypto.b64(crypto.encrypt(cookie_key, private_key))
    response.set_cookie(
        COOKIE_NAME,
        crypto.b64(cookie_key),
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def lock(request: HttpRequest, response: HttpResponse) -> None:
    """Forget the key: both halves."""
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict")
