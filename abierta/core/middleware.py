"""Locale from the path only, said so to caches."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware


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
