"""The client address, from the header the proxy sets."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from abierta.core.http import client_address


def test_remote_addr_by_default() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    with override_settings(ABIERTA_CLIENT_IP_HEADER=""):
        assert client_address(request) == "192.0.2.7"


def test_the_configured_header_and_the_entry_the_nearest_proxy_added() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2")
    with override_settings(ABIERTA_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR"):
        assert client_address(request) == "198.51.100.2"
    with override_settings(ABIERTA_CLIENT_IP_HEADER="HTTP_X_REAL_IP"):
        assert client_address(request) == ""
