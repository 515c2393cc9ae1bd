"""Forms of the handler pages. Every 4xx of those pages is decided here."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from abierta.accounts.models import User
from abierta.complaints import services
from abierta.complaints.models import Case
from abierta.core import uploads

EVIDENCE_KINDS = uploads.IMAGES | uploads.DOCUMENTS


class UnlockForm(forms.Form):
    password = forms.CharField(
        label=_("Your account password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    previous_password = forms.CharField(
        label=_("Your previous password"),
        required=False,
        strip=False,
        help_text=_("Only if you changed your password since you last unlocked your key."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    new_key = forms.BooleanField(
        label=_("I no longer know my previous password: replace my key with a new one"),
        required=False,
        help_text=_(
            "The old key is lost for good. You will read new complaints; a colleague, or the office's "
            "recovery key, must give you access to your earlier cases again."
        ),
    )


class InboxFilterForm(forms.Form):
    """The inbox's filters, read from GET; anything unknown is ignored rather than refused."""

    VIEWS = [("", _("All")), ("overdue", _("Overdue")), ("due_soon", _("Due soon"))]

    status = forms.ChoiceField(label=_("Status"), required=False)
    view = forms.ChoiceField(label=_("Deadline"), required=False, choices=VIEWS)
    mine = forms.BooleanField(label=_("Only cases assigned to me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)  # noqa: S101 (narrows the type)
        status.choices = [("", _("Any (not deleted)")), *Case.Status.choices]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    authority = forms.ChoiceField(
        label=_("Competent authority"),
        required=False,
        choices=[("", "—"), *Case.Authority.choices],
        help_text=_("Required when the case is forwarded."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = services.ALLOWED_TRANSITIONS[case.status]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)  # noqa: S101 (narrows the type)
        status.choices = [(value, label) for value, label in Case.Status.choices if value in allowed]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Case.Status.FORWARDED and not data.get("authority"):
            self.add_error("authority", _("Choose the authority the case is forwarded to."))
        if data.get("status") != Case.Status.FORWARDED:
            data["authority"] = ""
        return data


class HandlerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email} <{obj.email}>"


class AssignForm(forms.Form):
    handler = HandlerChoiceField(
        label=_("Handler"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (unassign)"),
        help_text=_("Assigning gives the handler access to this case."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = User.objects.filter(pk__in=[h.pk for h in services.handlers()]).order_by("email")
        field.initial = case.assigned_to_id


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the reporter)"),
        required=False,
    )
    file = forms.FileField(label=_("Attach a file (PDF, JPG, PNG or WEBP)"), required=False)

    def clean_file(self) -> services.Evidence | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        kind = uploads.validate_upload(upload, EVIDENCE_KINDS)
        upload.seek(0)
        return services.Evidence(name=upload.name or f"file.{uploads.EXTENSIONS[kind]}", kind=kind, data=upload.read())


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension (sent to the reporter)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, case: Case, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not services.extension_allowed(self.case, self.today):
            raise ValidationError(
                _("The term can be extended only once, for an open case, before its answer is due."),
                code="not_allowed",
            )
        return data


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the case, its messages and its files are destroyed for good."),
        required=True,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.case.status != Case.Status.CLOSED:
            raise ValidationError(_("Only a closed case can be deleted."), code="not_closed")
        return data
