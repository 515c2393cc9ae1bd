from __future__ import annotations

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator


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
