"""The language comes from the path only; caches are not told to vary on Accept-Language."""

from __future__ import annotations

import pytest
from django.test import Client

from abierta.works.tests.factories import make_work


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "es-CO", "fr", ""])
def test_unprefixed_pages_are_spanish_whatever_the_browser_asks(client: Client, accept: str) -> None:
    work = make_work()
    response = client.get(f"/o/{work.code}", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response["Content-Language"] == "es-co"
    assert "accept-language" not in response.get("Vary", "").lower()


@pytest.mark.django_db
def test_english_pages_are_english_whatever_the_browser_asks(client: Client) -> None:
    work = make_work()
    response = client.get(f"/en/o/{work.code}", HTTP_ACCEPT_LANGUAGE="es-CO")
    assert response["Content-Language"] == "en"
    assert "accept-language" not in response.get("Vary", "").lower()


@pytest.mark.django_db
def test_other_vary_values_are_kept(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "es-co"
    vary = [v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()]
    assert "accept-language" not in vary
    assert "cookie" in vary
