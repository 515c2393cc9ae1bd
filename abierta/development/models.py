"""Gestión Abierta: the development plan as a tree (pillar → programme → goal) and the dated
measurements of each goal's indicator. Progress is computed from them (abierta/development/progress.py),
never typed in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.core.history import scope_of
from abierta.core.models import Institution


def weight_field() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Relative to its siblings; equal weights if all are equal."),
    )


class DevelopmentPlan(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("development:plan", kwargs={"slug": self.slug})

    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


class Pillar(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = weight_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="pillar_code_per_plan")]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    weight = weight_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["pillar", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="programme_code_per_pillar")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def goal_plan_order(prefix: str = "") -> tuple[str, ...]:
    """``order_by`` fields that list goals as the plan declares them: by pillar, programme, goal.
    ``prefix`` reaches the goal from another model, e.g. ``"goal__"`` for measurements."""
    fields = ("programme__pillar__order", "programme__pillar__code", "programme__order", "programme__code")
    return tuple(f"{prefix}{f}" for f in (*fields, "order", "code"))


class Goal(models.Model):
    """A goal (meta) of the plan, measured by one indicator."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    class Accumulation(models.TextChoices):
        # Each measurement is the indicator's level at its date (a rate, a percentage, a stock).
        POINT = "point", _("Point in time")
        # Each measurement is what was achieved in its own period; the level is their sum.
        CUMULATIVE = "cumulative", _("Cumulative")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="goals")
    # The programme's plan, kept here so the database enforces one code per plan (goal URLs use it).
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals", editable=False)
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("goal"), max_length=500)
    indicator = models.CharField(_("indicator"), max_length=500)
    unit = models.CharField(_("unit"), max_length=60)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    accumulation = models.CharField(
        _("kind of indicator"), max_length=12, choices=Accumulation.choices, default=Accumulation.POINT
    )
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target for the period"), max_digits=20, decimal_places=4)
    responsible = models.ForeignKey(
        Institution, verbose_name=_("responsible office"), on_delete=models.PROTECT, related_name="goals"
    )
    budget = models.DecimalField(
        _("budget (COP)"), max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    weight = weight_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    commitments = models.ManyToManyField(
        "plans.Commitment", verbose_name=_("OGP commitments that serve this goal"), related_name="goals", blank=True
    )
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("title", "indicator", "unit", "direction", "accumulation", "baseline", "target", "responsible")

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="goal_code_per_plan")]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.plan_id = self.programme.pillar.plan_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("development:goal", kwargs={"slug": self.plan.slug, "code": self.code})

    def history_scope(self) -> str:
        return scope_of(self)


class YearTarget(models.Model):
    """The goal's target for one year of the period, as the plan declares it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="year_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["goal", "year"]
        constraints = [models.UniqueConstraint(fields=["goal", "year"], name="year_target_once")]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")

    def __str__(self) -> str:
        return f"{self.goal.code} {self.year}: {self.target}"


class Measurement(models.Model):
    """A dated value of the goal's indicator, with where it comes from."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("date", "value", "source", "source_url", "note")

    class Meta:
        ordering = ["goal", "date"]
        constraints = [models.UniqueConstraint(fields=["goal", "date"], name="measurement_once_per_date")]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.goal.code} {self.date:%Y-%m-%d}: {self.value}"

    def history_scope(self) -> str:
        return scope_of(self.goal)
