"""Who may act as whom. Staff roles count only once the second factor is verified."""

from __future__ import annotations

from typing import Any

from abierta.accounts.models import User


def staff_user(user: Any) -> User | None:
    """The user, if signed in with a staff role and a verified second factor."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return None
    if not user.is_staff_role or not user.is_active:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return None
    return user


def has_role(user: Any, *roles: str) -> bool:
    staff = staff_user(user)
    return staff is not None and staff.role in roles


def is_admin(user: Any) -> bool:
    return has_role(user, User.Role.ADMIN)
