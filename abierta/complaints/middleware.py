"""Privacy of the reporter's pages (/denuncias/ and /en/denuncias/).

First in MIDDLEWARE, so that it sees the request before anything else and the response after
everything else:

- the client address becomes ``request.complaints_source``, a daily-keyed HMAC used only by the
  anti-abuse counters; then the address, the User-Agent, the Referer and every proxy header are
  removed from ``request.META``, so no later code, log line or error report can see them;
- the follow-up cookie is moved off ``request.COOKIES`` and error reports hide every POST
  parameter, cookie, uploaded file and local variable;
- the response gets a strict Content-Security-Policy (a script only on the report and follow-up forms),
  ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``, and every cookie but the
  follow-up cookie is dropped (no CSRF, session or language cookie).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

from abierta.complaints import crypto
from abierta.complaints.reporter_session import COOKIE_NAME
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


def source_tag(address: str) -> str:
    """A tag for the counters that cannot be turned back into the address after the day ends."""
    day = timezone.now().date().isoformat()
    return crypto.mac(f"source:{day}", address.encode())


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
            # The follow-up cookie (path "/", so that both languages share it) is of no use elsewhere:
            # no other page, log or error report gets to see it.
            request.COOKIES.pop(COOKIE_NAME, None)
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
        request.complaints_cookie = request.COOKIES.pop(COOKIE_NAME, "")  # type: ignore[attr-defined]
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
            if name != COOKIE_NAME:
                del response.cookies[name]
