"""Sign-in throttling: django-axes, configured so that an attacker cannot lock the owner out.

Two limits, both in the ``ratelimit`` cache alias (never the database, never the page cache):

- per account *and* source (django-axes' combination of user name and address): after
  ``ABIERTA_LOGIN_FAILURES_PER_ACCOUNT_SOURCE`` wrong passwords for one account from one source, that
  source may not try that account for ``ABIERTA_LOGIN_LOCKOUT_MINUTES`` (each further try restarts the
  wait). The owner, from anywhere else, still signs in;
- per source, whatever the account (credential stuffing from one address): a generous
  ``ABIERTA_LOGIN_FAILURES_PER_SOURCE`` wrong passwords in the same time, so that an office or a
  mobile operator behind one address is not stopped by a few mistyped passwords.

The source is the address of :func:`abierta.core.http.client_address` (``ABIERTA_CLIENT_IP_HEADER``),
and django-axes only ever sees a keyed hash of it (:func:`source_tag`): neither the cache keys nor the
log lines hold an address or an email.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.cache import AxesCacheHandler
from django.conf import settings
from django.http import HttpRequest

from abierta.core import ratelimit
from abierta.core.http import client_address


def lockout_seconds() -> int:
    return int(settings.ABIERTA_LOGIN_LOCKOUT_MINUTES) * 60


def source_tag(request: HttpRequest) -> str:
    """What django-axes takes for the client address: a keyed hash of it (``AXES_CLIENT_IP_CALLABLE``)."""
    return ratelimit.cache_key("login-source:" + client_address(request))


def username_of(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The email tried, as accounts store it (``AXES_USERNAME_CALLABLE``): ``ANA@x`` and ``ana@x`` count together."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "") if request is not None else ""
    return str(raw or "").strip().lower()


def _source_key(request: HttpRequest) -> str:
    return "login-failures:" + client_address(request)


def source_blocked(request: HttpRequest) -> bool:
    return ratelimit.count(_source_key(request)) >= int(settings.ABIERTA_LOGIN_FAILURES_PER_SOURCE)


class LoginThrottle(AxesCacheHandler):  # type: ignore[misc]
    """django-axes' cache handler (the combination limit) plus the per-source limit."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or source_blocked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        failures = ratelimit.hit(_source_key(request), window=lockout_seconds())
        if failures >= int(settings.ABIERTA_LOGIN_FAILURES_PER_SOURCE):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
