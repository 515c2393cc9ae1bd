"""Who may act as whom. Staff roles count only once the second factor is verified."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

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


# When the second factor was last given in this session (seconds since the epoch): set at sign-in
# and each time a staff member confirms it again.
OTP_AT = "accounts_otp_at"


def second_factor_given(request: HttpRequest) -> None:
    request.session[OTP_AT] = int(time.time())


def second_factor_fresh(request: HttpRequest, minutes: int | None = None) -> bool:
    """Whether the second factor was given in this session within the last ``minutes``
    (``ABIERTA_OTP_FRESH_MINUTES`` when not given)."""
    limit = int(settings.ABIERTA_OTP_FRESH_MINUTES if minutes is None else minutes) * 60
    given = request.session.get(OTP_AT)
    return isinstance(given, int) and 0 <= time.time() - given <= limit
