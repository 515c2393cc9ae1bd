"""Who may manage the offices and the staff accounts, the one way a view gets a staff account, and
the accounts app's links on the staff home.

Staff roles count only with a verified second factor (``abierta.accounts.roles``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.core.models import Institution
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink

R = User.Role


def may_manage_offices(user: Any) -> bool:
    """Create and edit offices: the platform admin, and the transparency officer, who runs the
    action plan's cycle with the offices (docs/decisions/0027-staff-accounts.md)."""
    return has_role(user, R.ADMIN, R.TRANSPARENCY)


def may_manage_staff(user: Any) -> bool:
    """Invite staff, change their role or office, deactivate them: the platform admin only, since
    a role is a permission."""
    return has_role(user, R.ADMIN)


def office_for_manager(user: Any, pk: int) -> Institution:
    if not may_manage_offices(user):
        raise PermissionDenied
    return get_object_or_404(Institution, pk=pk)


def staff_account_for_admin(user: Any, pk: int) -> User:
    """A staff account (never a citizen's) for the platform admin."""
    if not may_manage_staff(user):
        raise PermissionDenied
    return get_object_or_404(User.objects.select_related("institution").exclude(role=R.CITIZEN), pk=pk)


def staff_links(user: Any) -> list[StaffGroup]:
    links: list[StaffLink] = []
    if may_manage_offices(user):
        links.append(StaffLink(_("Offices"), reverse("accounts_staff:office_list")))
    if may_manage_staff(user):
        links.append(StaffLink(_("Staff accounts"), reverse("accounts_staff:staff_list")))
        links.append(StaffLink(_("Invite a staff member"), reverse("accounts_staff:staff_invite")))
    lines = (StaffLine(tuple(links)),) if links else ()
    return [StaffGroup(_("Offices and staff accounts"), lines)]
