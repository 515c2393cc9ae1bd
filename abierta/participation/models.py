"""Co-creation of an action plan: working tables and the initiatives they produced.

This is the part the action plan needs to tell its story (which tables elected the committee,
which initiatives went to the consultation). Proposals, evaluation and the consultation itself
come with the co-creation issue.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingTable(models.Model):
    class Sector(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Organised civil society")
        ACADEMIA = "academia", _("Academia")
        POPULATION = "population", _("Population groups")
        COMMUNAL = "communal", _("Communal sector")
        POLITICAL = "political", _("Political sector")

    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE, related_name="working_tables")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    group = models.CharField(
        _("population group or territory"),
        max_length=200,
        blank=True,
        help_text=_("For example: youth, women, Unidad Comunera de Gobierno 3, rural area."),
    )
    held_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    proposals_count = models.PositiveIntegerField(_("proposals gathered"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="working_table_number")]
        verbose_name = _("working table")
        verbose_name_plural = _("working tables")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Initiative(models.Model):
    """One of the initiatives shortlisted after analysing the tables' proposals."""

    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE, related_name="initiatives")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    shortlisted = models.BooleanField(_("shortlisted for the consultation"), default=True)
    selected = models.BooleanField(_("chosen in the consultation"), default=False)
    commitment = models.ForeignKey(
        "plans.Commitment",
        verbose_name=_("commitment it became"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="initiative_number")]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title
