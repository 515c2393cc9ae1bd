"""Locale from the path only, said so to caches; a cap on the size of a request's body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation


class PathLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without ``Vary: Accept-Language`` where the path alone decides.

    With ``i18n_patterns(prefix_default_language=False)`` Django activates the default language
    (Spanish) for every path without a language prefix and English for ``/en/…``: the
    Accept-Language header and the language cookie are never read. Django still adds
    ``Vary: Accept-Language`` to the unprefixed pages, which makes a CDN keep one copy per distinct
    header value — a poor hit rate on the page behind a work's QR code, the most visited page.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        if used and not prefixed_default and response.has_header("Vary"):
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than ``ABIERTA_MAX_REQUEST_BYTES``, with a 413,
    before anything reads or parses it (Django would otherwise spool a whole multipart body to disk
    and only then let a form refuse its files). Second in MIDDLEWARE, after the reporter's privacy
    middleware, so that the refusal on /denuncias/ gets its headers too. The proxy in front refuses
    the same size sooner (``client_max_body_size``, docs/deploy.md); this is the application's own
    guard when it does not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = int(settings.ABIERTA_MAX_REQUEST_BYTES)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body without a valid Content-Length
        if declared > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, limit: int) -> HttpResponse:
        language = "en" if request.path_info.startswith("/en/") else settings.LANGUAGE_CODE
        with translation.override(language):
            html = render_to_string("413.html", {"limit": filesizeformat(limit), "lang": translation.get_language()})
        return HttpResponse(html, status=413)
