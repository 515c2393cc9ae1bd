from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager["User"]):
    """Accounts are identified by email; there is no separate user name."""

    use_in_migrations = True

    def _create_user_object(self, username: Any, email: Any, password: Any, **extra: Any) -> User:
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra)
        user.password = ""
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(self, username: Any, email: Any, password: Any, **extra: Any) -> User:
        user = self._create_user_object(username, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        extra.setdefault("email_verified", True)
        return self._create_user(None, email, password, **extra)


class User(AbstractUser):
    class Role(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        EDITOR = "editor", _("Office editor")
        TRANSPARENCY = "transparency", _("Transparency officer")
        MONITOR = "monitor", _("Monitoring body")
        COMMITTEE = "committee", _("Committee member")
        ADMIN = "admin", _("Platform administrator")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    email_verified = models.BooleanField(_("email verified"), default=False)
    # When the address was confirmed (set by save()); reports of abuse count only from accounts
    # confirmed long enough ago (plans.services.comment_report).
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    institution = models.ForeignKey(
        "core.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # Signing in saves only this: no public page shows it (core/cache.py).
    page_cache_ignores: ClassVar[frozenset[str]] = frozenset({"last_login"})
    objects: ClassVar[UserManager] = UserManager()
    # The account's history (who invited, changed or deactivated it) is read by platform admins
    # only, on the staff account's page: no public page reads this scope.
    history_fields = ("email", "first_name", "last_name", "role", "institution", "is_active", "email_verified")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def history_scope(self) -> str:
        return f"accounts.user:{self.pk}"

    @property
    def is_staff_role(self) -> bool:
        """Every role but citizen acts for the city and must sign in with two factors."""
        return self.role != self.Role.CITIZEN

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Platform administrators, and only they, use the Django admin.
        self.is_staff = self.role == self.Role.ADMIN
        self.is_superuser = self.role == self.Role.ADMIN
        if self.email_verified != (self.email_verified_at is not None):
            self.email_verified_at = timezone.now() if self.email_verified else None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "email_verified_at"}
        super().save(*args, **kwargs)


class TOTPEnrolment(models.Model):
    """A one-time link, mailed to a staff account, that lets whoever also knows the password set up
    the account's first authenticator. Only a hash of the link's token is kept; it works once and
    until ``expires_at``."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_enrolments")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator set-up link")
        verbose_name_plural = _("authenticator set-up links")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
