"""Forms of the reporter's pages. Every 4xx of these pages is decided here or in antiabuse.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abierta.complaints.models import Case
from abierta.complaints.services import Evidence, ReportData
from abierta.core.receipts import normalize_receipt
from abierta.core.uploads import DOCUMENTS, IMAGES, validate_upload

if TYPE_CHECKING:  # django-stubs is a development dependency: never imported at run time
    from django_stubs_ext import StrOrPromise

MAX_FILES = 5
MIN_WHAT = 30
MAX_TEXT = 20_000
ALLOWED_KINDS = DOCUMENTS | IMAGES
ANONYMOUS = "anonymous"
IDENTIFIED = "identified"

DOCUMENT_TYPES = [
    ("CC", gettext_lazy("Cédula de ciudadanía")),
    ("CE", gettext_lazy("Cédula de extranjería")),
    ("PA", gettext_lazy("Passport")),
    ("PPT", gettext_lazy("Permiso por protección temporal")),
    ("NIT", gettext_lazy("NIT")),
    ("TI", gettext_lazy("Tarjeta de identidad")),
]

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,20}$")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to MAX_FILES files, each checked by its content; cleans to a list of ``Evidence``."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"multiple": True, "accept": ".pdf,.png,.jpg,.jpeg,.webp"})

    def clean(self, data: Any, initial: Any = None) -> list[Evidence]:
        uploads: list[UploadedFile] = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("You can attach at most %(max)d files; you chose %(count)d.")
                % {"max": MAX_FILES, "count": len(uploads)},
                code="too_many",
            )
        problems: list[str] = []
        evidence: list[Evidence] = []
        for upload in uploads:
            name = (upload.name or "file")[-150:]
            try:
                kind = validate_upload(upload, ALLOWED_KINDS)
            except ValidationError as exc:
                problems.extend(f"{name}: {message}" for message in exc.messages)
                continue
            upload.seek(0)
            evidence.append(Evidence(name=name, kind=kind, data=upload.read()))
        if problems:
            raise ValidationError(problems)
        return evidence


def _text(label: StrOrPromise, help_text: StrOrPromise, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What kind of corruption is it?"),
        help_text=gettext_lazy("Choose the closest one. If none fits, choose “Other”."),
        choices=[("", gettext_lazy("Choose one")), *Case.Category.choices],
        error_messages={"required": gettext_lazy("Choose the kind of corruption you are reporting.")},
    )
    what = forms.CharField(
        label=gettext_lazy("What happened?"),
        help_text=gettext_lazy(
            "Tell the facts in your own words: what was done or asked, and how you know it. "
            "Concrete facts that can be checked are what allows an investigation."
        ),
        min_length=MIN_WHAT,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": gettext_lazy("Tell what happened: this is the heart of your report."),
            "min_length": gettext_lazy(
                "Tell a little more: at least %(limit_value)d characters (you wrote %(show_value)d). "
                "Say what happened, how, and how you know it."
            ),
        },
    )
    who = _text(
        gettext_lazy("Who was involved?"),
        gettext_lazy("Names, positions or offices of the people involved, if you know them."),
    )
    where = _text(
        gettext_lazy("Where did it happen?"),
        gettext_lazy("The office, neighbourhood, address or place."),
        rows=2,
    )
    when = _text(
        gettext_lazy("When did it happen?"),
        gettext_lazy("A date or an approximate period; say whether it is still happening."),
        rows=2,
    )
    evidence = _text(
        gettext_lazy("What evidence is there?"),
        gettext_lazy("Documents, photos, messages or witnesses, and where they can be found. Attach files below."),
    )
    reference = forms.CharField(
        label=gettext_lazy("Related contract, public work or process"),
        help_text=gettext_lazy("Its number or name, if the report is about one (for example, a SECOP contract)."),
        required=False,
        max_length=200,
    )
    identity = forms.ChoiceField(
        label=gettext_lazy("Do you want to say who you are?"),
        help_text=gettext_lazy(
            "You may report anonymously. If you identify yourself, only the transparency office can read your "
            "data, and it can contact you and protect you as a witness."
        ),
        choices=[
            (ANONYMOUS, gettext_lazy("No, I report anonymously")),
            (IDENTIFIED, gettext_lazy("Yes, I give my name and a way to contact me")),
        ],
        widget=forms.RadioSelect,
        initial=ANONYMOUS,
    )
    name = forms.CharField(label=gettext_lazy("Full name"), required=False, max_length=200)
    document_type = forms.ChoiceField(
        label=gettext_lazy("Identity document type"),
        required=False,
        choices=[("", gettext_lazy("Choose one")), *DOCUMENT_TYPES],
    )
    document_number = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=30)
    contact = forms.CharField(
        label=gettext_lazy("Email or phone"),
        help_text=gettext_lazy("Where the transparency office can reach you."),
        required=False,
        max_length=200,
    )
    attachments = EvidenceField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "Up to 5 files: PDF, PNG, JPEG or WEBP. Photos and documents can carry hidden data "
            "(location, author); the office removes it before sharing them."
        ),
    )

    def clean_contact(self) -> str:
        contact: str = self.cleaned_data["contact"].strip()
        if not contact:
            return contact
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError as exc:
                raise ValidationError(_("Write a valid email address, like nombre@correo.co."), code="email") from exc
        elif not _PHONE.match(contact):
            raise ValidationError(_("Write an email address or a phone number with its digits."), code="contact")
        return contact

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identity") == IDENTIFIED:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Write your name, or choose to report anonymously."))
            if not (data.get("contact") or "").strip() and "contact" not in self.errors:
                self.add_error("contact", _("Write an email or phone, or choose to report anonymously."))
        return data

    def report(self) -> ReportData:
        data = self.cleaned_data
        identified = data["identity"] == IDENTIFIED
        return ReportData(
            category=data["category"],
            what=data["what"],
            who=data["who"],
            where=data["where"],
            when=data["when"],
            evidence=data["evidence"],
            reference=data["reference"],
            identified=identified,
            name=data["name"] if identified else "",
            document_type=data["document_type"] if identified else "",
            document_number=data["document_number"] if identified else "",
            contact=data["contact"] if identified else "",
        )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Your receipt"),
        help_text=gettext_lazy(
            "The 16 letters and numbers you got when you sent the report, like K7QM-2XRT-9HCF-W3PD."
        ),
        max_length=64,
        error_messages={"required": gettext_lazy("Write your receipt.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_receipt(self) -> str:
        normal = normalize_receipt(self.cleaned_data["receipt"])
        if normal is None:
            raise ValidationError(
                _("A receipt has 16 letters and numbers, like K7QM-2XRT-9HCF-W3PD. Check what you wrote."),
                code="format",
            )
        return normal


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        help_text=gettext_lazy("Add facts, answer the office's questions or send more evidence."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write your message.")},
    )
    attachments = EvidenceField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy("Up to 5 files: PDF, PNG, JPEG or WEBP."),
    )
