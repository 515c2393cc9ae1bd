"""Operations on procurement plans: matching plan lines to the contracts that carried them out, and
the "planned vs contracted" comparison shown on a plan's page.

The matching rule (docs/decisions/0012-procurement-plans.md explains its limits): a contract carries
out a plan line when

1. the contract's buyer NIT is the plan's entity NIT and the contract's year is the plan's year;
2. the contract's main UNSPSC code and one of the line's codes are in the same class (same first 6
   digits: segment, family and class);
3. the contract's original value (before additions; its value when there is none) is between
   ``VALUE_LOWER`` and ``VALUE_UPPER`` times the line's estimated total value.

Each contract carries out at most one line and each line is carried out by at most one contract.
Contracts are taken in the order they were signed; each takes, among the free lines that qualify,
the one whose value is closest (relative difference), then the one whose estimated start month is
closest to the month the contract was signed, then the first in the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum

from abierta.contracting.models import Contract
from abierta.core.cache import bump_version
from abierta.procurement.models import PlanLine, ProcurementPlan

VALUE_LOWER = Decimal("0.70")
VALUE_UPPER = Decimal("1.10")

_EIGHT_DIGITS = re.compile(r"(?<!\d)(\d{8})(?!\d)")


def unspsc_class(code: str) -> str:
    """The class (first 6 digits) of a UNSPSC code as SECOP writes it: "80111600", "V1.80111600"."""
    found = _EIGHT_DIGITS.search(code or "")
    return found.group(1)[:6] if found else ""


@dataclass
class MatchSummary:
    lines: int = 0
    contracts: int = 0
    candidates: int = 0  # contracts of the entity that year


@dataclass(order=True)
class _Candidate:
    value: Decimal
    line: int
    pk: int = field(compare=False)
    start_month: int | None = field(compare=False)


def _contract_amount(value: Decimal | None, original: Decimal | None) -> Decimal | None:
    amount = original if original is not None and original > 0 else value
    return amount if amount is not None and amount > 0 else None


@transaction.atomic
def plan_match_contracts(*, plan: ProcurementPlan) -> MatchSummary:
    """Recompute which of the plan's lines became contracts (the rule is in the module docstring)."""
    through = PlanLine.contracts.through
    # One statement, no per-row delete signals (each would bump the page-cache version).
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(through._meta.db_table)} WHERE planline_id IN "  # noqa: S608
            f"(SELECT id FROM {connection.ops.quote_name(PlanLine._meta.db_table)} WHERE plan_id = %s)",
            [plan.pk],
        )
    summary = MatchSummary()
    if not plan.entity_nit:
        bump_version(sender=PlanLine)
        return summary
    by_class: dict[str, list[_Candidate]] = {}
    lines = PlanLine.objects.filter(plan=plan, total_value__gt=0).values_list(
        "pk", "line", "unspsc_codes", "total_value", "start_month"
    )
    for pk, number, codes, planned, month in lines.iterator(chunk_size=2000):
        for cls in {c[:6] for c in codes.split(";") if len(c) >= 6}:
            by_class.setdefault(cls, []).append(_Candidate(value=planned, line=number, pk=pk, start_month=month))
    for candidates in by_class.values():
        candidates.sort()
    taken: set[int] = set()
    links = []
    contracts = (
        Contract.objects.filter(buyer_nit=plan.entity_nit, year=plan.year)
        .order_by("signed_on", "pk")
        .values_list("pk", "category_code", "value", "original_value", "signed_on")
    )
    for contract_pk, code, value, original, signed in contracts.iterator(chunk_size=2000):
        summary.candidates += 1
        amount = _contract_amount(value, original)
        candidates = by_class.get(unspsc_class(code), [])
        if amount is None or not candidates:
            continue
        values = [c.value for c in candidates]
        low = bisect.bisect_left(values, amount / VALUE_UPPER)
        high = bisect.bisect_right(values, amount / VALUE_LOWER)
        best: tuple[Decimal, int, int] | None = None
        chosen: _Candidate | None = None
        for candidate in candidates[low:high]:
            if candidate.pk in taken or not (candidate.value * VALUE_LOWER <= amount <= candidate.value * VALUE_UPPER):
                continue
            month_gap = abs(candidate.start_month - signed.month) if candidate.start_month and signed else 12
            key = (abs(candidate.value - amount) / candidate.value, month_gap, candidate.line)
            if best is None or key < best:
                best, chosen = key, candidate
        if chosen is not None:
            taken.add(chosen.pk)
            links.append(through(planline_id=chosen.pk, contract_id=contract_pk))
    through.objects.bulk_create(links, batch_size=1000)
    summary.lines = summary.contracts = len(links)
    bump_version(sender=PlanLine)
    return summary


def plans_match_contracts(*, plans: QuerySet[ProcurementPlan] | None = None) -> dict[ProcurementPlan, MatchSummary]:
    """Match every plan (after contracts are imported): ``abierta paa_match``."""
    found = plans if plans is not None else ProcurementPlan.objects.all()
    return {plan: plan_match_contracts(plan=plan) for plan in found.order_by("year", "entity_name")}


@dataclass
class Comparison:
    """Planned vs contracted for one plan."""

    evaluable: bool
    lines: int
    planned: Decimal
    lines_contracted: int
    planned_contracted: Decimal  # estimated value of the lines that became contracts
    contracted: Decimal  # value of the contracts that carried out plan lines
    contracts: int
    outside_count: int
    outside_value: Decimal
    outside: list[Contract]

    @property
    def planned_share(self) -> int | None:
        """Per cent of the planned value that became contracts."""
        if not self.planned:
            return None
        return round(self.planned_contracted * 100 / self.planned)

    @property
    def outside_share(self) -> int | None:
        """Per cent of the entity's contracting that year that was outside the plan."""
        total = self.contracted + self.outside_value
        if not total:
            return None
        return round(self.outside_value * 100 / total)


def plan_comparison(*, plan: ProcurementPlan, outside_shown: int = 20) -> Comparison:
    zero = Decimal(0)
    totals = PlanLine.objects.filter(plan=plan).aggregate(
        lines=Count("pk"),
        planned=Sum("total_value"),
    )
    matched = PlanLine.objects.filter(plan=plan, contracts__isnull=False).distinct()
    matched_totals = PlanLine.objects.filter(pk__in=matched.values("pk")).aggregate(
        n=Count("pk"), planned=Sum("total_value")
    )
    linked = Contract.objects.filter(plan_lines__plan=plan).distinct()
    linked_totals = Contract.objects.filter(pk__in=linked.values("pk")).aggregate(n=Count("pk"), value=Sum("value"))
    if plan.entity_nit:
        outside_qs = (
            Contract.objects.filter(buyer_nit=plan.entity_nit, year=plan.year)
            .exclude(Q(pk__in=linked.values("pk")))
            .order_by("-value", "pk")
        )
        outside_totals = outside_qs.aggregate(n=Count("pk"), value=Sum("value"))
        outside = list(outside_qs[:outside_shown])
    else:
        outside_totals, outside = {"n": 0, "value": None}, []
    return Comparison(
        evaluable=bool(plan.entity_nit),
        lines=totals["lines"] or 0,
        planned=totals["planned"] or zero,
        lines_contracted=matched_totals["n"] or 0,
        planned_contracted=matched_totals["planned"] or zero,
        contracted=linked_totals["value"] or zero,
        contracts=linked_totals["n"] or 0,
        outside_count=outside_totals["n"] or 0,
        outside_value=outside_totals["value"] or zero,
        outside=outside,
    )
