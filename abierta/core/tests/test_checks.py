"""The system checks of the site's secret key in production (security review S9)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core import checks as django_checks

from abierta.core import checks

DEV_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"


def ids(messages: list[django_checks.CheckMessage]) -> list[str | None]:
    return [m.id for m in messages]


def test_the_development_key_is_marked_insecure_for_djangos_own_check(settings: Any) -> None:
    """S9: the dev key was long and varied, so ``check --deploy`` (security.W009) did not flag it."""
    from django.core.checks.security.base import check_secret_key

    settings.SECRET_KEY = DEV_KEY
    assert [m.id for m in check_secret_key(None)] == ["security.W009"]


def test_the_development_key_is_an_error_in_production(settings: Any) -> None:
    """S9: a public SECRET_KEY in production (sessions, reset links and every key derived from it)."""
    settings.PRODUCTION = True
    settings.SECRET_KEY = DEV_KEY
    messages = checks.secret_key_in_production()
    assert ids(messages) == ["core.E001"]
    assert messages[0].level == django_checks.ERROR


def test_an_insecure_fallback_is_an_error_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SECRET_KEY_FALLBACKS = [secrets.token_urlsafe(50), DEV_KEY]
    assert ids(checks.secret_key_in_production()) == ["core.E002"]


def test_a_random_key_passes_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SECRET_KEY_FALLBACKS = [secrets.token_urlsafe(50)]
    assert checks.secret_key_in_production() == []


def test_the_development_key_passes_outside_production(settings: Any) -> None:
    """``make run`` and the tests run with the development key: no error there."""
    settings.PRODUCTION = False
    settings.SECRET_KEY = DEV_KEY
    assert checks.secret_key_in_production() == []
