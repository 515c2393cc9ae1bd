"""What every app reads from a request the same way."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address from ABIERTA_CLIENT_IP_HEADER; in a list, the entry the nearest proxy added."""
    header: str = settings.ABIERTA_CLIENT_IP_HEADER or "REMOTE_ADDR"
    raw = str(request.META.get(header, "") or "")
    return raw.split(",")[-1].strip()
