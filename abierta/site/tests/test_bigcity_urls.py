"""The URL list of bench/bigcity.py's crawl: every URL pattern of the site is either crawled or
listed as skipped with its reason, no staff or account page is crawled, pages come in both
languages and lists with the variants of their filter forms. Tiny data (the test world)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[3]


def _bigcity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_bigcity", ROOT / "bench" / "bigcity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built(world: Any) -> dict[str, Any]:
    result: dict[str, Any] = _bigcity().url_list()
    return result


def test_every_pattern_is_crawled_or_skipped_with_a_reason(built: dict[str, Any]) -> None:
    every = {p["route"] for p in _bigcity().walk(get_resolver().url_patterns)}
    crawled = {p["route"] for p in built["patterns"]}
    skipped = {s["route"] for s in built["skipped"]}
    assert crawled | skipped == every
    assert not crawled & skipped
    assert all(s["reason"] for s in built["skipped"])
    # The site's main pages are crawled, not skipped.
    for route in ("", "contratos/", "obras/", "datos/", "plan/<slug:slug>/", "api/v1/contracts"):
        assert route in crawled, route


def test_no_staff_account_or_admin_page_is_crawled(built: dict[str, Any]) -> None:
    urls = [u for p in built["patterns"] for u in p["urls"]]
    assert urls
    for url in urls:
        path = url.removeprefix("/en")
        assert "/gestion/" not in path and not path.startswith(("/admin/", "/cuenta/")), url
    staff = [s for s in built["skipped"] if s["route"].startswith("gestion/")]
    assert staff and all("staff" in s["reason"] for s in staff)


def test_pages_in_both_languages_and_lists_with_their_variants(built: dict[str, Any]) -> None:
    by_route = {p["route"]: p["urls"] for p in built["patterns"]}
    assert {"/", "/en/"} <= set(by_route[""])
    assert {"/plan/plan-prueba/", "/en/plan/plan-prueba/"} <= set(by_route["plan/<slug:slug>/"])
    contracts = by_route["contratos/"]
    assert "/contratos/?pagina=2" in contracts
    assert any("orden=" in u for u in contracts) and any("q=" in u for u in contracts)
    assert "/obras/?page=2" in by_route["obras/"]
    # Machine files have one address whatever the language; API lists get their largest page too.
    assert by_route["api/v1/contracts"] == [
        "/api/v1/contracts",
        "/api/v1/contracts?limit=1000",
        "/api/v1/contracts?offset=1000000",
    ]
    assert all(not u.startswith("/en/") for u in by_route["datos/<slug:slug>.csv"])
    kinds = {p["route"]: p["kind"] for p in built["patterns"]}
    assert kinds["datos/<slug:slug>.csv"] == "download" and kinds["obras/"] == "html"


def test_every_public_pattern_with_parameters_has_a_filler(built: dict[str, Any]) -> None:
    missing = [s["route"] for s in built["skipped"] if s["reason"].startswith("no filler")]
    assert missing == []
