"""Shared pytest fixtures; the factories they use are in factories.py."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from abierta.accounts.models import User
from abierta.core.tests.fake_smtp import FakeSMTP
from factories import World, make_user, make_world, sign_in

# Whitenoise warns whenever STATIC_ROOT is missing (a fresh checkout). Made here, at import, because
# some test modules build the WSGI application while they are collected.
Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def persona_client(world: World) -> Callable[[str], Client]:
    """``persona_client("editor_own")`` gives a Client signed in as that persona."""
    R = User.Role
    specs = {
        "citizen": (R.CITIZEN, None),
        "editor_own": (R.EDITOR, world.own_office),
        "editor_other": (R.EDITOR, world.other_office),
        "monitor": (R.MONITOR, world.monitoring_body),
        "transparency": (R.TRANSPARENCY, world.own_office),
        "committee": (R.COMMITTEE, None),
        "admin": (R.ADMIN, world.other_office),
    }

    def make(name: str) -> Client:
        client = Client()
        if name == "anonymous":
            return client
        role, institution = specs[name]
        return sign_in(client, make_user(f"{name}@example.org", role, institution))

    return make


@pytest.fixture(autouse=True)
def _media_root(tmp_path: object, settings: object) -> None:
    """Uploaded files go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path) + "/media"  # type: ignore[attr-defined]
    settings.ABIERTA_PRIVATE_ROOT = str(tmp_path) + "/private"  # type: ignore[attr-defined]
    settings.ABIERTA_COMPLAINTS_KEYSTORE = str(tmp_path) + "/complaint-keys"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache and in Spanish: nothing leaks between tests, neither the
    visits a work page counted in memory (they would be written to the next test's database, or
    to none at exit)."""
    from django.core.cache import caches
    from django.utils import translation

    from abierta.core.cache import forget_edge_version
    from abierta.works.scans import scans_discard

    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    forget_edge_version()
    scans_discard()
    translation.activate("es-co")
    yield
    scans_discard()


@pytest.fixture
def smtp_server() -> Iterator[FakeSMTP]:
    """A local SMTP server, up; ``.stop()`` takes it down and ``.start()`` brings it back."""
    server = FakeSMTP().start()
    yield server
    server.stop()


@pytest.fixture
def queued(settings: Any, smtp_server: FakeSMTP) -> FakeSMTP:
    """Production's way with mail and tasks: every message goes to the outbox, tasks are rows run only
    by ``abierta worker --once`` (``run_worker``), and the outbox delivers over SMTP to ``smtp_server``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "abierta.core.outbox.OutboxBackend"
    settings.ABIERTA_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 2
    return smtp_server


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual login umask (022), under which files are created readable by everyone."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)
