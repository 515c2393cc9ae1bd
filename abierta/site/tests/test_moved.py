"""Addresses that moved with the restructuring still lead to their page."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/works/contract/", "/admin/contracting/contract/"),
        ("/admin/works/contract/?q=v%C3%ADa&o=1", "/admin/contracting/contract/?q=v%C3%ADa&o=1"),
        ("/admin/works/contract/12/change/", "/admin/contracting/contract/12/change/"),
        ("/en/admin/works/contract/12/change/", "/en/admin/contracting/contract/12/change/"),
    ],
)
def test_the_admin_contracts_moved_to_contracting(client: Client, old: str, new: str) -> None:
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
