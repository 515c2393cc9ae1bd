"""Cache of public pages for anonymous visitors.

Rendering a plan page costs 15–25 ms of CPU; most visitors are anonymous and see the same bytes.
Signed-in people, POSTs and responses that set cookies are never cached.
``ABIERTA_PAGE_CACHE_SECONDS=0`` turns the cache off.

**What a write empties.** Content is split in sections, one per app of the project (``plans``,
``works``, ``contracting``…), each with its version (a row of ``ContentVersion``, shared by all app
servers through the database). Any save or delete of a model of an app bumps that app's version.
A cached page is stored under the versions of the sections it read: while it renders, the tables
of its SQL queries are noted (``connection.execute_wrapper``), and so are the sections of any
derived data it takes from the cache (:func:`edge_version`). So a support to a proposal empties
the co-creation pages, not the page behind a work's QR code, and a change still shows at once on
every page that shows it. ``ABIERTA_PAGE_CACHE_SECTIONS=0`` makes every page depend on every
section (one version for the whole site, as before), for comparison (``bench/page_cache.py``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connections
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language

from abierta.core.models import ContentVersion

# Every app of the project counts as content, so a new module's pages are invalidated without
# registering anywhere; Django's and third parties' models (sessions, OTP devices, the migration
# recorder) never change a public page. An app whose models never show on a cached page (the
# complaint channel: reporter pages are never cached) says ``public_content = False`` in its AppConfig;
# a single model says it as a class attribute (the consultation's voters and ballots, written at
# hundreds a second: each bump would lock the version row until the vote's commit). A model whose
# saves of some fields only never show (a user's ``last_login``) lists them in
# ``page_cache_ignores``.
CONTENT_APP_PREFIX = "abierta."

# A page that depends on every section (the setting off, or a read of the whole site's version).
ALL = "*"

_T = TypeVar("_T")


@functools.cache
def content_app_labels() -> frozenset[str]:
    return frozenset(
        c.label
        for c in apps.get_app_configs()
        if c.name.startswith(CONTENT_APP_PREFIX) and getattr(c, "public_content", True)
    )


def section_of(model: Any) -> str | None:
    """The section a model's changes bump (its app's label), or None when it is not content."""
    meta = getattr(model, "_meta", None)
    if meta is None or meta.app_label not in content_app_labels() or model is ContentVersion:
        return None
    if getattr(model, "public_content", True) is False:
        return None
    return str(meta.app_label)


@functools.cache
def _table_sections() -> dict[str, str]:
    """The section of each content table (many-to-many tables included), by table name."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        section = section_of(owner) if isinstance(owner, type) else None
        if section is not None:
            tables[model._meta.db_table] = section
    return tables


_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)

# The sections noted by the pages being rendered (several when one cache sits inside another).
_reading: contextvars.ContextVar[tuple[set[str], ...]] = contextvars.ContextVar("abierta_page_reading", default=())


def _note(sections: Iterable[str]) -> None:
    reading = _reading.get()
    if reading:
        found = set(sections)
        for noted in reading:
            noted |= found


def _note_sql(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    tables = _table_sections()
    _note([tables[name] for name in _TABLE.findall(sql) if name in tables])
    return execute(sql, params, many, context)


@contextlib.contextmanager
def reading_sections() -> Iterator[set[str]]:
    """The sections of content read inside the block: the tables of its queries, on every database
    connection of this thread, and the sections named by :func:`edge_version`."""
    noted: set[str] = set()
    token = _reading.set((*_reading.get(), noted))
    try:
        with contextlib.ExitStack() as stack:
            for conn in connections.all():
                stack.enter_context(conn.execute_wrapper(_note_sql))
            yield noted
    finally:
        _reading.reset(token)


def versions() -> dict[str, int]:
    """Every section's version, from the database (one query)."""
    return {str(section): int(counter) for section, counter in ContentVersion.objects.values_list("section", "counter")}


def current_version() -> int:
    """The whole site's version: it grows with any change of any section."""
    return sum(versions().values())


# The edge cache's copy of the versions, read from the database at most once every
# ABIERTA_EDGE_VERSION_SECONDS per process: [versions, monotonic time they were read].
_edge_versions: list[Any] = [{}, float("-inf")]


def edge_versions() -> dict[str, int]:
    """:func:`versions`, read from the database at most once every ``ABIERTA_EDGE_VERSION_SECONDS``
    per process: a change made by another app server shows after at most that; one made by this
    process, at once."""
    ttl = settings.ABIERTA_EDGE_VERSION_SECONDS
    now = time.monotonic()
    if ttl <= 0 or now - _edge_versions[1] >= ttl:
        _edge_versions[0], _edge_versions[1] = versions(), now
    return dict(_edge_versions[0])


def edge_version(*sections: str) -> int:
    """A version of the content of ``sections`` (all when none is named), from :func:`edge_versions`,
    for data derived from that content and kept in the cache (the contract search's menus and
    indicators): a page that uses it depends on those sections."""
    known = edge_versions()
    if not sections:
        _note([ALL])
        return sum(known.values())
    _note(sections)
    return sum(known.get(section, 0) for section in sections)


def derived(name: str, models: tuple[Any, ...], compute: Callable[[], _T], *, per_language: bool = False) -> _T:
    """``compute()``, kept in the cache until the section of one of ``models`` changes (or an hour
    passes): for figures a page shows that cost more than the page (a plan's totals over its
    50,000 lines). ``per_language`` keeps one copy per language, for values holding translated text."""
    sections = sorted({s for s in (section_of(m) for m in models) if s})
    key = f"derived:{name}:{edge_version(*sections)}"
    if per_language:
        key += f":{get_language()}"
    value: _T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, 3600)
    return value


def forget_edge_version() -> None:
    _edge_versions[1] = float("-inf")


def bump_version(**kwargs: Any) -> None:
    sender = kwargs.get("sender")
    section = section_of(sender)
    if section is None:
        return
    if kwargs.get("raw"):  # loading fixtures
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= set(getattr(sender, "page_cache_ignores", ())):
        return
    forget_edge_version()
    updated = ContentVersion.objects.filter(section=section).update(counter=F("counter") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(section=section, defaults={"counter": 1})


def _signature(depends: tuple[str, ...], known: dict[str, int]) -> str:
    """The part of a page's key that changes when a section it depends on changes."""
    if ALL in depends or not settings.ABIERTA_PAGE_CACHE_SECTIONS:
        return f"*{sum(known.values())}"
    return ".".join(f"{section}{known.get(section, 0)}" for section in depends)


def _depends(noted: set[str]) -> tuple[str, ...]:
    return (ALL,) if ALL in noted else tuple(sorted(noted))


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
        known = getattr(request, "abierta_content_versions", None)
        if known is None:
            known = versions()
        base = f"page:{get_language()}:{path}"
        depends = cache.get(f"{base}:depends")
        if depends is not None:
            hit = cache.get(f"{base}:{_signature(depends, known)}")
            if hit is not None:
                _note(depends)  # for a cache around this one (the edge cache)
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
        with reading_sections() as noted:
            response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(response, "streaming", False)
        ):
            # Stored under the versions read before rendering: a change saved meanwhile is a miss next.
            depends = _depends(noted)
            seconds = settings.ABIERTA_PAGE_CACHE_SECONDS
            cache.set_many(
                {
                    f"{base}:depends": depends,
                    f"{base}:{_signature(depends, known)}": (response.content, response["Content-Type"]),
                },
                seconds,
            )
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
        known = edge_versions()
        request.abierta_content_versions = known  # type: ignore[attr-defined]  # read by public_page
        base = f"edge:{hashlib.sha256(request.path_info.encode()).hexdigest()[:32]}"
        depends = cache.get(f"{base}:depends")
        hit = cache.get(f"{base}:{_signature(depends, known)}") if depends is not None else None
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
        with reading_sections() as noted:
            response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "public" in response.get("Cache-Control", "")
            and request.method == "GET"
        ):
            headers = [(k, v) for k, v in response.items() if k != "X-Page-Cache"]
            depends = _depends(noted)
            cache.set_many(
                {f"{base}:depends": depends, f"{base}:{_signature(depends, known)}": (200, headers, response.content)},
                settings.ABIERTA_PAGE_CACHE_SECONDS,
            )
        return response
