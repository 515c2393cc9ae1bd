"""Public works (obras), linked to the contracts behind them (``abierta.contracting``).

A ``Work`` is an OC4IDS-shaped project with a short unguessable ``code`` printed as a QR code on
its billboard (``/o/<code>``).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.contracting.models import Contract, ContractRole
from abierta.core.history import scope_of
from abierta.core.models import Institution, ProcessedImage

# Crockford's base32 without I, L, O, U: no letters that read as digits when typed from a billboard.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits: unguessable by enumeration, short enough to type.


def new_work_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Work(models.Model):
    """A public work (obra), shaped like an OC4IDS project."""

    class Sector(models.TextChoices):
        # OC4IDS projectSector codelist, the ones a city builds.
        TRANSPORT_ROAD = "transport.road", _("Roads")
        TRANSPORT_URBAN = "transport.urban", _("Urban transport")
        TRANSPORT_WATER = "transport.water", _("Water transport")
        WATER = "waterAndWaste", _("Water, sewerage and waste")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        SOCIAL_HOUSING = "socialHousing", _("Social housing")
        RECREATION = "recreationAndCulture", _("Recreation and culture")
        SECURITY = "securityAndDefence", _("Security")
        GOVERNMENT = "government", _("Government buildings")
        ENERGY = "energy", _("Energy and lighting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        # OC4IDS projectStatus codelist.
        IDENTIFICATION = "identification", _("Identification")
        PREPARATION = "preparation", _("Preparation")
        IMPLEMENTATION = "implementation", _("Under construction")
        COMPLETION = "completion", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Localidad(models.TextChoices):
        HISTORICA = "historica", _("Histórica y del Caribe Norte")
        VIRGEN = "virgen", _("De la Virgen y Turística")
        INDUSTRIAL = "industrial", _("Industrial y de la Bahía")
        RURAL = "rural", _("Rural area and islands")

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_work_code, editable=False)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    sector = models.CharField(_("sector"), max_length=40, choices=Sector.choices, default=Sector.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IMPLEMENTATION)
    office = models.ForeignKey(
        Institution, verbose_name=_("responsible office"), on_delete=models.PROTECT, related_name="works"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    localidad = models.CharField(_("localidad"), max_length=20, choices=Localidad.choices, blank=True)
    ucg = models.PositiveSmallIntegerField(
        _("Unidad Comunera de Gobierno"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    budget = models.DecimalField(_("budget (COP)"), max_digits=20, decimal_places=2, null=True, blank=True)
    physical_progress = models.DecimalField(
        _("physical progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    financial_progress = models.DecimalField(
        _("financial progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("planned end date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    contracts: models.ManyToManyField[Contract, WorkContract] = models.ManyToManyField(
        Contract, through="WorkContract", related_name="works", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("public work")
        verbose_name_plural = _("public works")

    def __str__(self) -> str:
        return self.name

    # The public history (abierta.core.history): a work's page shows the changes to the work, its
    # contracts and its progress updates.
    history_fields = (
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
        "is_published",
    )

    def get_absolute_url(self) -> str:
        return reverse("works:work", args=[self.code])

    def history_scope(self) -> str:
        return scope_of(self)


class WorkContract(models.Model):
    """A contract behind a work: the works contract, its interventoría (supervision), or another."""

    Role = ContractRole

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_contracts")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="work_links")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.WORKS)

    class Meta:
        ordering = ["work", "role", "pk"]
        verbose_name = _("contract of a work")
        verbose_name_plural = _("contracts of works")
        constraints = [models.UniqueConstraint(fields=["work", "contract"], name="works_workcontract_unique")]

    def __str__(self) -> str:
        return f"{self.work} – {self.contract} ({self.get_role_display()})"

    history_fields = ("contract", "role")

    def history_scope(self) -> str:
        return self.work.history_scope()


# The order a work's contracts are shown and published in: the works contract first, then its
# interventoría, then the rest (the order of ``WorkContract.Role``).
ROLE_ORDER = {role: rank for rank, role in enumerate(WorkContract.Role.values)}


class WorkUpdate(models.Model):
    """A dated progress report on a work; followers are emailed each one."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    physical_progress = models.DecimalField(
        _("physical progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    financial_progress = models.DecimalField(
        _("financial progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    text = models.TextField(_("what was done"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("followers notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.work} {self.date}"

    history_fields = ("date", "physical_progress", "financial_progress", "text")

    def history_scope(self) -> str:
        return self.work.history_scope()


class WorkPhoto(ProcessedImage):
    """A photo of a progress update, its metadata (EXIF, location) removed by the queue before it is
    shown (``core.models.ProcessedImage``)."""

    update = models.ForeignKey(WorkUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="works/photos/%Y/%m/", blank=True)
    caption = models.CharField(_("description of the photo"), max_length=300)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption


class WorkScanDay(models.Model):
    """How many times a work's page was opened on a day: a count, no address, no cookie."""

    public_content = False

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="scan_days")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("visits on a day")
        verbose_name_plural = _("visits by day")
        constraints = [models.UniqueConstraint(fields=["work", "day"], name="works_scanday_unique")]

    def __str__(self) -> str:
        return f"{self.work_id} {self.day}: {self.count}"


class WorkFollower(models.Model):
    """An email address that follows a work (double opt-in; one-click unsubscribe by token)."""

    public_content = False

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["work", "email"], name="works_follower_unique")]

    def __str__(self) -> str:
        return f"{self.work_id} {self.email}"


class IrregularityReport(models.Model):
    """A citizen's report of an irregularity on a work, for its responsible office.

    A reporter who wants anonymity is sent to the complaint channel instead (encrypted, with a
    receipt); what is stored here is what the reporter agreed to give the office in the clear.
    """

    public_content = False

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REVIEWED = "reviewed", _("Reviewed by the office")
        ANSWERED = "answered", _("Answered")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("what is happening"))
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("email or phone"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The day it was sent to the complaint channel; its contact is removed then, and nothing records
    # which case it became.
    forwarded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("irregularity report")
        verbose_name_plural = _("irregularity reports")

    def __str__(self) -> str:
        return f"{self.work} {self.created_at:%Y-%m-%d}"


class IrregularityPhoto(ProcessedImage):
    public_content = False

    report = models.ForeignKey(IrregularityReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="works/reports/%Y/%m/", blank=True)
    kept_location = models.BooleanField(_("location kept at the reporter's request"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return str(self.image.name)
