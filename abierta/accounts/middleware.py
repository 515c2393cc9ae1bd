"""Staff sessions idle out, and end at the latest some hours after sign-in.

A citizen's session lasts as Django's default; a staff member's (any role but citizen) is signed
out after ``ABIERTA_STAFF_IDLE_MINUTES`` without a request and ``ABIERTA_STAFF_SESSION_HOURS`` after
sign-in, whatever they do. The session row itself expires after the idle time too, so a copied
cookie dies on the server as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from abierta.accounts.models import User

SINCE = "accounts_staff_since"
SEEN = "accounts_staff_seen"
# The last-seen time is written at most this often (each write saves the session).
SEEN_RESOLUTION = 60


def staff_session_start(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SINCE] = now
    request.session[SEEN] = now
    request.session.set_expiry(int(settings.ABIERTA_STAFF_IDLE_MINUTES) * 60)


class StaffSessionMiddleware:
    """Ends idle or too-old staff sessions before the view runs; counts as activity only a page that
    reads the signed-in user.

    A public page that never looks at the session (a work's QR page, which caches and sets no cookie
    for anyone) is left untouched: reading the session here is undone, and the last-seen time is
    written afterwards only if the view itself read the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is signed in: the user (and with it the session, which
        # would add "Vary: Cookie" to cacheable public answers) is not looked at.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        accessed = request.session.accessed
        user = getattr(request, "user", None)
        staff = isinstance(user, User) and user.is_authenticated and user.is_staff_role
        if not staff:
            return self.get_response(request)
        if self._ended(request):
            return self.get_response(request)
        # Undo this reading: what counts is whether the view reads the session or the user.
        request.session.accessed = accessed
        read: list[bool] = []

        def _user() -> Any:
            read.append(True)
            return user

        request.user = SimpleLazyObject(_user)  # type: ignore[assignment]
        response = self.get_response(request)
        if read or request.session.accessed:
            self._seen(request)
        return response

    def _ended(self, request: HttpRequest) -> bool:
        """Sign out a session past its idle time or its maximum; True if it was."""
        now = int(time.time())
        since = request.session.get(SINCE)
        seen = request.session.get(SEEN)
        if not isinstance(since, int) or not isinstance(seen, int):
            return False
        if now - seen > int(settings.ABIERTA_STAFF_IDLE_MINUTES) * 60:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity. Sign in again to continue.")
                % {"minutes": settings.ABIERTA_STAFF_IDLE_MINUTES},
            )
            return True
        if now - since > int(settings.ABIERTA_STAFF_SESSION_HOURS) * 3600:
            logout(request)
            messages.info(
                request,
                _("Staff sessions last at most %(hours)d hours. Sign in again to continue.")
                % {"hours": settings.ABIERTA_STAFF_SESSION_HOURS},
            )
            return True
        return False

    def _seen(self, request: HttpRequest) -> None:
        if not request.user.is_authenticated:  # the view signed out
            return
        since = request.session.get(SINCE)
        seen = request.session.get(SEEN)
        if not isinstance(since, int) or not isinstance(seen, int):
            staff_session_start(request)
            return
        now = int(time.time())
        if now - seen >= SEEN_RESOLUTION:
            request.session[SEEN] = now
            request.session.set_expiry(int(settings.ABIERTA_STAFF_IDLE_MINUTES) * 60)
