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
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
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


# The edge cache's copy of the version, read from the database at most once every
# ABIERTA_EDGE_VERSION_SECONDS per process: [version, monotonic time it was read].
_edge_version: list[float] = [0, float("-inf")]


def edge_version() -> int:
    """The content version, read from the database at most once every ``ABIERTA_EDGE_VERSION_SECONDS``
    per process: a change made by another app server shows after at most that; one made by this
    process, at once. For the edge cache and for data derived from content that a page reads several
    times (the contract search's menus and indicators)."""
    ttl = settings.ABIERTA_EDGE_VERSION_SECONDS
    now = time.monotonic()
    if ttl <= 0 or now - _edge_version[1] >= ttl:
        _edge_version[0], _edge_version[1] = current_version(), now
    return int(_edge_version[0])


def forget_edge_version() -> None:
    _edge_version[1] = float("-inf")


def bump_version(**kwargs: Any) -> None:
    sender = kwargs.get("sender")
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in content_app_labels() or sender is ContentVersion:
        return
    if getattr(sender, "public_content", True) is False:
        return
    if kwargs.get("raw"):  # loading fixtures
        return
    forget_edge_version()
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
        version = getattr(request, "abierta_content_version", None)
        if version is None:
            version = current_version()
        key = f"page:{version}:{get_language()}:{path}"
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


class EdgeCacheMiddleware:
    """The anonymous page cache in front of the whole middleware stack, for the hottest pages.

    For paths matching ``ABIERTA_EDGE_CACHE_PATHS`` (by default the page behind a work's QR code,
    ``/o/<code>`` and ``/en/o/<code>``), a GET or HEAD without any cookie and without a query string
    is answered from the cache with the exact status, headers and body that the full stack produced
    the first time, under the same content version as :func:`public_page` (any save of public
    content changes the key, so a change shows at once). Only answers the stack itself declared
    shareable are kept: status 200, ``Cache-Control: public``, no cookie set, not streamed. A hit
    costs one cache read (and, at most once a second per process, one primary-key query for the
    content version); it skips sessions, CSRF, authentication, messages and the view. It sits right
    after the complaint channel's privacy middleware, so before ``SecurityMiddleware`` and
    ``CommonMiddleware``: a request they would refuse or redirect (a host outside ``ALLOWED_HOSTS``,
    plain HTTP under ``SECURE_SSL_REDIRECT``) is never answered from here but goes down the stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = [re.compile(p) for p in settings.ABIERTA_EDGE_CACHE_PATHS]

    def _eligible(self, request: HttpRequest) -> bool:
        return (
            settings.ABIERTA_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.META.get("HTTP_COOKIE")
            and not request.META.get("QUERY_STRING")
            and any(p.match(request.path_info) for p in self.paths)
            and self._would_pass_the_stack(request)
        )

    @staticmethod
    def _would_pass_the_stack(request: HttpRequest) -> bool:
        """Whether Django's own middleware would let the request reach the view: its host is one of
        ``ALLOWED_HOSTS`` (else ``CommonMiddleware`` answers 400) and, with ``SECURE_SSL_REDIRECT``,
        it came over HTTPS (else ``SecurityMiddleware`` redirects it)."""
        try:
            request.get_host()
        except DisallowedHost:
            return False
        return request.is_secure() or not settings.SECURE_SSL_REDIRECT

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        version = edge_version()
        request.abierta_content_version = version  # type: ignore[attr-defined]  # read by public_page
        key = f"edge:{version}:{hashlib.sha256(request.path_info.encode()).hexdigest()[:32]}"
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            etag = dict(headers).get("ETag")
            if etag and etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
                not_modified = HttpResponseNotModified()
                for name, value in headers:
                    if name in ("ETag", "Cache-Control", "Vary", "Content-Language"):
                        not_modified[name] = value
                return not_modified
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "edge-hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "public" in response.get("Cache-Control", "")
            and request.method == "GET"
        ):
            headers = [(k, v) for k, v in response.items() if k != "X-Page-Cache"]
            cache.set(key, (200, headers, response.content), settings.ABIERTA_PAGE_CACHE_SECONDS)
        return response
