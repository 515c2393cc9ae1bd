"""A request body larger than ABIERTA_MAX_REQUEST_BYTES is refused with a 413 before anything reads
it (security review S6: a 60 MB body was received whole, spooled to /tmp, and only then refused)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from abierta.core.middleware import RequestSizeLimitMiddleware

MB = 1024 * 1024


class Exploding:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_a_declared_61_mb_body_gets_413_without_the_view_running() -> None:
    ran: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        ran.append("view")
        return HttpResponse("ok")

    middleware = RequestSizeLimitMiddleware(view)
    request = RequestFactory().post("/o/ABCD2345/reportar/", data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(61 * MB)
    request.META["wsgi.input"] = Exploding()
    request._stream = Exploding()  # type: ignore[assignment]
    response = middleware(request)
    assert isinstance(response, HttpResponse) and response.status_code == 413
    assert ran == []
    assert "Demasiado en un solo envío" in response.content.decode() and "60" in response.content.decode()

    # Within the limit the request goes on to the view.
    small = RequestFactory().post("/o/ABCD2345/reportar/", {"text": "hola"})
    assert middleware(small).status_code == 200 and ran == ["view"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/denuncias/nueva/", "/o/ABCD2345/reportar/", "/en/denuncias/nueva/"])
def test_the_whole_stack_refuses_it_first(path: str) -> None:
    response = Client().post(path, {"what": "x"}, CONTENT_LENGTH=str(61 * MB))
    assert response.status_code == 413
    html = response.content.decode()
    assert ("Too much sent at once" if path.startswith("/en/") else "Demasiado en un solo envío") in html
    if "/denuncias/" in path:  # the reporter's pages keep their strict headers on the refusal too
        assert response["Cache-Control"] == "no-store" and "default-src 'none'" in response["Content-Security-Policy"]


def test_the_limit_is_a_setting(settings: Any) -> None:
    settings.ABIERTA_MAX_REQUEST_BYTES = 1000
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().post("/", {"text": "x" * 2000})
    assert middleware(request).status_code == 413
