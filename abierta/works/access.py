"""Who may manage a work and read its reports: small predicates, each tested for every persona
(tests/test_access.py). Views get a protected work or report only through ``work_for_user`` and
``report_for_user``, which raise 404 / 403; they never test roles themselves.

Staff roles count only with a verified second factor (abierta.accounts.roles).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
from abierta.works.models import IrregularityReport, Work

R = User.Role


def _city_wide(user: Any) -> bool:
    """The transparency office and platform administrators act on every office's works."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


def _editor_of(user: Any, office_id: int) -> bool:
    staff = staff_user(user)
    return staff is not None and staff.role == R.EDITOR and staff.institution_id == office_id


def may_create_work(user: Any) -> bool:
    """Register a new work: an editor of an office (for that office), transparency, admin."""
    staff = staff_user(user)
    if staff is None:
        return False
    return _city_wide(staff) or (staff.role == R.EDITOR and staff.institution_id is not None)


def may_manage_work(user: Any, work: Work) -> bool:
    """Edit a work, link its contracts, publish it and report its progress: an editor of the work's
    responsible office, the transparency office, an administrator."""
    return _city_wide(user) or _editor_of(user, work.office_id)


def may_read_reports(user: Any, work: Work) -> bool:
    """Read, answer and forward the irregularity reports of a work: the same people who manage it.
    Monitoring bodies and committee members see the work's public page, not what citizens sent."""
    return _city_wide(user) or _editor_of(user, work.office_id)


def manageable_works(user: Any) -> QuerySet[Work]:
    """The works the user may manage (none for people without a staff role)."""
    works = Work.objects.select_related("office")
    if _city_wide(user):
        return works.all()
    staff = staff_user(user)
    if staff is not None and staff.role == R.EDITOR and staff.institution_id is not None:
        return works.filter(office_id=staff.institution_id)
    return works.none()


def readable_reports(user: Any) -> QuerySet[IrregularityReport]:
    """The irregularity reports the user may read: those of the works they manage."""
    return IrregularityReport.objects.filter(work__in=manageable_works(user)).select_related("work", "work__office")


def work_for_user(request: HttpRequest, code: str) -> Work:
    """The work the staff user may manage: 404 if no such work, 403 if not theirs."""
    work = get_object_or_404(Work.objects.select_related("office"), code=code)
    if not may_manage_work(request.user, work):
        raise PermissionDenied
    return work


def report_for_user(request: HttpRequest, pk: int) -> IrregularityReport:
    """The irregularity report the staff user may read: 404 if no such report, 403 if not theirs."""
    report = get_object_or_404(IrregularityReport.objects.select_related("work", "work__office"), pk=pk)
    if not may_read_reports(request.user, report.work):
        raise PermissionDenied
    return report


def may_use_staff_pages(user: Any) -> bool:
    """Open the staff pages of works and contracts: office editors, transparency, administrators."""
    return has_role(user, R.EDITOR, R.TRANSPARENCY, R.ADMIN)


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links to the works' staff pages."""
    if not may_use_staff_pages(user):
        return []
    links = (
        StaffLink(_("Works, their progress, QR codes and billboards"), reverse("works:staff_works")),
        StaffLink(_("Irregularity reports on works"), reverse("works:staff_reports")),
    )
    return [StaffGroup(_("Public works"), (StaffLine(links),))]
