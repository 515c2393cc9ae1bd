"""The API documentation page uses only this site's files (security review S12: ``/api/v1/docs``
loaded Swagger UI from jsdelivr and django-ninja.dev, which the Content-Security-Policy blocked)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.test import Client


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and found.get(name):
                self.urls.append(str(found[name]))


def docs_page(client: Client) -> tuple[str, Assets]:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = Assets()
    assets.feed(html)
    return html, assets


def test_the_docs_page_loads_only_local_static_files(db: None, client: Client) -> None:
    """S12: every script and stylesheet is one of ours; nothing from a CDN."""
    html, assets = docs_page(client)
    assert assets.urls, "no assets found"
    assert all(url.startswith("/static/") for url in assets.urls), assets.urls
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets.urls
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets.urls
    for host in ("jsdelivr", "cdn", "unpkg", "django-ninja.dev", "swagger.io"):
        assert host not in html


def test_the_docs_page_has_no_inline_script(db: None, client: Client) -> None:
    """Under ``script-src 'self'`` an inline script would not run: the settings travel as JSON data."""
    html, assets = docs_page(client)
    for script in assets.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    settings_json = re.search(r'<script id="swagger-settings" type="application/json">(.*?)</script>', html, re.S)
    assert settings_json is not None
    settings = json.loads(settings_json.group(1))
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None  # no badge image from validator.swagger.io
    csp = client.get("/api/v1/docs")["Content-Security-Policy"]
    assert "script-src 'self';" in csp + ";" and "unsafe" not in csp


def test_the_vendored_swagger_ui_files_exist() -> None:
    """``make vendor`` copies them from the npm package swagger-ui-dist pinned in package.json."""
    for name in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "vendor/swagger-ui/swagger-ui.css.map",  # named by the CSS: collectstatic's manifest needs it
        "vendor/swagger-ui/LICENSE",
        "js/api-docs.js",
    ):
        assert finders.find(name), name
