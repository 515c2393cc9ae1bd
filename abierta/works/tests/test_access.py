"""Who may manage a work and read its reports (works/access.py), for every persona, plus a staff
member whose second factor is not verified and an editor without an office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.works import access
from abierta.works.models import IrregularityReport, Work
from abierta.works.tests.factories import make_work
from factories import PERSONAS, World, make_user

pytestmark = pytest.mark.django_db

R = User.Role
SPECS: dict[str, tuple[str, str | None]] = {
    "citizen": (R.CITIZEN, None),
    "editor_own": (R.EDITOR, "own"),
    "editor_other": (R.EDITOR, "other"),
    "monitor": (R.MONITOR, "monitor"),
    "transparency": (R.TRANSPARENCY, "own"),
    "committee": (R.COMMITTEE, None),
    "admin": (R.ADMIN, "other"),
    "no2fa": (R.TRANSPARENCY, "own"),
    "editor_no_office": (R.EDITOR, None),
}
ALL = [*PERSONAS, "no2fa", "editor_no_office"]
MANAGERS = {"editor_own", "transparency", "admin"}


@pytest.fixture
def persona(world: World) -> Callable[[str], Any]:
    """The user object a view would see as ``request.user``."""
    offices = {"own": world.own_office, "other": world.other_office, "monitor": world.monitoring_body}

    def make(name: str) -> Any:
        if name == "anonymous":
            return AnonymousUser()
        role, office = SPECS[name]
        user = make_user(f"{name}@example.org", role, offices[office] if office else None)
        verified = user.is_staff_role and name != "no2fa"
        if verified:
            setattr(user, "otp_device", TOTPDevice.objects.create(user=user, name="t", confirmed=True))  # noqa: B010
        setattr(user, "is_verified", lambda: verified)  # noqa: B010
        return user

    return make


@pytest.fixture
def work(world: World) -> Work:
    return make_work(world.own_office, contracts=0)


@pytest.mark.parametrize("name", ALL)
def test_may_manage_work(name: str, persona: Callable[[str], Any], work: Work) -> None:
    assert access.may_manage_work(persona(name), work) is (name in MANAGERS)


@pytest.mark.parametrize("name", ALL)
def test_may_read_reports(name: str, persona: Callable[[str], Any], work: Work) -> None:
    assert access.may_read_reports(persona(name), work) is (name in MANAGERS)


@pytest.mark.parametrize("name", ALL)
def test_may_create_work(name: str, persona: Callable[[str], Any]) -> None:
    expected = name in {"editor_own", "editor_other", "transparency", "admin"}
    assert access.may_create_work(persona(name)) is expected


@pytest.mark.parametrize("name", ALL)
def test_manageable_works_and_readable_reports(
    name: str, persona: Callable[[str], Any], world: World, work: Work
) -> None:
    other = make_work(world.other_office, contracts=0)
    IrregularityReport.objects.create(work=work, text="Obra parada desde hace dos meses.")
    IrregularityReport.objects.create(work=other, text="Sin señalización en la vía.")
    user = persona(name)
    expected = {
        "editor_own": {work.pk},
        "editor_other": {other.pk},
        "transparency": {work.pk, other.pk},
        "admin": {work.pk, other.pk},
    }.get(name, set())
    assert set(access.manageable_works(user).values_list("pk", flat=True)) == expected
    assert set(access.readable_reports(user).values_list("work_id", flat=True)) == expected


@pytest.mark.parametrize("name", ALL)
def test_work_for_user(name: str, persona: Callable[[str], Any], work: Work) -> None:
    request = RequestFactory().get("/")
    request.user = persona(name)
    if name in MANAGERS:
        assert access.work_for_user(request, work.code) == work
    else:
        with pytest.raises(PermissionDenied):
            access.work_for_user(request, work.code)
    with pytest.raises(Http404):
        access.work_for_user(request, "NOSUCH00")


@pytest.mark.parametrize("name", ALL)
def test_report_for_user(name: str, persona: Callable[[str], Any], work: Work) -> None:
    report = IrregularityReport.objects.create(work=work, text="Obra parada desde hace dos meses.")
    request = RequestFactory().get("/")
    request.user = persona(name)
    if name in MANAGERS:
        assert access.report_for_user(request, report.pk) == report
    else:
        with pytest.raises(PermissionDenied):
            access.report_for_user(request, report.pk)
    with pytest.raises(Http404):
        access.report_for_user(request, report.pk + 1000)
