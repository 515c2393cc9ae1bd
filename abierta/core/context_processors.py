from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    """The entity's contact data for the footer, and the same page in the other language."""
    current = get_language() or settings.LANGUAGE_CODE
    other = "en" if current.startswith("es") else settings.LANGUAGE_CODE
    return {
        "entity": settings.ABIERTA_ENTITY,
        "other_language": other,
        "other_language_url": translate_url(request.get_full_path(), other),
    }
