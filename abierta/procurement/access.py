"""Who may manage the Ferias de la Transparencia and upload procurement plans."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
from abierta.procurement.models import Fair

MANAGERS = (User.Role.TRANSPARENCY, User.Role.ADMIN)


def may_manage(user: Any) -> bool:
    """Transparency officers and platform administrators, signed in with their second factor."""
    return has_role(user, *MANAGERS)


def fair_for_manager(user: Any, pk: int) -> Fair:
    if not may_manage(user):
        raise PermissionDenied
    return get_object_or_404(Fair, pk=pk)


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's link to the fairs and procurement plans."""
    if not may_manage(user):
        return []
    link = StaffLink(_("Ferias de la Transparencia and procurement plans"), reverse("procurement:staff_fairs"))
    return [StaffGroup(_("Annual procurement plans"), (StaffLine((link,)),))]
