"""Contracts, stored as OCDS compiled releases.

A ``Contract`` is one OCDS contracting process (one ocid): the whole compiled release is kept in
``release`` and the fields people search, filter and sort on are copied out of it into columns.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.contracting.privacy import public_document

# The columns copied out of a contract's compiled release (by ``abierta.contracting.ocds.contract_columns``)
# that anyone may read in lists, downloads and the API: not the release itself, its hash, the
# search document nor the flags.
CONTRACT_COLUMNS = (
    "contract_id",
    "process_id",
    "buyer_name",
    "buyer_nit",
    "supplier_name",
    "supplier_doc_type",
    "supplier_doc",
    "title",
    "category_code",
    "modality",
    "contract_type",
    "status",
    "procurement_method",
    "signed_on",
    "start_on",
    "end_on",
    "year",
    "value",
    "original_value",
    "value_added",
    "estimate_value",
    "paid",
    "days_added",
    "original_term_days",
    "bidders",
    "tender_period_days",
    "url",
)


class ContractRole(models.TextChoices):
    """The role a contract plays in a public work (the works app links them; the contracts' API
    and OC4IDS publish it)."""

    WORKS = "works", _("Works contract")
    SUPERVISION = "supervision", _("Supervision (interventoría)")
    DESIGN = "design", _("Studies and designs")
    OTHER = "other", _("Other")


class Contract(models.Model):
    """One contracting process as an OCDS compiled release, with searchable columns copied out."""

    class Source(models.TextChoices):
        SECOP2 = "secop2", _("SECOP II export")
        OCDS = "ocds", _("OCDS release")
        MANUAL = "manual", _("Entered by staff")

    ocid = models.CharField(_("OCID"), max_length=120, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    contract_id = models.CharField(_("contract number"), max_length=120, blank=True, db_index=True)
    process_id = models.CharField(_("process number"), max_length=120, blank=True, db_index=True)
    buyer_name = models.CharField(_("contracting entity"), max_length=300, blank=True)
    buyer_nit = models.CharField(_("entity NIT"), max_length=30, blank=True, db_index=True)
    supplier_name = models.CharField(_("contractor"), max_length=300, blank=True)
    supplier_doc_type = models.CharField(_("contractor document type"), max_length=60, blank=True)
    supplier_doc = models.CharField(_("contractor document number"), max_length=60, blank=True, db_index=True)
    title = models.TextField(_("object"), blank=True)
    category_code = models.CharField(_("main UNSPSC code"), max_length=20, blank=True, db_index=True)
    modality = models.CharField(_("procurement modality"), max_length=160, blank=True, db_index=True)
    contract_type = models.CharField(_("contract type"), max_length=160, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=80, blank=True, db_index=True)
    procurement_method = models.CharField(_("OCDS procurement method"), max_length=20, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    value = models.DecimalField(_("value (COP)"), max_digits=20, decimal_places=2, null=True, blank=True)
    original_value = models.DecimalField(
        _("original value (COP)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    value_added = models.DecimalField(
        _("value added by amendments (COP)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    estimate_value = models.DecimalField(
        _("estimated value (COP)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    paid = models.DecimalField(_("paid (COP)"), max_digits=20, decimal_places=2, null=True, blank=True)
    days_added = models.IntegerField(_("days added"), null=True, blank=True)
    original_term_days = models.IntegerField(_("original term (days)"), null=True, blank=True)
    bidders = models.PositiveIntegerField(_("number of bidders"), null=True, blank=True)
    tender_period_days = models.IntegerField(_("submission period (days)"), null=True, blank=True)
    url = models.URLField(_("SECOP link"), max_length=500, blank=True)
    # Lower-case, accent-free text of the object, contractor and entity. PostgreSQL indexes it for
    # Spanish full-text search (a generated tsvector column added by migration 0001); SQLite
    # matches it word by word.
    search_document = models.TextField(blank=True)
    flags = models.JSONField(_("red flags raised"), default=list, blank=True)
    release = models.JSONField(_("OCDS compiled release"))
    release_hash = models.CharField(max_length=64)
    release_date = models.DateTimeField(_("release date"), null=True, blank=True)
    # Whether storing the compiled release repaired it (``ocds.repair_release``): a newer release is
    # then compiled again from the source releases rather than merged onto the repaired one.
    release_repaired = models.BooleanField(default=False)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        # The table (and its index names) kept from when contracts lived in the works app.
        db_table = "works_contract"
        # The list's sorts by contractor and entity, with the id as tie-breaker (decision 0008).
        # Sorting by date and value, and the year filter, need NULLS LAST indexes, which SQLite
        # cannot declare: migration 0003 creates them (and a GIN index on ``flags``) on PostgreSQL.
        indexes = [
            models.Index(fields=["supplier_name", "id"], name="works_contract_supplier"),
            models.Index(fields=["buyer_name", "id"], name="works_contract_buyer"),
            # Oldest and lowest first (ascending puts empty values last on PostgreSQL by default).
            models.Index(fields=["signed_on", "id"], name="works_contract_signed_asc"),
            models.Index(fields=["value", "id"], name="works_contract_value_asc"),
        ]

    def __str__(self) -> str:
        return self.contract_id or self.ocid

    def get_absolute_url(self) -> str:
        return reverse("contracting:contract", args=[self.ocid])

    @property
    def public_supplier_doc(self) -> str:
        """The contractor's document when it is a company's NIT; empty for a natural person's."""
        return public_document(self.supplier_doc_type, self.supplier_doc)


class SecopEntity(models.Model):
    """An entity whose SECOP II contracts are kept in sync from the open data portal (``secop_sync``).

    ``watermark`` is the greatest ``ultima_actualizacion`` of the contracts committed so far, as the
    portal wrote it (a floating timestamp, ``2024-09-30T00:00:00.000``): the next run asks again from
    a few days before it (``ABIERTA_SECOP_SODA_OVERLAP_DAYS``), so nothing published late is skipped.
    """

    public_content = False

    nit = models.CharField(_("NIT"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    active = models.BooleanField(_("synchronised"), default=True)
    watermark = models.CharField(_("last update reached"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "nit"]
        verbose_name = _("SECOP II entity")
        verbose_name_plural = _("SECOP II entities")

    def __str__(self) -> str:
        return f"{self.name} ({self.nit})"

    def get_absolute_url(self) -> str:
        return reverse("contracting:secop_entity", args=[self.pk])


class SyncRun(models.Model):
    """One synchronisation of an entity's contracts from the open data portal: what it read and did.

    Each page of the portal is imported by the SECOP II importer as its own ``core.ImportRun``
    (``imports``), which keeps the page's rejected rows with their reasons.
    """

    public_content = False

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Stopped")

    entity = models.ForeignKey(SecopEntity, on_delete=models.CASCADE, related_name="runs", verbose_name=_("entity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=200, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    read = models.PositiveIntegerField(_("read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    since = models.CharField(_("asked from"), max_length=40, blank=True)
    watermark = models.CharField(_("last update reached"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    imports = models.ManyToManyField("core.ImportRun", blank=True, related_name="+", verbose_name=_("pages imported"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("SECOP II synchronisation")
        verbose_name_plural = _("SECOP II synchronisations")

    def __str__(self) -> str:
        return f"{self.entity.nit} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("contracting:secop_run", args=[self.pk])

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class SourceRelease(models.Model):
    """One OCDS release of a contract as its publisher sent it, kept so that the compiled release
    (``Contract.release``) can be compiled again, exactly, from all of them in date order when a
    release older than one already merged arrives (``abierta.contracting.importers``), and so that
    the record package can publish each contract's releases (``abierta.contracting.publish``).

    A release is known by its ``id`` and ``date`` (as written: OCDS merges releases sorted by that
    string); the order of arrival (``pk``) breaks ties between releases of the same date. ``data``
    is the release's JSON text, stored as text: it is only read back whole.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="source_releases", verbose_name=_("contract")
    )
    release_id = models.TextField(_("release id"))
    date = models.TextField(_("release date"))
    tag = models.JSONField(_("release tags"), default=list)
    data = models.TextField(_("release (JSON)"))

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("source release")
        verbose_name_plural = _("source releases")
        constraints = [
            models.UniqueConstraint(fields=["contract", "release_id", "date"], name="contracting_sourcerelease_key")
        ]

    def __str__(self) -> str:
        return f"{self.release_id} ({self.date})"
