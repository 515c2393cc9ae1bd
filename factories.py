"""Test factories: the personas and a small action plan built with the real models.

Plain functions, importable from any test as ``from factories import ...`` (a folder's own
conftest.py would shadow ``import conftest``); the fixtures that use them are in conftest.py.

Personas (as in healthchecks' hc/test.py): anonymous, citizen, editor of the owning office,
editor of another office, monitoring body, transparency officer, committee member, admin.
Staff personas sign in with a verified second factor, as the real login requires.

Real files too big or not ours to commit (SECOP spreadsheets and releases, the official OCDS
schemas) are the shared test data, a folder beside the repository: ``shared_data()``.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.accounts.roles import OTP_AT
from abierta.core.models import Institution
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)

PASSWORD = "correct-horse-battery-9"

# The shared test data: ../shared/data beside the repository, or $ABIERTA_SHARED_DIR/data.
SHARED_DATA = Path(os.environ.get("ABIERTA_SHARED_DIR") or Path(__file__).resolve().parent.parent / "shared") / "data"


def _absent(path: Path) -> str | None:
    """Why a test needing ``path`` cannot run, or None when it is there.

    With ABIERTA_REQUIRE_SHARED=1 (CI) a missing file is an error: those tests never skip silently.
    """
    if path.exists():
        return None
    reason = (
        f"needs {path}: the shared test data (../shared/data beside the repository, "
        "or set ABIERTA_SHARED_DIR); CI has it"
    )
    if os.environ.get("ABIERTA_REQUIRE_SHARED") == "1":
        pytest.fail(f"{reason}, and ABIERTA_REQUIRE_SHARED=1", pytrace=False)
    return reason


def shared_data(*parts: str) -> Path:
    """A file of the shared test data; skips the calling test (or module, at import) when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    reason = _absent(path)
    if reason:
        pytest.skip(reason, allow_module_level=True)
    return path


def needs_shared_data(*parts: str) -> pytest.MarkDecorator:
    """Mark for tests collected from the shared test data (parametrized over its files): skip them when absent."""
    reason = _absent(SHARED_DATA.joinpath(*parts))
    return pytest.mark.skipif(reason is not None, reason=reason or "")


@dataclass
class World:
    plan: ActionPlan
    own_office: Institution
    other_office: Institution
    monitoring_body: Institution
    commitment: Commitment
    milestone: Milestone
    other_commitment: Commitment


def make_user(
    email: str,
    role: str = User.Role.CITIZEN,
    institution: Institution | None = None,
    verified_email: bool = True,
    *,
    first_name: str = "",
    last_name: str = "Prueba",
) -> User:
    """An account with ``PASSWORD``; the first name defaults to the email's local part."""
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        role=role,
        institution=institution,
        first_name=first_name or email.split("@")[0].capitalize(),
        last_name=last_name,
        email_verified=verified_email,
    )


def sign_in(client: Client, user: User) -> Client:
    """Sign in as the real login would: staff with a confirmed TOTP device and a verified session
    (the second factor given just now)."""
    client.force_login(user)
    if user.is_staff_role:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[OTP_AT] = int(time.time())
        session.save()
    return client


def make_world() -> World:
    """A plan with an own office's commitment (one milestone) and another office's commitment."""
    own = Institution.objects.create(name="Oficina Propia", slug="propia")
    other = Institution.objects.create(name="Oficina Ajena", slug="ajena")
    monitor = Institution.objects.create(name="Universidad Monitora", slug="monitora", kind=Institution.Kind.MONITORING)
    plan = ActionPlan.objects.create(
        slug="plan-prueba", title="Plan de prueba", jurisdiction="Cartagena", period_start=2022, period_end=2023
    )
    commitment = Commitment.objects.create(
        plan=plan,
        code="TEST0001",
        title="Compromiso de prueba",
        lead_institution=own,
        start_month=datetime.date(2023, 1, 1),
        end_month=datetime.date(2023, 11, 1),
    )
    milestone = Milestone.objects.create(
        commitment=commitment,
        title="Hito de prueba",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 6, 30),
        responsible=own,
    )
    other_commitment = Commitment.objects.create(
        plan=plan,
        code="TEST0002",
        title="Compromiso ajeno",
        lead_institution=other,
        start_month=datetime.date(2023, 1, 1),
        end_month=datetime.date(2023, 12, 1),
    )
    Milestone.objects.create(
        commitment=other_commitment,
        title="Hito ajeno",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 6, 30),
        responsible=other,
    )
    return World(plan, own, other, monitor, commitment, milestone, other_commitment)


PERSONAS = ["anonymous", "citizen", "editor_own", "editor_other", "monitor", "transparency", "committee", "admin"]


def make_hidden_plan(world: World) -> ActionPlan:
    """An unpublished plan with one object of every kind."""
    plan = ActionPlan.objects.create(
        slug="oculto", title="Oculto", jurisdiction="X", period_start=2024, period_end=2025, is_published=False
    )
    commitment = Commitment.objects.create(
        plan=plan,
        code="OCULTO01",
        title="Oculto",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 6, 1),
    )
    milestone = Milestone.objects.create(
        commitment=commitment,
        title="Oculto",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 1),
        responsible=world.own_office,
    )
    ProgressUpdate.objects.create(milestone=milestone, date=datetime.date(2024, 2, 1), text="Oculto")
    MonitoringReport.objects.create(
        plan=plan,
        kind=MonitoringReport.Kind.INITIAL,
        title="Oculto",
        published_on=datetime.date(2024, 3, 1),
        file="reports/oculto.pdf",
        institution=world.monitoring_body,
    )
    table = WorkingTable.objects.create(plan=plan, number=1, name="Oculta", sector=WorkingTable.Sector.ACADEMIA)
    CommitteeMember.objects.create(plan=plan, name="Oculto", sector="X", working_table=table, start_date="2024-01-01")
    CommitteeMeeting.objects.create(plan=plan, date=datetime.date(2024, 4, 1), summary="Oculta")
    Endorsement.objects.create(plan=plan, name="Oculto", sector="X")
    Initiative.objects.create(plan=plan, number=1, title="Oculta", commitment=commitment)
    return plan


def api_items(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """The items of one page of an API list, ``path`` relative to /api/v1/ ("works" or "/works")."""
    response = client.get("/api/v1/" + path.lstrip("/"), params)
    assert response.status_code == 200, response.content
    return response.json()["items"]  # type: ignore[no-any-return]
