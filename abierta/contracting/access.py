"""Who may configure the SECOP II synchronisation and see its runs, who may import a contracts file
on the staff page and see its runs, and the staff home's links to both."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.contracting.importers import OcdsImporter, SecopContractsImporter
from abierta.contracting.models import SecopEntity, SyncRun
from abierta.core.models import ImportRun
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


# The kinds of the runs of contracts files (from the staff page or the import commands).
IMPORT_KINDS = (SecopContractsImporter.kind, OcdsImporter.kind)


def may_import_contracts(user: Any) -> bool:
    """Whoever may manage the SECOP II synchronisation may import a contracts file."""
    return may_manage_sync(user)


def import_runs_for_manager(user: Any) -> QuerySet[ImportRun]:
    """The runs of contracts files, newest first."""
    if not may_import_contracts(user):
        raise PermissionDenied
    return ImportRun.objects.filter(kind__in=IMPORT_KINDS).order_by("-started_at", "-pk")


def import_run_for_manager(user: Any, pk: int) -> ImportRun:
    return get_object_or_404(import_runs_for_manager(user), pk=pk)


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links to the SECOP II synchronisation and to the import of a contracts file."""
    if not may_manage_sync(user):
        return []
    sync = StaffLink(_("SECOP II synchronisation"), reverse("contracting:secop_entities"))
    upload = StaffLink(_("Import a SECOP II or OCDS file"), reverse("contracting:contracts_import"))
    return [StaffGroup(_("Contracts"), (StaffLine((sync, upload)),))]
