"""Red flags on contracts and on the contracting entities behind them.

Each flag has a code, a plain explanation, its threshold and its basis (law or method). Evaluating a
flag on a contract has three outcomes: raised, not raised, or not evaluable (the data it needs is
missing). A contract is never "clean" for a flag it could not be evaluated on.

Contract-level flags read the contract's own columns. Entity-level indicators (share of direct
contracting, December and pre-election concentration) are computed per entity with a few
``GROUP BY`` queries; a contract carries the entity-level flag when it is part of what is
concentrated (a direct contract of an entity-year above the threshold, a contract signed in a
December or a pre-election window above it).

``refresh_flags`` stores the codes of the raised flags in ``Contract.flags`` (what search filters
on); the detail page evaluates all of them again to show the three outcomes with their reasons.
Thresholds and their reasons: docs/decisions/0008-contract-search-and-red-flags.md.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Max, Q, QuerySet, Sum, Value, When
from django.db.models.fields import CharField
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from abierta.contracting.models import Contract
from abierta.contracting.text import normalize
from abierta.core.cache import bump_version, edge_version

if TYPE_CHECKING:  # django-stubs is a development dependency: never imported at run time
    from django_stubs_ext import StrOrPromise


class Outcome(StrEnum):
    RAISED = "raised"
    NOT_RAISED = "not_raised"
    NOT_EVALUABLE = "not_evaluable"


class Level(StrEnum):
    CONTRACT = "contract"
    ENTITY = "entity"


@dataclass(frozen=True)
class Flag:
    code: str
    title: StrOrPromise
    explanation: StrOrPromise
    threshold: StrOrPromise
    basis: StrOrPromise
    level: Level


class Evaluation(NamedTuple):
    """A flag's outcome on a contract, and why: the reason is translated and formatted only when read
    (refreshing 100,000 contracts needs the outcomes, not the sentences)."""

    flag: Flag
    outcome: Outcome
    template: str
    context: dict[str, Any] | None = None

    @property
    def reason(self) -> str:
        if not self.context:
            return _g(self.template)
        return _g(self.template) % {k: _format(k, v) for k, v in self.context.items()}


def _format(key: str, value: Any) -> str:
    if key == "pct":
        return number_format((value * 100).quantize(Decimal("0.1"))) + " %"
    if key == "money":
        return "$ " + number_format(value.quantize(Decimal(1)), force_grouping=True)
    if key == "election":
        return ", ".join(e.label for e in value)
    return str(value)


# --- Thresholds ---------------------------------------------------------------------------------

# Ley 80 de 1993, art. 40, parágrafo: additions may not exceed 50% of the initial value.
VALUE_ADDITION_CAP = Decimal("0.5")
# No legal cap on time additions: the same half of the original term, as a method choice.
TIME_ADDITION_THRESHOLD = Decimal("0.5")
# An award at 99.5% of the estimate or more (or above it).
ESTIMATE_RATIO = Decimal("0.995")
# Submission period shorter than this many calendar days, by modality (normalised text).
TENDER_MIN_DAYS_LICITACION = 10
TENDER_MIN_DAYS_MINIMA = 2
TENDER_MIN_DAYS_OTHER = 5
# Entity-level indicators need this many contracts (with a value) in the period to mean anything.
MIN_CONTRACTS = 10
DIRECT_SHARE_THRESHOLD = Decimal("0.5")  # of the value contracted in the year
DECEMBER_SHARE_THRESHOLD = Decimal("0.25")  # three times a uniform month (8.3%)
PRE_ELECTION_SHARE_THRESHOLD = Decimal("0.5")  # of the 12 months before the election; uniform: 33%
PRE_ELECTION_MONTHS = 4  # Ley 996 de 2005 (Ley de Garantías)
BASELINE_MONTHS = 12


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month0 = day.year * 12 + day.month - 1 - months
    year, month = divmod(month0, 12)
    # The same day of the month, or the month's last day (31 May - 4 months = 31 January; 30 June -> 28 Feb).
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError(day)


@dataclass(frozen=True)
class Election:
    day: datetime.date
    kind: str  # "presidential", "congress", "territorial"
    second_round: datetime.date | None = None
    window_start: datetime.date = field(init=False)
    baseline_start: datetime.date = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "window_start", _months_before(self.day, PRE_ELECTION_MONTHS))
        object.__setattr__(self, "baseline_start", _months_before(self.day, BASELINE_MONTHS))

    @property
    def label(self) -> str:
        names = {
            "presidential": _g("presidential election"),
            "congress": _g("Congress election"),
            "territorial": _g("territorial election (governors, mayors, assemblies, councils)"),
        }
        return f"{names[self.kind]} {self.day.isoformat()}"


ELECTIONS = (
    Election(datetime.date(2018, 3, 11), "congress"),
    Election(datetime.date(2018, 5, 27), "presidential", datetime.date(2018, 6, 17)),
    Election(datetime.date(2019, 10, 27), "territorial"),
    Election(datetime.date(2022, 3, 13), "congress"),
    Election(datetime.date(2022, 5, 29), "presidential", datetime.date(2022, 6, 19)),
    Election(datetime.date(2023, 10, 29), "territorial"),
    Election(datetime.date(2026, 3, 8), "congress"),
    Election(datetime.date(2026, 5, 31), "presidential", datetime.date(2026, 6, 21)),
)

PRESIDENTIAL = tuple(e for e in ELECTIONS if e.kind == "presidential")
FIRST_WINDOW = min(e.window_start for e in ELECTIONS)
LAST_ELECTION = max(e.day for e in ELECTIONS)


# --- The flags ----------------------------------------------------------------------------------

SINGLE_BIDDER = Flag(
    "oferente_unico",
    _("Single bidder in a competitive process"),
    _(
        "The process was open to competition, but only one company or person submitted an offer. "
        "Competition is what lowers prices and quality risks; a single offer can mean requirements "
        "written for one bidder, too little publicity, or agreements between companies."
    ),
    _(
        "Raised when a competitive process (public tender, abbreviated selection, merit contest, "
        "minimum amount) received exactly one offer."
    ),
    _(
        "Open Contracting Partnership, Red Flags for Integrity (“single bid received”); Ley 1150 de 2007 "
        "(competitive modalities)."
    ),
    Level.CONTRACT,
)
SHORT_PERIOD = Flag(
    "plazo_corto",
    _("Short submission period"),
    _(
        "Bidders had very few days to prepare their offers. A short period favours whoever knew of "
        "the process in advance."
    ),
    _(
        "Raised when the period to submit offers was shorter than 10 calendar days in a public tender "
        "(licitación pública), 2 in a minimum-amount process (mínima cuantía), or 5 in the other "
        "competitive modalities."
    ),
    _(
        "Open Contracting Partnership, Red Flags for Integrity (“short submission period”); Decreto 1082 "
        "de 2015 sets minimum publication terms for each modality."
    ),
    Level.CONTRACT,
)
DIRECT_SHARE = Flag(
    "contratacion_directa",
    _("High share of direct contracting"),
    _(
        "Direct contracting (without competition) is allowed only in the cases the law lists. When "
        "most of what an entity contracts in a year goes to direct contracts, competition is the "
        "exception rather than the rule."
    ),
    _(
        "Entity level: raised on the direct contracts of an entity and year when direct contracting "
        "is more than 50% of the value the entity contracted that year (with at least 10 contracts "
        "whose modality is known)."
    ),
    _(
        "Ley 1150 de 2007, art. 2 num. 4 (the cases of direct contracting); Open Contracting Partnership, "
        "Red Flags for Integrity (“high share of non-competitive procedures”)."
    ),
    Level.ENTITY,
)
VALUE_ADDITIONS = Flag(
    "adiciones_valor",
    _("Value additions beyond 50% of the original value"),
    _(
        "The contract's value was increased by more than half of what was originally agreed. The law "
        "forbids it: beyond that, the work should have been contracted anew, with competition."
    ),
    _("Raised when the additions exceed 50% of the original value (exactly 50% is not raised)."),
    _(
        "Ley 80 de 1993, art. 40, parágrafo: contracts may not be added by more than 50% of their initial "
        "value, expressed in legal monthly minimum wages. Compared here in pesos, which can overstate "
        "the share of additions made in later years."
    ),
    Level.CONTRACT,
)
TIME_ADDITIONS = Flag(
    "adiciones_plazo",
    _("Large time additions"),
    _(
        "The contract's term was extended by more than half of the original term. Long extensions "
        "delay the work for citizens and often come with more money."
    ),
    _("Raised when the days added exceed 50% of the original term in days (exactly 50% is not raised)."),
    _(
        "No legal cap on time additions; the threshold mirrors the value cap of Ley 80 de 1993, art. 40. "
        "Open Contracting Partnership, Red Flags for Integrity (“contract amendments”)."
    ),
    Level.CONTRACT,
)
CLOSE_TO_ESTIMATE = Flag(
    "valor_cercano_presupuesto",
    _("Award value very close to the estimate"),
    _(
        "In a competitive process, bidders usually offer less than the official budget. An award at "
        "the budget or above it can mean that there was no real price competition, or that the "
        "estimate was known and matched."
    ),
    _("Raised when the awarded value is 99.5% of the estimated value or more, in a competitive process."),
    _("Open Contracting Partnership, Red Flags for Integrity (“award value close to the estimate”)."),
    Level.CONTRACT,
)
DECEMBER = Flag(
    "concentracion_diciembre",
    _("December concentration"),
    _(
        "Signing many contracts in December, at the end of the budget year, can mean rushed "
        "contracting to spend the budget before it lapses."
    ),
    _(
        "Entity level: raised on the contracts an entity signed in December of a year when December "
        "accounts for more than 25% of the value it signed that year (three times an even month), "
        "with at least 10 contracts that year. A year not yet over is not evaluable."
    ),
    _(
        "Decreto 111 de 1996 (annual budget principle: appropriations lapse on 31 December); Open "
        "Contracting Partnership, Red Flags for Integrity."
    ),
    Level.ENTITY,
)
PRE_ELECTION = Flag(
    "concentracion_preelectoral",
    _("Pre-election contracting"),
    _(
        "The Ley de Garantías restricts contracting before elections so that public money is not used "
        "to win votes. Direct contracting is forbidden in the four months before a presidential "
        "election and until its second round, except in the cases the law allows."
    ),
    _(
        "Raised on a direct contract signed in the four months before a presidential election or before "
        "its second round; and on the contracts an entity signed in the four months before any "
        "election when those months account for more than 50% of the value it signed in the twelve "
        "months before that election (an even spread is 33%), with at least 10 contracts."
    ),
    _(
        "Ley 996 de 2005, art. 33 (direct contracting before presidential elections) and art. 38, "
        "parágrafo (territorial entities before any election). Elections: Congress and presidency 2018, "
        "2022 and 2026; territorial 2019 and 2023."
    ),
    Level.ENTITY,
)

FLAGS: tuple[Flag, ...] = (
    SINGLE_BIDDER,
    SHORT_PERIOD,
    DIRECT_SHARE,
    VALUE_ADDITIONS,
    TIME_ADDITIONS,
    CLOSE_TO_ESTIMATE,
    DECEMBER,
    PRE_ELECTION,
)
FLAG_CODES: tuple[str, ...] = tuple(f.code for f in FLAGS)
FLAGS_BY_CODE: dict[str, Flag] = {f.code: f for f in FLAGS}


# --- How a contract was procured ----------------------------------------------------------------


class Method(StrEnum):
    DIRECT = "direct"
    COMPETITIVE = "competitive"
    OTHER = "other"  # known, neither direct nor competitive (special regimes, OCDS "limited")
    UNKNOWN = "unknown"


COMPETITIVE_WORDS = ("licitacion", "seleccion abreviada", "concurso de meritos", "minima cuantia", "subasta")


@functools.lru_cache(maxsize=512)
def method_of(procurement_method: str, modality: str) -> Method:
    """Direct, competitive, other or unknown, from the OCDS method or else the SECOP modality."""
    if procurement_method == "direct":
        return Method.DIRECT
    if procurement_method in ("open", "selective"):
        return Method.COMPETITIVE
    if procurement_method == "limited":
        return Method.OTHER
    text = normalize(modality)
    if not text or text == "no definido":
        return Method.UNKNOWN
    if "contratacion directa" in text:
        return Method.DIRECT
    if any(w in text for w in COMPETITIVE_WORDS):
        return Method.COMPETITIVE
    return Method.OTHER


@functools.lru_cache(maxsize=512)
def tender_min_days(modality: str) -> int:
    text = normalize(modality)
    if "licitacion" in text:
        return TENDER_MIN_DAYS_LICITACION
    if "minima cuantia" in text:
        return TENDER_MIN_DAYS_MINIMA
    return TENDER_MIN_DAYS_OTHER


# --- Entity-level indicators --------------------------------------------------------------------


@dataclass
class Share:
    """A part of a whole (values in COP), over ``contracts`` contracts."""

    part: Decimal = Decimal(0)
    whole: Decimal = Decimal(0)
    contracts: int = 0
    evaluable: bool = True

    @property
    def ratio(self) -> Decimal | None:
        if not self.evaluable or self.contracts < MIN_CONTRACTS or self.whole <= 0:
            return None
        return self.part / self.whole

    @property
    def percent(self) -> Decimal | None:
        r = self.ratio
        return None if r is None else (r * 100).quantize(Decimal("0.1"))

    def outcome(self, threshold: Decimal) -> Outcome:
        r = self.ratio
        if r is None:
            return Outcome.NOT_EVALUABLE
        return Outcome.RAISED if r > threshold else Outcome.NOT_RAISED


@dataclass
class EntityIndicators:
    key: str
    name: str
    direct: dict[int, Share] = field(default_factory=dict)  # by year
    december: dict[int, Share] = field(default_factory=dict)  # by year
    pre_election: dict[datetime.date, Share] = field(default_factory=dict)  # by election day


def _entity_key_expression() -> Case:
    return Case(When(buyer_nit="", then=F("buyer_name")), default=F("buyer_nit"), output_field=CharField())


def entity_key(buyer_nit: str, buyer_name: str) -> str:
    return buyer_nit or buyer_name


def _entity_filter(keys: Iterable[str]) -> Q:
    """The contracts of these entities. NITs and names apart, so that both arms use the NIT index."""
    nits = [k for k in keys if k.isdigit()]
    names = [k for k in keys if not k.isdigit()]
    cond = Q(pk__in=[])
    if nits:
        cond |= Q(buyer_nit__in=nits)
    if names:
        cond |= Q(buyer_nit="", buyer_name__in=names)
    return cond


def compute_indicators(
    keys: Iterable[str] | None = None, *, today: datetime.date | None = None
) -> dict[str, EntityIndicators]:
    """The entity-level indicators of these entities (all when None), from three GROUP BY queries."""
    today = today or timezone.localdate()
    filtered: QuerySet[Contract] = Contract.objects.all()
    if keys is not None:
        filtered = filtered.filter(_entity_filter(keys))
    base: Any = filtered.annotate(ekey=_entity_key_expression())
    result: dict[str, EntityIndicators] = {}

    def get(key: str, name: str) -> EntityIndicators:
        if key not in result:
            result[key] = EntityIndicators(key=key, name=name)
        return result[key]

    # Direct share by entity and year: the method is classified in Python over the distinct
    # (method, modality) pairs, a few dozen, so the rule is written once.
    rows = (
        base.filter(year__isnull=False, value__isnull=False)
        .values("ekey", "year", "procurement_method", "modality")
        .annotate(n=Count("pk"), total=Sum("value"), name=_max_name())
        .order_by()
    )
    for row in rows:
        method = method_of(row["procurement_method"], row["modality"])
        if method is Method.UNKNOWN:
            continue
        ind = get(row["ekey"], row["name"])
        share = ind.direct.setdefault(row["year"], Share())
        share.contracts += row["n"]
        share.whole += row["total"] or 0
        if method is Method.DIRECT:
            share.part += row["total"] or 0

    # December share by entity and year of signature.
    rows = (
        base.filter(signed_on__isnull=False, value__isnull=False)
        .annotate(signed_year=ExtractYear("signed_on"), signed_month=ExtractMonth("signed_on"))
        .values("ekey", "signed_year")
        .annotate(
            n=Count("pk"),
            total=Sum("value"),
            december=Sum(Case(When(signed_month=12, then=F("value")), default=Value(Decimal(0)))),
            name=_max_name(),
        )
        .order_by()
    )
    for row in rows:
        year = row["signed_year"]
        ind = get(row["ekey"], row["name"])
        ind.december[year] = Share(
            part=row["december"] or Decimal(0),
            whole=row["total"] or Decimal(0),
            contracts=row["n"],
            evaluable=today > datetime.date(year, 12, 31),
        )

    # Pre-election windows: value in the 4 months before each election over the 12 months before it.
    sums: dict[str, Any] = {}
    for i, e in enumerate(ELECTIONS):
        in_base = Q(signed_on__gte=e.baseline_start, signed_on__lt=e.day)
        in_window = Q(signed_on__gte=e.window_start, signed_on__lt=e.day)
        sums[f"n{i}"] = Count("pk", filter=in_base)
        sums[f"b{i}"] = Sum("value", filter=in_base)
        sums[f"w{i}"] = Sum("value", filter=in_window)
    rows = (
        base.filter(signed_on__isnull=False, value__isnull=False)
        .values("ekey")
        .annotate(name=_max_name(), **sums)
        .order_by()
    )
    for row in rows:
        ind = get(row["ekey"], row["name"])
        for i, e in enumerate(ELECTIONS):
            if row[f"n{i}"]:
                ind.pre_election[e.day] = Share(
                    part=row[f"w{i}"] or Decimal(0),
                    whole=row[f"b{i}"] or Decimal(0),
                    contracts=row[f"n{i}"],
                    evaluable=today >= e.day,
                )
    return result


def _max_name() -> Max:
    return Max("buyer_name")


def _indicators_key(suffix: str) -> str:
    return f"works:redflag-indicators:{edge_version('contracting')}:{timezone.localdate().isoformat()}:{suffix}"


def cached_indicators() -> dict[str, EntityIndicators]:
    """All entities' indicators, computed once per content version and day (the pages read them).

    The day is part of the key: "the year is not over" and "the election has not happened" change
    with it.
    """
    key = _indicators_key("*")
    found: dict[str, EntityIndicators] | None = cache.get(key)
    if found is None:
        found = compute_indicators()
        cache.set(key, found, 24 * 3600)
    return found


def cached_entity_indicators(entity: str) -> EntityIndicators | None:
    """One entity's indicators: from the all-entities cache if it is there, else computed for it
    alone (a small entity's contracts are a few index lookups, not a pass over the table)."""
    everything: dict[str, EntityIndicators] | None = cache.get(_indicators_key("*"))
    if everything is not None:
        return everything.get(entity)
    key = _indicators_key(hashlib.sha256(entity.encode()).hexdigest()[:32])
    found: tuple[EntityIndicators | None] | None = cache.get(key)
    if found is None:
        found = (compute_indicators([entity]).get(entity),)
        cache.set(key, found, 24 * 3600)
    return found[0]


# --- Evaluating one contract --------------------------------------------------------------------

# The columns evaluation reads (never the release).
COLUMNS = (
    "pk",
    "buyer_nit",
    "buyer_name",
    "procurement_method",
    "modality",
    "bidders",
    "tender_period_days",
    "original_value",
    "value_added",
    "value",
    "estimate_value",
    "days_added",
    "original_term_days",
    "signed_on",
    "year",
    "flags",
)


class Facts(NamedTuple):
    """What the flags read of a contract (a model instance or a ``values_list`` row)."""

    buyer_nit: str
    buyer_name: str
    procurement_method: str
    modality: str
    bidders: int | None
    tender_period_days: int | None
    original_value: Decimal | None
    value_added: Decimal | None
    value: Decimal | None
    estimate_value: Decimal | None
    days_added: int | None
    original_term_days: int | None
    signed_on: datetime.date | None
    year: int | None

    @classmethod
    def of(cls, contract: Contract) -> Facts:
        return cls(*(getattr(contract, name) for name in COLUMNS[1:-1]))


def _competitive_gate(flag: Flag, method: Method) -> Evaluation | None:
    if method is Method.UNKNOWN:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The modality of the process is not known."))
    if method is not Method.COMPETITIVE:
        return Evaluation(flag, Outcome.NOT_RAISED, gettext_noop("Does not apply: the process was not competitive."))
    return None


def _single_bidder(f: Facts, method: Method) -> Evaluation:
    flag = SINGLE_BIDDER
    if gate := _competitive_gate(flag, method):
        return gate
    if f.bidders is None or f.bidders < 1:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The number of offers received is not known."))
    if f.bidders == 1:
        return Evaluation(flag, Outcome.RAISED, gettext_noop("One offer received."))
    return Evaluation(flag, Outcome.NOT_RAISED, gettext_noop("%(n)s offers received."), {"n": f.bidders})


def _short_period(f: Facts, method: Method) -> Evaluation:
    flag = SHORT_PERIOD
    if gate := _competitive_gate(flag, method):
        return gate
    if f.tender_period_days is None or f.tender_period_days < 0:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The submission period is not known."))
    minimum = tender_min_days(f.modality)
    context = {"days": f.tender_period_days, "min": minimum}
    if f.tender_period_days < minimum:
        return Evaluation(
            flag, Outcome.RAISED, gettext_noop("%(days)s days to submit offers (fewer than %(min)s)."), context
        )
    return Evaluation(
        flag, Outcome.NOT_RAISED, gettext_noop("%(days)s days to submit offers (%(min)s or more)."), context
    )


def _value_additions(f: Facts) -> Evaluation:
    flag = VALUE_ADDITIONS
    if f.original_value is None or f.original_value <= 0:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The original value is not known."))
    if f.value_added is None:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The additions in value are not known."))
    ratio = f.value_added / f.original_value
    outcome = Outcome.RAISED if ratio > VALUE_ADDITION_CAP else Outcome.NOT_RAISED
    return Evaluation(
        flag,
        outcome,
        gettext_noop("%(money)s added: %(pct)s of the original value."),
        {"money": f.value_added, "pct": ratio},
    )


def _time_additions(f: Facts) -> Evaluation:
    flag = TIME_ADDITIONS
    if f.original_term_days is None or f.original_term_days <= 0:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The original term is not known."))
    if f.days_added is None:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The days added are not known."))
    ratio = Decimal(f.days_added) / Decimal(f.original_term_days)
    outcome = Outcome.RAISED if ratio > TIME_ADDITION_THRESHOLD else Outcome.NOT_RAISED
    context = {"days": f.days_added, "term": f.original_term_days, "pct": ratio}
    return Evaluation(flag, outcome, gettext_noop("%(days)s days added to a term of %(term)s days (%(pct)s)."), context)


def _close_to_estimate(f: Facts, method: Method) -> Evaluation:
    flag = CLOSE_TO_ESTIMATE
    if gate := _competitive_gate(flag, method):
        return gate
    if f.estimate_value is None or f.estimate_value <= 0:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The estimated value is not known."))
    if f.original_value is None or f.original_value <= 0:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The awarded value is not known."))
    ratio = f.original_value / f.estimate_value
    outcome = Outcome.RAISED if ratio >= ESTIMATE_RATIO else Outcome.NOT_RAISED
    return Evaluation(flag, outcome, gettext_noop("Awarded at %(pct)s of the estimate."), {"pct": ratio})


def _direct_share(f: Facts, method: Method, ind: EntityIndicators | None) -> Evaluation:
    flag = DIRECT_SHARE
    if method is Method.UNKNOWN:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The modality of the process is not known."))
    if method is not Method.DIRECT:
        return Evaluation(
            flag, Outcome.NOT_RAISED, gettext_noop("Does not apply: this contract was not a direct contract.")
        )
    share = ind.direct.get(f.year) if (ind is not None and f.year is not None) else None
    if share is None or share.ratio is None:
        return Evaluation(
            flag,
            Outcome.NOT_EVALUABLE,
            gettext_noop(
                "Too few contracts of this entity with a known modality and value that year (fewer than %(n)s)."
            ),
            {"n": MIN_CONTRACTS},
        )
    return Evaluation(
        flag,
        share.outcome(DIRECT_SHARE_THRESHOLD),
        gettext_noop("Direct contracting was %(pct)s of the value this entity contracted in %(year)s."),
        {"pct": share.ratio, "year": f.year},
    )


def _december(f: Facts, ind: EntityIndicators | None) -> Evaluation:
    flag = DECEMBER
    if f.signed_on is None:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The signing date is not known."))
    if f.signed_on.month != 12:
        return Evaluation(flag, Outcome.NOT_RAISED, gettext_noop("Not signed in December."))
    share = ind.december.get(f.signed_on.year) if ind is not None else None
    if share is not None and not share.evaluable:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The year is not over yet."))
    if share is None or share.ratio is None:
        return Evaluation(
            flag,
            Outcome.NOT_EVALUABLE,
            gettext_noop("Too few contracts of this entity with a date and value that year (fewer than %(n)s)."),
            {"n": MIN_CONTRACTS},
        )
    return Evaluation(
        flag,
        share.outcome(DECEMBER_SHARE_THRESHOLD),
        gettext_noop("Signed in December, which held %(pct)s of the value this entity signed in %(year)s."),
        {"pct": share.ratio, "year": f.signed_on.year},
    )


def _pre_election(f: Facts, method: Method, ind: EntityIndicators | None) -> Evaluation:
    flag = PRE_ELECTION
    if f.signed_on is None:
        return Evaluation(flag, Outcome.NOT_EVALUABLE, gettext_noop("The signing date is not known."))
    signed = f.signed_on
    # The legal rule first: direct contracting before a presidential election (Ley 996, art. 33).
    for e in PRESIDENTIAL:
        if e.window_start <= signed <= (e.second_round or e.day):
            if method is Method.DIRECT:
                return Evaluation(
                    flag,
                    Outcome.RAISED,
                    gettext_noop("A direct contract signed in the restricted period before the %(election)s."),
                    {"election": [e]},
                )
            if method is Method.UNKNOWN:
                return Evaluation(
                    flag,
                    Outcome.NOT_EVALUABLE,
                    gettext_noop("Signed in the restricted period before the %(election)s; the modality is not known."),
                    {"election": [e]},
                )
    if not FIRST_WINDOW <= signed < LAST_ELECTION:
        return Evaluation(flag, Outcome.NOT_RAISED, gettext_noop("Not signed in the four months before an election."))
    windows = [e for e in ELECTIONS if e.window_start <= signed < e.day]
    if not windows:
        return Evaluation(flag, Outcome.NOT_RAISED, gettext_noop("Not signed in the four months before an election."))
    not_evaluable: list[Election] = []
    compared: Evaluation | None = None
    for e in windows:
        share = ind.pre_election.get(e.day) if ind is not None else None
        if share is None or share.ratio is None:
            not_evaluable.append(e)
            continue
        compared = Evaluation(
            flag,
            share.outcome(PRE_ELECTION_SHARE_THRESHOLD),
            gettext_noop(
                "Signed in the four months before the %(election)s, which held %(pct)s of the value this "
                "entity signed in the twelve months before it."
            ),
            {"election": [e], "pct": share.ratio},
        )
        if compared.outcome is Outcome.RAISED:
            return compared
    if not_evaluable:
        return Evaluation(
            flag,
            Outcome.NOT_EVALUABLE,
            gettext_noop(
                "Signed in the four months before the %(election)s: too few contracts of this entity to "
                "compare, or the election has not happened yet."
            ),
            {"election": not_evaluable},
        )
    assert compared is not None  # noqa: S101 - windows is not empty and every one was compared
    return compared


def evaluate(f: Facts, indicators: dict[str, EntityIndicators]) -> list[Evaluation]:
    """Every flag on one contract, in the order of ``FLAGS``."""
    method = method_of(f.procurement_method, f.modality)
    ind = indicators.get(entity_key(f.buyer_nit, f.buyer_name))
    return [
        _single_bidder(f, method),
        _short_period(f, method),
        _direct_share(f, method, ind),
        _value_additions(f),
        _time_additions(f),
        _close_to_estimate(f, method),
        _december(f, ind),
        _pre_election(f, method, ind),
    ]


def raised_codes(f: Facts, indicators: dict[str, EntityIndicators]) -> list[str]:
    return [e.flag.code for e in evaluate(f, indicators) if e.outcome is Outcome.RAISED]


def contract_evaluations(contract: Contract) -> list[Evaluation]:
    """The three-outcome evaluation of a contract shown on its page."""
    key = entity_key(contract.buyer_nit, contract.buyer_name)
    indicators = cached_entity_indicators(key)
    return evaluate(Facts.of(contract), {key: indicators} if indicators is not None else {})


# --- Storing the raised flags -------------------------------------------------------------------

CHUNK = 2000


def _rows(qs: QuerySet[Contract]) -> Iterator[tuple[Any, ...]]:
    yield from qs.values_list(*COLUMNS).order_by("pk").iterator(chunk_size=CHUNK)


def refresh_flags(contract_ids: Iterable[int] | None = None) -> None:
    """Recompute ``Contract.flags`` for these contracts (all when None). Called by the importers.

    Entity-level flags depend on an entity's other contracts, so every contract of the entities
    of ``contract_ids`` is re-evaluated. Reads only the columns flags need, a chunk at a time, and
    writes only the rows whose flags changed, in batches.
    """
    qs: QuerySet[Contract] = Contract.objects.all()
    keys: set[str] | None = None
    if contract_ids is not None:
        ids = list(contract_ids)
        if not ids:
            return
        keys = set()
        for start in range(0, len(ids), CHUNK):
            for nit, name in Contract.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
                "buyer_nit", "buyer_name"
            ):
                keys.add(entity_key(nit, name))
        qs = qs.filter(_entity_filter(keys))
    indicators = compute_indicators(keys)
    changed: list[Contract] = []
    any_change = False
    for row in _rows(qs):
        pk, current = row[0], row[-1]
        codes = raised_codes(Facts(*row[1:-1]), indicators)
        if codes != current:
            changed.append(Contract(pk=pk, flags=codes))
            if len(changed) >= CHUNK:
                _write(changed)
                any_change = True
                changed = []
    if changed:
        _write(changed)
        any_change = True
    if any_change:
        # bulk_update sends no signal: make cached public pages show the new flags.
        bump_version(sender=Contract)


def _write(contracts: list[Contract]) -> None:
    if connection.vendor == "postgresql":
        # One UPDATE … FROM (VALUES …) per chunk: bulk_update's CASE over 2,000 ids is much slower.
        values = ", ".join(["(%s, %s::jsonb)"] * len(contracts))
        params: list[Any] = []
        for c in contracts:
            params += [c.pk, json.dumps(c.flags)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Contract._meta.db_table} AS c SET flags = v.flags FROM (VALUES {values}) AS v(id, flags) "  # noqa: S608
                "WHERE c.id = v.id",
                params,
            )
        return
    Contract.objects.bulk_update(contracts, ["flags"], batch_size=500)
