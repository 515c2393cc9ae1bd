"""Privacy of the reporter's pages (/denuncias/ and /en/denuncias/).

First in MIDDLEWARE, so that it sees the request before anything else and the response after
everything else:

- the client address becomes ``request.complaints_source``, a 64-bit HMAC under a random key made
  each day and kept only in the ``ratelimit`` cache (``source_tag``), used only by the anti-abuse
  counters; then the address, the User-Agent, the Referer and every proxy header are
  removed from ``request.META``, so no later code, log line or error report can see them;
- the follow-up cookie is moved off ``request.COOKIES`` and error reports hide every POST
  parameter, cookie, uploaded file and local variable;
- the response gets a strict Content-Security-Policy (a script only on the report and follow-up forms),
  ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``, and every cookie but the
  follow-up cookie is dropped (no CSRF, session or language cookie).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

from abierta.complaints import reporter_session
from abierta.core.http import client_address

REPORTER_PATH = re.compile(r"^(?:/en)?/denuncias/")
# The report and follow-up forms, the pages that run a script (the proof of work, from this site).
FORM_PATH = re.compile(r"^(?:/en)?/denuncias/(?:nueva|seguimiento)/$")

IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_REFERER",
    "HTTP_VIA",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_X_ORIGINAL_FORWARDED_FOR",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
)

POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
POLICY_WITH_SCRIPT = f"{POLICY}; script-src 'self'"


def is_reporter_path(path: str) -> bool:
    return bool(REPORTER_PATH.match(path))


# The day's source key lives this long in the cache: past its day it is no longer used, and once it
# is gone no tag of that day can be matched to an address.
SOURCE_KEY_SECONDS = 48 * 3600
_fallback_keys: dict[str, bytes] = {}


def _source_key(day: str) -> bytes:
    """The random key of ``day``'s source tags: made by the first worker that needs it and shared
    through the ``ratelimit`` cache (``add`` keeps the first one made). Never derived from
    ``SECRET_KEY`` and never written to the database or a file."""
    cache = caches["ratelimit"]
    name = f"complaints:source-key:{day}"
    cache.add(name, secrets.token_hex(32), timeout=SOURCE_KEY_SECONDS)
    value = cache.get(name)
    if value is None:  # a cache that keeps nothing (the dummy backend): one key per process and day
        value = _fallback_keys.setdefault(day, secrets.token_bytes(32)).hex()
        for old in [d for d in _fallback_keys if d != day]:
            del _fallback_keys[old]
    return bytes.fromhex(str(value))


def source_tag(address: str) -> str:
    """A 64-bit tag of the address for the counters. Without the day's random key (in the cache for
    48 hours at most) it cannot be turned back into the address, whoever holds ``SECRET_KEY``."""
    day = timezone.now().astimezone(datetime.UTC).date().isoformat()
    return hmac.new(_source_key(day), address.encode(), hashlib.sha256).hexdigest()[:16]


class ReporterExceptionFilter(SafeExceptionReporterFilter):
    """Error reports about reporter pages show no POST value, cookie or local variable, even in DEBUG."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return dict.fromkeys(tb_frame.f_locals, self.cleansed_substitute).items()


class ReporterPrivacyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_reporter_path(request.path_info):
            # Browsers send the follow-up cookies to the complaint pages only (their paths); should
            # one come elsewhere, no other page, log or error report gets to see it.
            for name in reporter_session.COOKIE_NAMES:
                request.COOKIES.pop(name, None)
            return self.get_response(request)
        self.scrub_request(request)
        response = self.get_response(request)
        self.harden_response(request, response)
        return response

    def scrub_request(self, request: HttpRequest) -> None:
        header: str = settings.ABIERTA_CLIENT_IP_HEADER or "REMOTE_ADDR"
        request.complaints_source = source_tag(client_address(request))  # type: ignore[attr-defined]
        for name in {header, *IDENTIFYING_META}:
            request.META.pop(name, None)
        request.META["REMOTE_ADDR"] = ""
        request.complaints_cookie = reporter_session.pick(request)  # type: ignore[attr-defined]
        for name in reporter_session.COOKIE_NAMES:
            request.COOKIES.pop(name, None)
        request.exception_reporter_filter = ReporterExceptionFilter()  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Before the error is logged: forget the form and its files, so no report can show them."""
        if is_reporter_path(request.path_info):
            request._post = QueryDict()  # type: ignore[attr-defined]
            request._files = MultiValueDict()  # type: ignore[attr-defined]

    def harden_response(self, request: HttpRequest, response: HttpResponseBase) -> None:
        with_script = bool(FORM_PATH.match(request.path_info))
        # django-csp's middleware ran before this one on the way out; this header replaces its own.
        response._csp_exempt = True  # type: ignore[attr-defined]
        response["Content-Security-Policy"] = POLICY_WITH_SCRIPT if with_script else POLICY
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        for name in list(response.cookies):
            if name not in reporter_session.COOKIE_NAMES:
                del response.cookies[name]
