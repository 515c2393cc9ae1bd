"""Protection 5: the reporter's pages send strict headers, set only the follow-up cookie, and load
nothing from another host."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from abierta.complaints.middleware import POLICY, POLICY_WITH_SCRIPT, ReporterPrivacyMiddleware
from abierta.complaints.tests.factories import (
    FOLLOWUP,
    LEAVE,
    NEW,
    REPLY,
    open_followup,
    pdf,
    receipt_of,
    report_data,
    submit,
    token_in,
)

# Attributes through which a page loads or sends something by itself (without a click).
LOADING = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "frame": "src",
    "embed": "src",
    "object": "data",
    "source": "src",
    "audio": "src",
    "video": "src",
    "form": "action",
    "input": "formaction",
    "button": "formaction",
}


class Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in LOADING and LOADING[tag] in values:
            self.loaded.append((tag, values[LOADING[tag]]))
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "script" and "src" not in values:
            self._in_script = True
        if tag == "style" or "style" in values or any(k.startswith("on") for k in values):
            self.inline_styles += 1

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def off_site(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//")) and not url.lower().startswith(
        ("http://testserver/", "https://testserver/")
    )


def reporter_responses() -> dict[str, Any]:
    """One response of every reporter page and action, in the order a reporter meets them."""
    client = Client()
    out: dict[str, Any] = {
        "start": client.get("/denuncias/"),
        "start-en": client.get("/en/denuncias/"),
        "new": client.get(NEW),
        "new-en": client.get("/en" + NEW),
        "new-errors": client.post(NEW, report_data(what="corto", challenge="", pow="")),
    }
    out["receipt"] = submit(client, report_data(attachments=[pdf()]))
    receipt = receipt_of(out["receipt"])
    out["followup"] = client.get(FOLLOWUP)
    out["followup-wrong"] = open_followup(client, "K7QM-2XRT-9HCF-W3PD")
    out["followup-right"] = open_followup(client, receipt)
    out["case"] = client.get(FOLLOWUP)
    token = token_in(out["case"].content.decode())
    out["reply-errors"] = client.post(REPLY, {"body": "", "token": token})
    token = token_in(out["reply-errors"].content.decode())
    out["reply"] = client.post(REPLY, {"body": "Más datos", "token": token})
    out["case-again"] = client.get(FOLLOWUP)
    out["reply-forged"] = client.post(REPLY, {"body": "x", "token": "forged"})
    out["leave"] = client.post(LEAVE, {"token": token_in(out["case-again"].content.decode())})
    out["stats"] = client.get("/denuncias/estadisticas/")
    out["not-found"] = client.get("/denuncias/no-existe/")
    return out


@pytest.mark.django_db
def test_every_reporter_response_has_the_strict_headers() -> None:
    for name, response in reporter_responses().items():
        assert response.status_code < 500, name
        # The report and follow-up forms run the proof of work; the follow-up path also shows the case.
        is_form = name in {"new", "new-en", "new-errors", "receipt", "followup", "followup-wrong", "followup-right"}
        is_form = is_form or name in {"case", "case-again"}
        expected = POLICY_WITH_SCRIPT if is_form else POLICY
        assert response["Content-Security-Policy"] == expected, name
        assert "Content-Security-Policy-Report-Only" not in response, name
        assert response["Referrer-Policy"] == "no-referrer", name
        assert response["Cache-Control"] == "no-store", name
        assert set(response.cookies) <= {"sid", "sid_en"}, (name, set(response.cookies))
    policy = POLICY
    for directive in (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ):
        assert directive in policy
    assert "script-src" not in POLICY and "script-src 'self'" in POLICY_WITH_SCRIPT
    assert "unsafe" not in POLICY_WITH_SCRIPT


@pytest.mark.django_db
def test_the_followup_cookie_is_a_strict_browser_session_cookie() -> None:
    responses = reporter_responses()
    setting = [
        n for n in ("followup-right", "case", "reply-errors", "reply", "case-again") if "sid" in responses[n].cookies
    ]
    assert setting == ["followup-right", "case", "reply-errors", "reply", "case-again"]
    for name in setting:
        # A name that says nothing, sent by the browser to the complaint pages only (either language).
        for cookie, path in (("sid", "/denuncias/"), ("sid_en", "/en/denuncias/")):
            morsel = responses[name].cookies[cookie]
            assert morsel.value and morsel.value == responses[name].cookies["sid"].value, name
            assert morsel["max-age"] == "" and morsel["expires"] == "", name
            assert morsel["httponly"] is True, name
            assert morsel["samesite"] == "Strict", name
            assert morsel["path"] == path, name
    # Leaving deletes both.
    assert responses["leave"].cookies["sid"].value == ""
    assert responses["leave"].cookies["sid_en"].value == ""
    assert responses["leave"].cookies["sid_en"]["path"] == "/en/denuncias/"


@pytest.mark.django_db
def test_the_cookie_is_secure_over_https(settings: Any) -> None:
    client = Client()
    receipt = receipt_of(submit(client, report_data()))
    response = open_followup(client, receipt, secure=True)
    assert response.cookies["sid"]["secure"] is True


@pytest.mark.django_db
def test_pages_load_nothing_from_another_host_and_have_no_inline_script() -> None:
    for name, response in reporter_responses().items():
        if response.status_code in {301, 302, 303} or not response.content:
            continue
        parser = Resources()
        parser.feed(response.content.decode())
        assert parser.inline_scripts == 0, name
        assert parser.inline_styles == 0, name
        for tag, url in parser.loaded:
            assert not off_site(url), (name, tag, url)
        if name in {"new", "followup", "followup-wrong"}:
            assert ("script", "/static/js/pow.js") in parser.loaded, name
        elif response.status_code == 200 and name not in {"stats", "new-en", "new-errors", "receipt"}:
            assert not any(tag == "script" for tag, _url in parser.loaded), name


@pytest.mark.django_db
def test_the_language_switch_is_a_plain_link_that_works() -> None:
    client = Client()
    for path, other in (("/denuncias/", "/en/denuncias/"), ("/en/denuncias/nueva/", "/denuncias/nueva/")):
        parser = Resources()
        parser.feed(client.get(path).content.decode())
        assert other in parser.links
        response = client.get(other)
        assert response.status_code == 200
        assert set(response.cookies) <= {"sid", "sid_en"}


def test_middleware_drops_every_cookie_but_the_followup_one_and_replaces_the_csp() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        for name in ("csrftoken", "sessionid", "django_language", "messages", "sid"):
            response.set_cookie(name, "value")
        response["Content-Security-Policy"] = "default-src *"
        response["Referrer-Policy"] = "unsafe-url"
        return response

    middleware = ReporterPrivacyMiddleware(view)
    factory = RequestFactory()
    response = middleware(factory.get("/denuncias/seguimiento/salir/"))
    assert set(response.cookies) == {"sid"}
    assert response["Content-Security-Policy"] == POLICY
    assert response["Referrer-Policy"] == "no-referrer"
    # Outside /denuncias/ nothing changes (the handler pages, the rest of the site).
    for path in ("/gestion/denuncias/", "/planes/", "/en/gestion/denuncias/"):
        other = middleware(factory.get(path))
        assert set(other.cookies) == {"csrftoken", "sessionid", "django_language", "messages", "sid"}
        assert other["Content-Security-Policy"] == "default-src *"


def test_middleware_removes_address_and_browser_data_from_the_request() -> None:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(request.META)
        seen["source"] = getattr(request, "complaints_source", None)
        return HttpResponse("ok")

    headers: dict[str, Any] = {
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_USER_AGENT": "Agent/1",
        "HTTP_X_FORWARDED_FOR": "198.51.100.1",
        "HTTP_X_REAL_IP": "198.51.100.2",
        "HTTP_FORWARDED": "for=198.51.100.3",
        "HTTP_REFERER": "https://elsewhere.example/",
        "HTTP_VIA": "1.1 proxy",
        "HTTP_CLIENT_IP": "198.51.100.4",
        "HTTP_TRUE_CLIENT_IP": "198.51.100.5",
        "HTTP_CF_CONNECTING_IP": "198.51.100.6",
    }
    ReporterPrivacyMiddleware(view)(RequestFactory().get("/en/denuncias/", **headers))
    assert seen["REMOTE_ADDR"] == ""
    for name in headers:
        if name != "REMOTE_ADDR":
            assert name not in seen, name
    assert isinstance(seen["source"], str) and len(seen["source"]) == 16
    assert "203.0.113.5" not in seen["source"]


def test_other_pages_never_see_the_followup_cookie() -> None:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(request.COOKIES)
        return HttpResponse("ok")

    request = RequestFactory().get("/plan/", HTTP_COOKIE="sid=secret-value; sid_en=secret-value; django_language=es-co")
    ReporterPrivacyMiddleware(view)(request)
    assert "sid" not in seen and "sid_en" not in seen
    assert seen["django_language"] == "es-co"
