"""Health check, security headers, production settings and the English pages."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from factories import World

MANAGE = Path(sys.executable).parent / "abierta"


def run_abierta(
    tmp_path: Path, *args: str, production: bool, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``abierta`` command as an operator would: not under pytest, not in test mode."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "ABIERTA_TESTING",
            # Set by the browser tests' Playwright fixture; never in a real deployment.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "PYTEST_CURRENT_TEST",
            "ABIERTA_PRODUCTION",
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY_FALLBACKS",
            "ABIERTA_COMPLAINTS_RECEIPT_SALT",
            "ABIERTA_VOTER_HASH_KEY",
        }
    }
    env["ABIERTA_DATA_DIR"] = str(tmp_path / "var")
    env["DJANGO_SETTINGS_MODULE"] = "abierta.settings"
    if production:
        env.update(
            {
                "ABIERTA_PRODUCTION": "1",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "ALLOWED_HOSTS": "abierta.example.org",
                "ABIERTA_VOTE_CODE_BACKEND": "email",
                "ABIERTA_BALLOT_BOX_KEY": secrets.token_hex(32),
                "ABIERTA_COMPLAINTS_RECEIPT_SALT": secrets.token_urlsafe(32),
                "ABIERTA_VOTER_HASH_KEY": secrets.token_hex(32),
                "REDIS_URL": "redis://127.0.0.1:6379/15",
                "ABIERTA_RATELIMIT_REDIS_URL": "redis://127.0.0.1:6379/14",
            }
        )
    env.update(extra_env or {})
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- /healthz ----------------------------------------------------------------------------------


def test_healthz_ok(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_database_fails(db: None, client: Client) -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


# --- Security headers --------------------------------------------------------------------------


def test_security_headers_on_public_page(world: World, client: Client) -> None:
    response = client.get(world.plan.get_absolute_url())
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_header_when_configured(db: None, client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Never over plain HTTP.
    assert "Strict-Transport-Security" not in client.get("/")


# --- Production settings, checked in a separate process ---------------------------------------


def test_check_deploy_passes_in_production(tmp_path: Path) -> None:
    result = run_abierta(tmp_path, "check", "--deploy", "--fail-level", "WARNING", production=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_https_protections(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.DEBUG, s.TESTING)"
    )
    result = run_abierta(tmp_path, "shell", "-v", "0", "-c", code, production=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "False", "False"]


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ABIERTA_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(
        {"ABIERTA_PRODUCTION": "1", "ALLOWED_HOSTS": "abierta.example.org", "ABIERTA_DATA_DIR": str(tmp_path / "var")}
    )
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(MANAGE), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required in production." in result.stderr


def test_default_password_hasher_is_argon2(tmp_path: Path, settings: Any) -> None:
    # Under pytest, settings.TESTING puts the fast MD5 hasher first; outside tests it must be Argon2.
    assert settings.TESTING
    code = "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)"
    result = run_abierta(tmp_path, "shell", "-v", "0", "-c", code, production=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "argon2"


def test_empty_database_url_means_sqlite(tmp_path: Path) -> None:
    """``make fallback`` runs ``DATABASE_URL= pytest -m dbfallback``: empty means the default."""
    code = "from django.db import connection; print(connection.vendor)"
    result = run_abierta(tmp_path, "shell", "-v", "0", "-c", code, production=False, extra_env={"DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sqlite"


# --- Languages ---------------------------------------------------------------------------------


@pytest.fixture
def keep_language() -> Any:
    """A request to /en/ activates English in this thread; restore the language afterwards."""
    with translation.override(translation.get_language()):
        yield


def test_english_page_at_en(world: World, client: Client, keep_language: None) -> None:
    spanish = client.get(world.commitment.get_absolute_url())
    english = client.get("/en" + world.commitment.get_absolute_url())
    assert spanish.status_code == english.status_code == 200
    es_html, en_html = spanish.content.decode(), english.content.decode()
    assert '<html lang="es-CO">' in es_html
    assert '<html lang="en">' in en_html
    # The same page: the same commitment and milestone, the interface in English.
    for text in ("TEST0001", "Compromiso de prueba", "Hito de prueba", "Oficina Propia"):
        assert text in es_html
        assert text in en_html
    assert "Milestones" in en_html
    assert "Milestones" not in es_html


@pytest.mark.parametrize("backend", ["console", "fixed"])
def test_check_deploy_refuses_the_console_and_fixed_code_backends(tmp_path: Path, backend: str) -> None:
    """Security review F5: the console backend logged every voter's contact and code in production."""
    result = run_abierta(
        tmp_path, "check", "--deploy", production=True, extra_env={"ABIERTA_VOTE_CODE_BACKEND": backend}
    )
    assert result.returncode != 0
    assert "participation.E001" in result.stdout + result.stderr


def test_check_deploy_flags_the_development_key(tmp_path: Path) -> None:
    """S9: the public development key passed ``check --deploy`` without a word (no security.W009)."""
    result = run_abierta(tmp_path, "check", "--deploy", production=False)
    assert "security.W009" in result.stdout + result.stderr


def test_plain_check_passes_in_development(tmp_path: Path) -> None:
    """What ``make run`` relies on: the development defaults raise no error and no warning."""
    result = run_abierta(tmp_path, "check", "--fail-level", "WARNING", production=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra_env", "error"),
    [
        ({"SECRET_KEY": "django-insecure-development-only-key-do-not-use-in-production-0123456789"}, "core.E001"),
        ({"ABIERTA_COMPLAINTS_RECEIPT_SALT": ""}, "complaints.E002"),
        ({"ABIERTA_VOTER_HASH_KEY": ""}, "participation.E104"),
    ],
    ids=["dev-key", "no-receipt-salt", "no-voter-hash-key"],
)
def test_production_refuses_keys_that_hang_off_secret_key(
    tmp_path: Path, extra_env: dict[str, str], error: str
) -> None:
    """S9: rotating SECRET_KEY broke every receipt and re-opened double voting when these were unset."""
    result = run_abierta(tmp_path, "check", production=True, extra_env=extra_env)
    assert result.returncode != 0
    assert error in result.stdout + result.stderr


def test_secret_key_fallbacks_from_the_environment(tmp_path: Path) -> None:
    """S9: old keys stay valid for Django's signatures while SECRET_KEY is rotated."""
    code = "from django.conf import settings as s; print(' '.join(s.SECRET_KEY_FALLBACKS))"
    fallbacks = tmp_path / "fallbacks"
    fallbacks.write_text("old-key-one\nold-key-two\n", encoding="utf-8")
    for extra in ({"SECRET_KEY_FALLBACKS": "old-key-one, old-key-two"}, {"SECRET_KEY_FALLBACKS_FILE": str(fallbacks)}):
        result = run_abierta(tmp_path, "shell", "-v", "0", "-c", code, production=True, extra_env=extra)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["old-key-one", "old-key-two"]


def test_the_sqlite_database_is_created_private(tmp_path: Path) -> None:
    """S10: ``var/abierta.sqlite3`` was created 0644 and ``var/`` 0755 under the usual umask, and the
    database holds the staff's signed-in sessions."""
    code = "from django.db import connection; connection.ensure_connection(); print(connection.settings_dict['NAME'])"
    old = os.umask(0o022)
    try:
        result = run_abierta(tmp_path, "shell", "-v", "0", "-c", code, production=False)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    database = Path(result.stdout.strip())
    assert database == tmp_path / "var" / "abierta.sqlite3"
    assert oct(database.stat().st_mode & 0o777) == oct(0o600)
    assert oct(database.parent.stat().st_mode & 0o777) == oct(0o700)
