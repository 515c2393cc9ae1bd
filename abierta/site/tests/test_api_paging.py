"""Every list endpoint of the API pages, and its OpenAPI document says how: ``limit`` (1 to 1000,
default 50) and ``offset``, answering ``{"items": [...], "count": N}`` (docs/decisions/0025)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abierta.core.api import MAX_LIMIT

pytestmark = pytest.mark.django_db


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node: Any = doc
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return dict(node)


def _lists(doc: dict[str, Any]) -> list[str]:
    """The GET operations without a path parameter: the lists (``/works``, not ``/works/{code}``)."""
    return sorted(
        path
        for path, ops in doc["paths"].items()
        if "get" in ops and "{" not in path and "openapi" not in path and "docs" not in path
    )


def test_every_list_endpoint_is_paged_and_documented(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    lists = _lists(doc)
    assert len(lists) == 16
    for path in lists:
        operation = doc["paths"][path]["get"]
        params = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert params["limit"]["maximum"] == MAX_LIMIT and params["limit"]["minimum"] == 1, path
        assert params["limit"]["default"] == 50, path
        assert params["offset"]["minimum"] == 0, path
        body = _resolve(doc, operation["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(body["required"]) >= {"items", "count"}, path
        assert body["properties"]["items"]["type"] == "array", path


def test_a_list_refuses_more_than_the_largest_page(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for path in _lists(doc):
        assert client.get(path, {"limit": MAX_LIMIT + 1}).status_code == 422, path
        answer = client.get(path, {"limit": 2, "offset": 0})
        assert answer.status_code == 200 and len(answer.json()["items"]) <= 2, path
