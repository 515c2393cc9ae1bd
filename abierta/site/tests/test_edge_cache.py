"""The page behind a work's QR code answered from the cache before the middleware stack."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.db.models import F
from django.test import Client, override_settings

from abierta.core.models import ContentVersion
from abierta.works.models import Work
from abierta.works.tests.factories import make_work


@pytest.fixture
def work(db: None) -> Work:
    return make_work()


@pytest.mark.django_db
def test_second_anonymous_visit_is_an_identical_edge_hit(client: Client, work: Work) -> None:
    first = client.get(f"/o/{work.code}")
    second = client.get(f"/o/{work.code}")
    assert first.status_code == second.status_code == 200
    assert first.get("X-Page-Cache") != "edge-hit"
    assert second["X-Page-Cache"] == "edge-hit"
    assert second.content == first.content
    for header in ("Content-Type", "Cache-Control", "ETag", "Content-Security-Policy", "Content-Language"):
        assert second[header] == first[header], header
    assert not second.cookies


@pytest.mark.django_db
def test_a_hit_costs_no_query_within_the_version_ttl(
    client: Client, work: Work, django_assert_num_queries: Any
) -> None:
    client.get(f"/o/{work.code}")
    with django_assert_num_queries(0):
        assert client.get(f"/o/{work.code}")["X-Page-Cache"] == "edge-hit"


@pytest.mark.django_db
@override_settings(ABIERTA_EDGE_VERSION_SECONDS=0)
def test_without_ttl_a_hit_reads_the_version(client: Client, work: Work, django_assert_num_queries: Any) -> None:
    client.get(f"/o/{work.code}")
    with django_assert_num_queries(1):
        assert client.get(f"/o/{work.code}")["X-Page-Cache"] == "edge-hit"


@pytest.mark.django_db
def test_a_change_saved_by_another_server_shows_after_the_ttl(client: Client, work: Work) -> None:
    """Another app server bumps the version in the database; this process sees it within the TTL."""
    client.get(f"/o/{work.code}")
    Work.objects.filter(pk=work.pk).update(name="Cambiado en otro servidor")  # no signal here
    ContentVersion.objects.filter(section="works").update(counter=F("counter") + 1)  # what the other server did
    assert client.get(f"/o/{work.code}")["X-Page-Cache"] == "edge-hit"  # within the second
    with mock.patch("abierta.core.cache.time.monotonic", return_value=time.monotonic() + 2):
        response = client.get(f"/o/{work.code}")
    assert response.get("X-Page-Cache") != "edge-hit"
    assert "Cambiado en otro servidor" in response.content.decode()


@pytest.mark.django_db
def test_a_change_of_the_work_shows_at_once(client: Client, work: Work) -> None:
    client.get(f"/o/{work.code}")
    work.name = "Nombre corregido de la obra"
    work.save()
    response = client.get(f"/o/{work.code}")
    assert response.get("X-Page-Cache") != "edge-hit"
    assert "Nombre corregido de la obra" in response.content.decode()


@pytest.mark.django_db
def test_if_none_match_gets_304_from_the_edge(client: Client, work: Work) -> None:
    etag = client.get(f"/o/{work.code}")["ETag"]
    client.get(f"/o/{work.code}")
    response = client.get(f"/o/{work.code}", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [{"HTTP_COOKIE": "sessionid=x"}, {"QUERY_STRING": "a=1"}],
    ids=["cookie", "query"],
)
def test_cookies_and_query_strings_bypass_it(client: Client, work: Work, kwargs: dict[str, Any]) -> None:
    client.get(f"/o/{work.code}")
    assert client.get(f"/o/{work.code}", **kwargs).get("X-Page-Cache") != "edge-hit"


@pytest.mark.django_db
def test_other_pages_and_unknown_codes_are_not_kept(client: Client, work: Work) -> None:
    for _ in range(2):
        assert client.get("/obras/").get("X-Page-Cache") != "edge-hit"
        assert client.get("/o/ZZZZZZZZ").status_code == 404


@pytest.mark.django_db
@override_settings(ABIERTA_PAGE_CACHE_SECONDS=0)
def test_off_when_the_page_cache_is_off(client: Client, work: Work) -> None:
    client.get(f"/o/{work.code}")
    assert client.get(f"/o/{work.code}").get("X-Page-Cache") != "edge-hit"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_a_hit_is_not_served_over_plain_http_when_https_is_required(client: Client, work: Work) -> None:
    """S8: a page cached from an HTTPS request was served to plain HTTP, skipping the redirect."""
    url = f"/o/{work.code}"
    client.get(url, HTTP_X_FORWARDED_PROTO="https")  # populate, as the review's first curl
    assert client.get(url, HTTP_X_FORWARDED_PROTO="https")["X-Page-Cache"] == "edge-hit"
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{url}"
    assert response.get("X-Page-Cache") != "edge-hit"
    # Over HTTPS the hit is still served.
    assert client.get(url, secure=True)["X-Page-Cache"] == "edge-hit"


@pytest.mark.django_db
def test_a_hit_is_not_served_to_a_host_outside_allowed_hosts(client: Client, work: Work) -> None:
    """S8: a cached page was served for ``Host: evil.example``, which the stack refuses with a 400."""
    url = f"/o/{work.code}"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "edge-hit"
    response = client.get(url, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.get("X-Page-Cache") != "edge-hit"
    assert client.get(url)["X-Page-Cache"] == "edge-hit"
