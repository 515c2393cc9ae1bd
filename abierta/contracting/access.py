"""Who may configure the SECOP II synchronisation and see its runs, and the staff home's link to it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.contracting.models import SecopEntity, SyncRun
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink

SYNC_MANAGERS = (User.Role.TRANSPARENCY, User.Role.ADMIN)


def may_manage_sync(user: Any) -> bool:
    """Transparency officers and platform administrators, signed in with their second factor."""
    return has_role(user, *SYNC_MANAGERS)


def secop_entity_for_manager(user: Any, pk: int) -> SecopEntity:
    if not may_manage_sync(user):
        raise PermissionDenied
    return get_object_or_404(SecopEntity, pk=pk)


def sync_run_for_manager(user: Any, pk: int) -> SyncRun:
    if not may_manage_sync(user):
        raise PermissionDenied
    return get_object_or_404(SyncRun.objects.select_related("entity"), pk=pk)


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's link to the SECOP II synchronisation."""
    if not may_manage_sync(user):
        return []
    link = StaffLink(_("SECOP II synchronisation"), reverse("contracting:secop_entities"))
    return [StaffGroup(_("Contracts"), (StaffLine((link,)),))]
