from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from abierta.accounts.models import User
from abierta.accounts.services import last_active_admin
from abierta.core.models import Institution
from abierta.core.plaintext import PlainTextMixin


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only numbers; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label=_("I authorise the processing of my personal data under the privacy policy (Ley 1581 de 2012)."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("The email or the password is not right. Both are case-sensitive."),
        "inactive": _("This account is disabled."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(
                _("Confirm your email first: open the link we sent you when you registered."),
                code="unverified",
            )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return token.replace(" ", "").strip()


# --- Offices and staff accounts ------------------------------------------------------------------

STAFF_ROLES = [(value, label) for value, label in User.Role.choices if value != User.Role.CITIZEN]


class InstitutionForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = ["name", "short_name", "slug", "kind", "email", "phone", "website"]
        labels = {
            "name": _("Name"),
            "short_name": _("Short name"),
            "slug": _("Web address name"),
            "kind": _("Kind"),
            "email": _("Email"),
            "phone": _("Phone"),
            "website": _("Website"),
        }
        help_texts = {"slug": _("Lower-case letters, numbers and hyphens, e.g. secretaria-de-hacienda.")}
        error_messages = {
            "name": {"unique": _("An office with this name already exists.")},
            "slug": {"unique": _("Another office already uses this web address name.")},
        }


class _StaffRoleFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)
    institution = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Institution.objects.all(),
        required=False,
        help_text=_("Required for an office editor: the office whose commitments they keep up to date."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == User.Role.EDITOR and cleaned.get("institution") is None:
            self.add_error("institution", _("Choose the office of this office editor."))
        return cleaned


class StaffInviteForm(PlainTextMixin, _StaffRoleFields):
    email = forms.EmailField(label=_("Email"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    field_order = ["email", "first_name", "last_name", "role", "institution"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class StaffChangeForm(_StaffRoleFields):
    def __init__(self, *args: Any, account: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        if role != User.Role.ADMIN and last_active_admin(self.account):
            raise forms.ValidationError(
                _("This is the only active platform administrator: make another one before changing this role.")
            )
        return role


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only numbers; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
