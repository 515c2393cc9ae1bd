"""Cache of public pages for anonymous visitors.

Rendering a plan page costs 15–25 ms of CPU; most visitors are anonymous and see the same bytes.
A page is cached under (content version, language, full path). Any save or delete of a model of
any of the project's own apps (``abierta.*``) bumps the version (one row, shared by all app
servers through the database), so a change is visible at once. Signed-in people, POSTs and
responses that set cookies are never cached. ``ABIERTA_PAGE_CACHE_SECONDS=0`` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from abierta.core.models import ContentVersion

# Every app of the project counts as content, so a new module's pages are invalidated without
# registering anywhere; Django's and third parties' models (sessions, OTP devices, the migration
# recorder) never change a public page. An app whose models never show on a cached page (the
# complaint channel: reporter pages are never cached) says ``public_content = False`` in its AppConfig;
# a single model says it as a class attribute (the consultation's voters and ballots, written at
# hundreds a second: each bump would lock the one version row until the vote's commit).
CONTENT_APP_PREFIX = "abierta."


@functools.cache
def content_app_labels() -> frozenset[str]:
    return frozenset(
        c.label
        for c in apps.get_app_configs()
        if c.name.startswith(CONTENT_APP_PREFIX) and getattr(c, "public_content", True)
    )


def current_version() -> int:
    row = ContentVersion.objects.filter(pk=1).values_list("counter", flat=True).first()
    return row or 0


def bump_version(**kwargs: Any) -> None:
    sender = kwargs.get("sender")
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in content_app_labels() or sender is ContentVersion:
        return
    if getattr(sender, "public_content", True) is False:
        return
    if kwargs.get("raw"):  # loading fixtures
        return
    updated = ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.ABIERTA_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if "messages" in request.COOKIES or settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A session may carry a sign-in or flash messages: render for this person.
        return False
    return not request.user.is_authenticated


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"page:{current_version()}:{get_language()}:{path}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(response, "streaming", False)
        ):
            cache.set(key, (response.content, response["Content-Type"]), settings.ABIERTA_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
