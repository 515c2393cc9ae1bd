"""Forms of the follow, report and staff pages of public works. Every 4xx of those pages is decided
here; abierta/works/services.py assumes what these forms let through."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abierta.accounts.models import User
from abierta.accounts.roles import has_role
from abierta.complaints.models import Case
from abierta.contracting.models import Contract
from abierta.core.models import Institution
from abierta.core.plaintext import PlainTextMixin
from abierta.core.uploads import IMAGES, validate_upload
from abierta.works import services
from abierta.works.models import IrregularityReport, Work, WorkContract

MAX_REPORT_PHOTOS = 5
MAX_UPDATE_PHOTOS = 4
MIN_REPORT_TEXT = 20
MAX_TEXT = 10_000
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,20}$")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``max_files`` images, each checked by its content; cleans to a list of ReportPhoto."""

    widget = MultipleImageInput

    def __init__(self, *, max_files: int = MAX_REPORT_PHOTOS, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_files = max_files
        self.widget.attrs.update({"multiple": True, "accept": ".jpg,.jpeg,.png,.webp"})

    def clean(self, data: Any, initial: Any = None) -> list[services.ReportPhoto]:
        uploads: list[UploadedFile] = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("You can attach at most %(max)d photos; you chose %(count)d.")
                % {"max": self.max_files, "count": len(uploads)},
                code="too_many",
            )
        problems: list[str] = []
        photos: list[services.ReportPhoto] = []
        for upload in uploads:
            name = (upload.name or "foto")[-150:]
            try:
                kind = validate_upload(upload, IMAGES)
            except ValidationError as exc:
                problems.extend(f"{name}: {message}" for message in exc.messages)
                continue
            photos.append(services.ReportPhoto(upload=upload, kind=kind))
        if problems:
            raise ValidationError(problems)
        return photos


# ---------------------------------------------------------------- citizens


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your email"),
        help_text=gettext_lazy(
            "We will send you a link to confirm. You need no account. Every email has a link to stop following."
        ),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Write the email address where you want to receive the updates."),
            "invalid": gettext_lazy("Write a valid email address, like nombre@ejemplo.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReportForm(PlainTextMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What is happening?"),
        help_text=gettext_lazy(
            "Describe what you saw: what, where on the work, since when. For example: the work is stopped, "
            "the materials are not those announced, there is no signage, the sidewalk was left unfinished."
        ),
        min_length=MIN_REPORT_TEXT,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Tell what is happening on the work: this is the heart of your report."),
            "min_length": gettext_lazy(
                "Tell a little more: at least %(limit_value)d characters (you wrote %(show_value)d)."
            ),
        },
    )
    photos = PhotosField(
        label=gettext_lazy("Photos"),
        help_text=gettext_lazy(
            "Up to 5 photos (JPG, PNG or WEBP). Their hidden data (camera, date, author) is always removed."
        ),
    )
    keep_location = forms.BooleanField(
        label=gettext_lazy("Keep the location of my photos"),
        help_text=gettext_lazy(
            "Photos taken with a phone may record where they were taken. It is removed unless you tick this "
            "box; keeping it helps the office find the place, and tells it where you were."
        ),
        required=False,
    )
    contact_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    contact = forms.CharField(
        label=gettext_lazy("Email or phone"),
        help_text=gettext_lazy("If you want the office to answer you. The office will see it; nobody else will."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def clean_contact(self) -> str:
        value: str = self.cleaned_data.get("contact", "").strip()
        if not value:
            return value
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError as exc:
                raise ValidationError(_("Write a valid email address, like nombre@ejemplo.com.")) from exc
        elif not _PHONE.match(value):
            raise ValidationError(_("Write an email address or a phone number (digits, spaces, +, - or brackets)."))
        return value


# ---------------------------------------------------------------- staff: works


class WorkForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A work's own fields. Progress is set here only when the work is registered; afterwards it
    changes with each progress update, which notifies the followers."""

    ucg = forms.IntegerField(
        label=gettext_lazy("Unidad Comunera de Gobierno"),
        help_text=gettext_lazy("A number from 1 to 15."),
        min_value=1,
        max_value=15,
        required=False,
        error_messages={
            "min_value": gettext_lazy("The Unidad Comunera de Gobierno is a number from 1 to 15."),
            "max_value": gettext_lazy("The Unidad Comunera de Gobierno is a number from 1 to 15."),
            "invalid": gettext_lazy("The Unidad Comunera de Gobierno is a number from 1 to 15."),
        },
    )

    class Meta:
        model = Work
        fields = [
            "name",
            "description",
            "sector",
            "status",
            "office",
            "address",
            "localidad",
            "ucg",
            "latitude",
            "longitude",
            "budget",
            "physical_progress",
            "financial_progress",
            "start_on",
            "end_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "start_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "latitude": gettext_lazy("In decimal degrees, for example 10.4236 (Cartagena is near 10.4)."),
            "longitude": gettext_lazy("In decimal degrees, for example -75.5253 (west is negative)."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = cast("forms.ModelChoiceField[Institution]", self.fields["office"])
        offices: QuerySet[Institution] = Institution.objects.filter(kind=Institution.Kind.GOVERNMENT)
        if not has_role(user, User.Role.TRANSPARENCY, User.Role.ADMIN):
            offices = Institution.objects.filter(pk=user.institution_id or 0)
            office.initial = user.institution_id
        office.queryset = offices
        if self.instance.pk:
            # Progress changes through dated updates from now on.
            del self.fields["physical_progress"]
            del self.fields["financial_progress"]
        self.fields["name"].error_messages["required"] = _("Write the name of the work.")

    def clean_latitude(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("latitude")
        if value is not None and not Decimal(-90) <= value <= Decimal(90):
            raise ValidationError(_("A latitude is between -90 and 90 degrees."))
        return value

    def clean_longitude(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("longitude")
        if value is not None and not Decimal(-180) <= value <= Decimal(180):
            raise ValidationError(_("A longitude is between -180 and 180 degrees."))
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors and "longitude" not in self.errors:
            self.add_error(
                "longitude" if lon is None else "latitude", _("Give both latitude and longitude, or neither.")
            )
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The planned end date cannot be before the start date."))
        return data


class ContractLinkForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Contract"),
        help_text=gettext_lazy("Its OCID (ocds-k50g02-…) or its SECOP contract number (CO1.PCCNTR.…)."),
        max_length=120,
        error_messages={"required": gettext_lazy("Write the OCID or the number of the contract.")},
    )
    role = forms.ChoiceField(label=gettext_lazy("Role in the work"), choices=WorkContract.Role.choices)

    def __init__(self, *args: Any, work: Work, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.work = work

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        reference = data.get("reference")
        if not reference:
            return data
        found = services.contract_find(reference)
        if not found:
            self.add_error("reference", _("No contract has this OCID or number. Import it from SECOP first."))
        elif len(found) > 1:
            self.add_error("reference", _("Several contracts have this number: write the OCID instead."))
        elif WorkContract.objects.filter(work=self.work, contract=found[0]).exists():
            self.add_error("reference", _("This contract is already linked to the work."))
        else:
            data["contract"] = found[0]
        return data

    @property
    def contract(self) -> Contract:
        contract: Contract = self.cleaned_data["contract"]
        return contract


class WorkUpdateForm(PlainTextMixin, forms.Form):
    """A dated progress update. Progress lower than the work's current figure is accepted only as a
    correction the author confirms (the text then says why)."""

    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Give the date of the update."),
            "invalid": gettext_lazy("Give a valid date (year-month-day)."),
        },
    )
    physical_progress = forms.DecimalField(
        label=gettext_lazy("Physical progress (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    financial_progress = forms.DecimalField(
        label=gettext_lazy("Financial progress (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    text = forms.CharField(
        label=gettext_lazy("What was done"),
        help_text=gettext_lazy("Followers receive this text by email."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Say what was done since the last update.")},
    )
    correction = forms.BooleanField(
        label=gettext_lazy("This update lowers the progress: it corrects an earlier figure"),
        help_text=gettext_lazy("Tick it only if a figure is lower than the current one, and say why in the text."),
        required=False,
    )

    def __init__(self, *args: Any, work: Work, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.work = work
        for i in range(1, MAX_UPDATE_PHOTOS + 1):
            self.fields[f"photo_{i}"] = forms.ImageField(
                label=_("Photo %(n)d") % {"n": i},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"}),
            )
            self.fields[f"caption_{i}"] = forms.CharField(
                label=_("Description of photo %(n)d") % {"n": i},
                help_text=_("What the photo shows, for people who cannot see it."),
                max_length=300,
                required=False,
            )

    def clean_date(self) -> Any:
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of an update cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        photos: list[services.UpdatePhoto] = []
        for i in range(1, MAX_UPDATE_PHOTOS + 1):
            upload = data.get(f"photo_{i}")
            caption = (data.get(f"caption_{i}") or "").strip()
            if not upload:
                if caption:
                    self.add_error(f"photo_{i}", _("Choose the photo this description is for."))
                continue
            try:
                kind = validate_upload(upload, IMAGES)
            except ValidationError as exc:
                self.add_error(f"photo_{i}", exc)
                continue
            if not caption:
                self.add_error(f"caption_{i}", _("Describe what the photo shows."))
                continue
            photos.append(services.UpdatePhoto(upload=upload, kind=kind, caption=caption))
        data["photos"] = photos
        physical, financial = data.get("physical_progress"), data.get("financial_progress")
        if (
            physical is not None
            and financial is not None
            and services.progress_goes_back(self.work, physical, financial)
            and not data.get("correction")
        ):
            self.add_error(
                "correction",
                _(
                    "The progress is lower than the current one (physical %(physical)s%%, financial "
                    "%(financial)s%%). If it corrects an earlier figure, tick this box and say why in the text."
                )
                % {"physical": self.work.physical_progress, "financial": self.work.financial_progress},
            )
        return data


# ---------------------------------------------------------------- staff: reports


class ReportReviewForm(PlainTextMixin, forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (IrregularityReport.Status.REVIEWED, IrregularityReport.Status.REVIEWED.label),
            (IrregularityReport.Status.ANSWERED, IrregularityReport.Status.ANSWERED.label),
        ],
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        help_text=gettext_lazy("If the reporter left an email address, the answer is emailed to them."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("status") == IrregularityReport.Status.ANSWERED and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer to mark the report as answered."))
        return data


class ReportForwardForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("Kind of complaint"),
        choices=Case.Category.choices,
        initial=Case.Category.PROCUREMENT,
    )


class ReportFilterForm(forms.Form):
    work = forms.ChoiceField(label=gettext_lazy("Work"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *IrregularityReport.Status.choices],
    )

    def __init__(self, *args: Any, works: QuerySet[Work], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        work = cast(forms.ChoiceField, self.fields["work"])
        work.choices = [("", _("All")), *((w.code, f"{w.name} ({w.code})") for w in works)]
