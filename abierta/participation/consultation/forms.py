"""Forms of the consultation: every 4xx of the vote is decided here (services assume valid input)."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from abierta.accounts.models import User
from abierta.core.plaintext import PlainTextMixin
from abierta.participation.consultation.services import AgeBand, ChoiceError, DocumentType, Sector, choices_check
from abierta.participation.dialogue.forms import DateTimeLocalInput
from abierta.participation.models import Consultation, Initiative, PollingTable, Territory

NUMBER = re.compile(r"[A-Za-z0-9]{3,20}")
PHONE = re.compile(r"\+?[0-9]{7,15}")


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Type of document"), choices=DocumentType.choices)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        help_text=_(
            "Without dots or spaces. It is never stored: only a keyed fingerprint, to count one vote per person."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )

    def clean_document_number(self) -> str:
        compact = re.sub(r"[\s.\-]", "", self.cleaned_data["document_number"])
        if not NUMBER.fullmatch(compact):
            raise ValidationError(_("Write the number as it appears on the document: 3 to 20 letters or digits."))
        return compact


class AnswersForm(forms.Form):
    """The optional questions; nothing here identifies anyone and each may be left blank."""

    age_band = forms.ChoiceField(
        label=_("Your age"), choices=[("", _("I prefer not to say")), *AgeBand.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("You take part as"), choices=[("", _("I prefer not to say")), *Sector.choices], required=False
    )
    territory = forms.ChoiceField(
        label=_("Where you live"), choices=[("", _("I prefer not to say")), *Territory.choices], required=False
    )

    def answers(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in ("age_band", "sector", "territory")}


class VoterForm(DocumentForm, AnswersForm):
    """Step 1 of the web vote: who you are (as a fingerprint) and where to send the code.

    At assurance levels 2 and 3 the voter also types the consultation's second fact (the date of
    issue of the document, or the birth date), checked against the voter roll or by the verifier.
    """

    second_fact = forms.DateField(
        label=_("Date of issue of the document"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        help_text=_("As printed on your document, for example 24/05/2009. It is never stored in clear."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as day/month/year, for example 24/05/2009.")},
    )
    contact = forms.CharField(
        label=_("Email or mobile phone"),
        max_length=254,
        help_text=_(
            "We send your code there. Only a keyed fingerprint of it is kept, so that one email or phone "
            "asks for codes for one document only."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["document_type", "document_number", "second_fact", "contact", "age_band", "sector", "territory"]

    def __init__(self, *args: Any, consultation: Consultation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if consultation is None or consultation.assurance == Consultation.Assurance.CODE:
            del self.fields["second_fact"]
            return
        field = self.fields["second_fact"]
        field.required = True
        if consultation.roll_fact == Consultation.RollFact.BIRTH_DATE:
            field.label = _("Birth date")
            field.help_text = _("For example 24/05/1990. It is never stored in clear.")

    def clean_second_fact(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("second_fact")
        if value is not None and not (datetime.date(1900, 1, 1) <= value <= timezone.localdate()):
            raise ValidationError(_("Write a date between 1900 and today."))
        return value

    def facts(self) -> dict[str, str]:
        """What the voter typed besides the document, for the roll or the verifier."""
        value = self.cleaned_data.get("second_fact")
        return {"second_fact": value.isoformat()} if value else {}

    def clean_contact(self) -> str:
        value: str = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError as exc:
                raise ValidationError(_("Write a valid email address.")) from exc
            return value
        phone = re.sub(r"[\s\-()]", "", value)
        if not PHONE.fullmatch(phone):
            raise ValidationError(_("Write an email address or a phone number of 7 to 15 digits."))
        return phone


class ChoicesMixin(forms.Form):
    """The initiatives to choose: radio buttons for one choice, checkboxes for several."""

    consultation: Consultation
    initiatives: list[Initiative]

    choices = forms.TypedMultipleChoiceField(label=_("Your choice"), coerce=int, required=False)

    def setup_choices(self, consultation: Consultation, initiatives: list[Initiative]) -> None:
        self.consultation = consultation
        self.initiatives = initiatives
        field = self.fields["choices"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101 (narrowing for mypy)
        field.choices = [(i.number, f"{i.number}. {i.title}") for i in initiatives]
        # Always read as a list (radio buttons are drawn by the template for a single choice), so
        # that a forged second value is refused by choices_check rather than silently dropped.
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)

    def clean_choices(self) -> list[int]:
        chosen: list[int] = self.cleaned_data.get("choices") or []
        try:
            return choices_check(self.consultation, chosen, self.initiatives)
        except ChoiceError as exc:
            raise ValidationError(str(exc)) from exc

    @property
    def multiple(self) -> bool:
        return self.consultation.max_choices > 1

    @property
    def chosen(self) -> list[str]:
        """The ticked values as strings, to keep them ticked when the form comes back."""
        return [str(v) for v in self.data.getlist("choices")] if hasattr(self.data, "getlist") else []


class ConfirmForm(ChoicesMixin):
    """Step 2 of the web vote: the code received and the choice."""

    token = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code received"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, consultation: Consultation, initiatives: list[Initiative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_choices(consultation, initiatives)

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not code.isdigit() or len(code) != 6:
            raise ValidationError(_("The code has 6 digits."))
        return code


class TableVoteForm(DocumentForm, AnswersForm, ChoicesMixin):
    """A vote cast in person at a table, entered by staff."""

    field_order = ["document_type", "document_number", "choices", "age_band", "sector", "territory"]

    def __init__(self, *args: Any, consultation: Consultation, initiatives: list[Initiative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_choices(consultation, initiatives)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=40,
        help_text=_("The 16 characters shown when you voted, for example K7QM-2XRT-9HCF-W3PD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class AssuranceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The identity level of a consultation and the second fact its roll holds (staff)."""

    class Meta:
        model = Consultation
        fields = ["assurance", "roll_fact"]
        widgets = {"assurance": forms.RadioSelect, "roll_fact": forms.RadioSelect}

    def clean_assurance(self) -> int:
        level = int(self.cleaned_data["assurance"])
        if level == Consultation.Assurance.VERIFIER and not settings.ABIERTA_VOTE_VERIFIER:
            raise ValidationError(
                _("Level 3 needs an identity service configured on the server (ABIERTA_VOTE_VERIFIER).")
            )
        return level


ROLL_MAX_BYTES = 20 * 1024 * 1024


class RollUploadForm(forms.Form):
    """A voter roll file; what it holds is checked by the importer."""

    file = forms.FileField(
        label=_("Voter roll file"),
        help_text=_(
            "CSV (UTF-8) or Excel (.xlsx) with a first row naming the columns «documento» and "
            "«fecha_expedicion» (or «fecha_nacimiento»), one person per row. At most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > ROLL_MAX_BYTES:
            raise ValidationError(_("The file is larger than 20 MB: import it with the command instead."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV (.csv) or Excel (.xlsx) file."))
        return upload


# ---------------------------------------------------------------- polling tables (staff)


class PollingTableForm(forms.Form):
    """A new polling table of the consultation."""

    number = forms.IntegerField(label=_("Table number"), min_value=1, max_value=999)
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if PollingTable.objects.filter(consultation=self.consultation, number=number).exists():
            raise ValidationError(_("There is already a table with this number."))
        return number


class FacilitatorForm(forms.Form):
    """Assign a facilitator to a table by the email of their staff account."""

    email = forms.EmailField(label=_("Facilitator's email"), max_length=254)

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active account has this email."))
        if not user.is_staff_role:
            raise ValidationError(_("This account has no staff role: facilitators sign in with two factors."))
        return user


class TallySheetForm(forms.Form):
    """The count of one table's paper tally sheet for one day, as published by the city."""

    table = forms.TypedChoiceField(label=_("Table"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("Ballots on the paper sheet"), min_value=0, max_value=100000)

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        table = self.fields["table"]
        assert isinstance(table, forms.TypedChoiceField)  # noqa: S101 (narrows the type)
        table.choices = [(t.number, str(t)) for t in consultation.polling_tables.all()]

    def clean_day(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["day"]
        first = timezone.localtime(self.consultation.opens_at).date()
        last = timezone.localtime(self.consultation.closes_at).date()
        if not first <= day <= last:
            raise ValidationError(
                _("The day must be within the consultation: %(first)s to %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()}
            )
        return day


class ConsultationForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The consultation before it opens: question, shortlist, dates, choices and identity level."""

    shortlist = forms.ModelMultipleChoiceField(
        label=_("Initiatives on the ballot"),
        queryset=Initiative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least two of the initiatives of the co-creation."),
    )

    class Meta:
        model = Consultation
        fields = ["question", "opens_at", "closes_at", "max_choices", "assurance", "roll_fact"]
        widgets = {
            "opens_at": DateTimeLocalInput(),
            "closes_at": DateTimeLocalInput(),
            "assurance": forms.RadioSelect,
            "roll_fact": forms.RadioSelect,
        }
        help_texts = {
            "opens_at": _("Bogotá time. To open it at once, save a later time and use «Open now» after the preview."),
            "closes_at": _("Bogotá time."),
            "roll_fact": _("Only for level 2: the fact the voter roll holds beside each document."),
        }

    field_order = ["question", "shortlist", "opens_at", "closes_at", "max_choices", "assurance", "roll_fact"]

    def __init__(self, *args: Any, initiatives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = self.instance.process
        field = cast(forms.ModelMultipleChoiceField, self.fields["shortlist"])  # type: ignore[type-arg]
        field.queryset = initiatives
        field.label_from_instance = lambda i: f"{i.number}. {i.title}"  # type: ignore[method-assign,assignment]

    def clean_opens_at(self) -> datetime.datetime:
        opens: datetime.datetime = self.cleaned_data["opens_at"]
        if opens <= timezone.now():
            raise ValidationError(
                _("The opening must be in the future. To open it now, save and use «Open now» after the preview.")
            )
        return opens

    def clean_max_choices(self) -> int:
        n: int = self.cleaned_data["max_choices"]
        if n < 1:
            raise ValidationError(_("Each voter chooses at least 1 initiative."))
        return n

    def clean_shortlist(self) -> Any:
        chosen = self.cleaned_data["shortlist"]
        if len(chosen) < 2:
            raise ValidationError(_("Choose at least two initiatives: a ballot needs a choice."))
        return chosen

    def clean_assurance(self) -> int:
        level = int(self.cleaned_data["assurance"])
        if level == Consultation.Assurance.VERIFIER and not settings.ABIERTA_VOTE_VERIFIER:
            raise ValidationError(
                _("Level 3 needs an identity service configured on the server (ABIERTA_VOTE_VERIFIER).")
            )
        return level

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing must come after the opening."))
        if opens and opens < self.process.consultation_from:
            self.add_error(
                "opens_at",
                _("The consultation phase of the co-creation starts on %(date)s: open it then or later.")
                % {"date": date_format(localtime(self.process.consultation_from), "j F Y, H:i")},
            )
        if closes and closes > self.process.results_from:
            self.add_error(
                "closes_at",
                _("The results phase of the co-creation starts on %(date)s: close it by then.")
                % {"date": date_format(localtime(self.process.results_from), "j F Y, H:i")},
            )
        shortlist, n = data.get("shortlist"), data.get("max_choices")
        if shortlist is not None and n and n > len(shortlist):
            self.add_error(
                "max_choices",
                _("A voter cannot choose more initiatives (%(n)d) than the ballot has (%(total)d).")
                % {"n": n, "total": len(shortlist)},
            )
        return data
