"""Who may manage the Ferias de la Transparencia and upload procurement plans."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.procurement.models import Fair

MANAGERS = (User.Role.TRANSPARENCY, User.Role.ADMIN)


def may_manage(user: Any) -> bool:
    """Transparency officers and platform administrators, signed in with their second factor."""
    return has_role(user, *MANAGERS)


def fair_for_manager(user: Any, pk: int) -> Fair:
    if not may_manage(user):
        raise PermissionDenied
    return get_object_or_404(Fair, pk=pk)
