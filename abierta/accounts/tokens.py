from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A link token that stops working once the address is verified or changed."""

    key_salt = "abierta.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        verified = getattr(user, "email_verified", False)
        email = getattr(user, "email", "")
        return f"{user.pk}{email}{verified}{timestamp}"

    def _now(self) -> datetime:  # pragma: no cover - same as the parent, kept for clarity
        return super()._now()


email_verification_token = EmailVerificationTokenGenerator()


class StaffInvitationTokenGenerator(PasswordResetTokenGenerator):
    """The link of a staff invitation: signed with SECRET_KEY, valid for
    ``ABIERTA_STAFF_INVITATION_HOURS``, and once, since setting the password changes the hash (so does
    a newer invitation, which gives the account a new unusable password, and a deactivation)."""

    key_salt = "abierta.accounts.tokens.StaffInvitationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        active = getattr(user, "is_active", False)
        email = getattr(user, "email", "")
        return f"{user.pk}{user.password}{email}{active}{timestamp}"

    def check_token(self, user: AbstractBaseUser | None, token: str | None) -> bool:
        if user is None or not token:
            return False
        try:
            stamp, _hash = token.split("-")
            timestamp = base36_to_int(stamp)
        except ValueError:
            return False
        if not constant_time_compare(self._make_token_with_timestamp(cast(Any, user), timestamp, self.secret), token):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= int(settings.ABIERTA_STAFF_INVITATION_HOURS) * 3600


staff_invitation_token = StaffInvitationTokenGenerator()
