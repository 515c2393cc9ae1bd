"""Annual procurement plans (Plan Anual de Adquisiciones, PAA) and the Feria de la Transparencia."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.contracting.models import Contract
from abierta.core.models import Institution


class ProcurementPlan(models.Model):
    """One entity's PAA for one year, as published in SECOP II."""

    entity_name = models.CharField(_("entity"), max_length=300)
    entity_nit = models.CharField(_("entity NIT"), max_length=30, blank=True, db_index=True)
    office = models.ForeignKey(
        Institution,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurement_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        ordering = ["-year", "entity_name"]
        verbose_name = _("annual procurement plan")
        verbose_name_plural = _("annual procurement plans")
        constraints = [
            models.UniqueConstraint(fields=["entity_name", "year"], name="procurement_plan_entity_year"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:plan", args=[self.pk])


class PlanLine(models.Model):
    """One acquisition of a plan (a row of the SECOP II "Adquisiciones" sheet)."""

    plan = models.ForeignKey(ProcurementPlan, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField(_("line in the file"))
    unspsc_codes = models.TextField(_("UNSPSC codes"), blank=True)
    description = models.TextField(_("description"))
    start_month = models.PositiveSmallIntegerField(_("estimated start month"), null=True, blank=True)
    offer_month = models.PositiveSmallIntegerField(_("estimated offer month"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(_("duration unit"), max_length=20, blank=True)
    modality = models.CharField(_("selection modality"), max_length=160, blank=True, db_index=True)
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True, db_index=True)
    total_value = models.DecimalField(_("estimated total value (COP)"), max_digits=20, decimal_places=2)
    current_year_value = models.DecimalField(
        _("estimated value this year (COP)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    future_funds = models.BooleanField(_("requires future-year funds"), default=False)
    future_funds_status = models.CharField(_("future-year funds request status"), max_length=100, blank=True)
    unit = models.CharField(_("contracting unit"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    responsible_name = models.CharField(_("responsible person"), max_length=200, blank=True)
    responsible_phone = models.CharField(_("responsible's phone"), max_length=60, blank=True)
    responsible_email = models.CharField(_("responsible's email"), max_length=200, blank=True)
    row_hash = models.CharField(max_length=64)
    contracts = models.ManyToManyField(Contract, blank=True, related_name="plan_lines")

    class Meta:
        ordering = ["plan", "line"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [models.UniqueConstraint(fields=["plan", "line"], name="procurement_line_unique")]

    def __str__(self) -> str:
        return f"{self.plan} #{self.line}"


class Fair(models.Model):
    """A "Feria de la Transparencia": the day offices present their procurement plans to the public."""

    title = models.CharField(_("title"), max_length=300)
    date = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    offices = models.ManyToManyField(Institution, verbose_name=_("offices presenting"), blank=True, related_name="+")
    plans = models.ManyToManyField(ProcurementPlan, verbose_name=_("plans shown"), blank=True, related_name="fairs")

    class Meta:
        ordering = ["-date"]
        verbose_name = _("Feria de la Transparencia")
        verbose_name_plural = _("Ferias de la Transparencia")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procurement:fair", args=[self.pk])
