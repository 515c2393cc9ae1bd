"""The citizen consultation: voting codes, casting a vote, the count, the ballot file, the winner.

One person, one vote, across the web and the in-person tables: a voter is known only by
``voter_hash`` (HMAC-SHA256 of their normalised document under a server key), and the database's
unique constraint on (consultation, document_hash) decides who voted first. The ``Voter`` and the
``Ballot`` rows are written in one transaction and share nothing (models.py explains why).

The ballot file is the published record: canonical JSON (sorted keys, no spaces, UTF-8), ballots
sorted by receipt hash; its SHA-256 digest is printed on the results page, and scripts/recount.py
recounts it with the Python standard library alone.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from abierta.core import ratelimit
from abierta.core.receipts import new_receipt, normalize_receipt
from abierta.participation.consultation import otp
from abierta.participation.models import (
    Ballot,
    Consultation,
    ContactBinding,
    Initiative,
    RollEntry,
    VoteCode,
    Voter,
)
from abierta.plans.models import Commitment

logger = logging.getLogger(__name__)


class DocumentType(models.TextChoices):
    CC = "CC", _("Citizenship card (CC)")
    CE = "CE", _("Foreigner ID card (CE)")
    TI = "TI", _("Identity card for minors (TI)")
    PA = "PA", _("Passport (PA)")
    PPT = "PPT", _("Temporary protection permit (PPT)")


class AgeBand(models.TextChoices):
    TEEN = "14-17", _("14 to 17")
    YOUNG = "18-28", _("18 to 28")
    ADULT = "29-59", _("29 to 59")
    OLDER = "60+", _("60 or older")


class Sector(models.TextChoices):
    CITIZEN = "citizen", _("Citizen, on my own")
    CIVIL_SOCIETY = "civil_society", _("Organised civil society")
    ACADEMIA = "academia", _("Academia")
    COMMUNAL = "communal", _("Communal sector")
    PRIVATE = "private", _("Private sector")
    PUBLIC = "public", _("Public servant")


class ChoiceError(ValueError):
    """The choices are not 1 to max_choices distinct shortlisted initiatives."""


class CodeResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # no live code: never requested, expired or already used
    TOO_MANY = "too_many"  # this code's attempts are used up


class TieError(Exception):
    """Two or more initiatives share the most votes: the winner cannot be adopted automatically."""


# ---------------------------------------------------------------- identity and codes


def _voter_key() -> bytes:
    configured: str = settings.ABIERTA_VOTER_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.blake2b(
        b"voter-hash", key=settings.SECRET_KEY.encode()[:64], digest_size=32, person=b"abierta-voter"
    ).digest()


def normalise_document(document_type: str, document_number: str) -> str:
    """The one canonical form of a person's document: the number alone, whatever the type label.

    Spaces, dots and dashes go, letters are upper-cased and leading zeros are dropped, so that
    ``CC 98.765.432``, ``CE 098765432`` and ``0098765432`` are one identity. The type is left out on
    purpose: a label the voter chooses must not make a second identity (it is still asked, for the
    record and for an external verifier).
    """
    number = re.sub(r"[^0-9A-Za-z]", "", document_number).upper()
    return number.lstrip("0") or "0"


def voter_hash(document_type: str, document_number: str) -> str:
    """HMAC-SHA256 of the canonical document: ``CC 1.234.567``, ``ce01234567`` and ``1234567`` are one voter."""
    message = f"document:{normalise_document(document_type, document_number)}".encode()
    return hmac.new(_voter_key(), message, hashlib.sha256).hexdigest()


GMAIL_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise_contact(contact: str) -> str:
    """One form per mailbox or phone: ``Ana.Perez+voto@GMail.com`` is ``anaperez@gmail.com``.

    An email is lower-cased and loses its ``+tag`` (plus-addressing delivers every tag to one
    mailbox at Gmail, Outlook, Proton, Fastmail and others); at Gmail dots do not count either. A
    phone keeps its digits, and a Colombian mobile written without the country code gets it (57).
    """
    value = contact.strip().lower()
    if "@" in value:
        local, _at, domain = value.rpartition("@")
        local = local.split("+", 1)[0]
        if domain in GMAIL_DOMAINS:
            domain = GMAIL_DOMAINS[domain]
            local = local.replace(".", "")
        return f"{local}@{domain}"
    digits = re.sub(r"\D", "", value)
    if len(digits) == 10 and digits.startswith("3"):
        digits = "57" + digits
    return digits


def contact_hash(consultation_id: int, contact: str) -> str:
    """HMAC-SHA256 of the normalised contact, bound to the consultation (not comparable across them)."""
    message = f"contact:{consultation_id}:{normalise_contact(contact)}".encode()
    return hmac.new(_voter_key(), message, hashlib.sha256).hexdigest()


def normalise_fact(value: datetime.date) -> str:
    return value.isoformat()


def roll_hash(consultation_id: int, document_number: str, fact: datetime.date) -> str:
    """HMAC-SHA256 of one person of the voter roll: the canonical document and the second fact together."""
    message = f"roll:{consultation_id}:{normalise_document('', document_number)}:{normalise_fact(fact)}".encode()
    return hmac.new(_voter_key(), message, hashlib.sha256).hexdigest()


def _code_hash(consultation_id: int, document_hash: str, code: str) -> str:
    message = f"code:{consultation_id}:{document_hash}:{code}".encode()
    return hmac.new(_voter_key(), message, hashlib.sha256).hexdigest()


class Refusal(enum.Enum):
    """Why no code was sent (each has its Spanish message in the vote view)."""

    DOCUMENT = "document"  # too many codes for this document in the hour
    CONTACT = "contact"  # too many codes to this email or phone in the hour
    SOURCE = "source"  # too many codes asked from this network address in the hour
    BUSY = "busy"  # the whole site's per-minute cap
    CONTACT_BOUND = "contact-bound"  # this contact already asked a code for another document
    NOT_VERIFIED = "not-verified"  # level 2: not on the roll or wrong second fact; level 3: the verifier said no
    TOO_MANY_FAILURES = "too-many-failures"  # level 2/3: too many refused checks of this document
    VERIFIER_DOWN = "verifier-down"  # level 3: the verifier could not answer


class CodeRefused(Exception):
    def __init__(self, reason: Refusal, retry_after: int = 0) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Document:
    """What an identity verifier is given: the type label as chosen and the canonical number."""

    type: str
    number: str


class IdentityVerifier(Protocol):
    """Level 3: a city's own check of who may vote (a Registraduría service, a municipal registry…).

    ``facts`` holds what the voter typed besides the document (``{"second_fact": "YYYY-MM-DD"}``).
    Return True to send the code, False to refuse; raise any exception when the service cannot
    answer (the voter is asked to try later).
    """

    def verify(self, consultation: Consultation, document: Document, facts: dict[str, str]) -> bool: ...


def verifier() -> IdentityVerifier:
    """The class named by ``ABIERTA_VOTE_VERIFIER``; ImproperlyConfigured when it is not set."""
    name: str = settings.ABIERTA_VOTE_VERIFIER
    if not name:
        raise ImproperlyConfigured("ABIERTA_VOTE_VERIFIER is not set: level 3 consultations need it.")
    instance: IdentityVerifier = import_string(name)()
    return instance


def _limited(key: str, limit: int, length: int) -> int:
    """0 if ``key`` may have one more in its clock-aligned window of ``length`` seconds, else the
    seconds until the window ends."""
    window, left = ratelimit.fixed_window(length)
    if ratelimit.count(f"{key}:{window}") >= limit:
        return left
    return 0


def _count(key: str, length: int) -> None:
    window, left = ratelimit.fixed_window(length)
    ratelimit.hit(f"{key}:{window}", window=left + 5)


def _identity_check(
    consultation: Consultation, document_type: str, document_number: str, document_hash: str, facts: dict[str, str]
) -> None:
    """Levels 2 and 3: the document must pass the roll or the verifier; failures are counted per document."""
    level = consultation.assurance
    if level == Consultation.Assurance.CODE:
        return
    failures_key = f"vote-code:failures:{consultation.pk}:{document_hash}"
    retry = _limited(failures_key, settings.ABIERTA_VOTE_IDENTITY_FAILURES_PER_HOUR, 3600)
    if retry:
        raise CodeRefused(Refusal.TOO_MANY_FAILURES, retry)
    if level == Consultation.Assurance.ROLL:
        fact = facts.get("second_fact", "")
        try:
            day = datetime.date.fromisoformat(fact)
        except ValueError:
            passed = False
        else:
            passed = RollEntry.objects.filter(
                consultation=consultation, entry_hash=roll_hash(consultation.pk, document_number, day)
            ).exists()
    else:
        document = Document(
            type=document_type.strip().upper(), number=normalise_document(document_type, document_number)
        )
        try:
            passed = bool(verifier().verify(consultation, document, dict(facts)))
        except ImproperlyConfigured as exc:
            logger.error("Level 3 consultation %s without a verifier: %s", consultation.pk, exc)
            raise CodeRefused(Refusal.VERIFIER_DOWN, 300) from exc
        except Exception as exc:
            logger.warning("The identity verifier failed: %s", type(exc).__name__)
            raise CodeRefused(Refusal.VERIFIER_DOWN, 300) from exc
    if not passed:
        _count(failures_key, 3600)
        raise CodeRefused(Refusal.NOT_VERIFIED)


def code_request(
    *,
    consultation: Consultation,
    document_type: str,
    document_number: str,
    contact: str,
    source: str = "",
    facts: dict[str, str] | None = None,
) -> str:
    """Send a fresh code to ``contact``; return the document hash, or raise CodeRefused.

    Checked in this order, each refusal counting nothing further down: the network address
    ``source`` (``ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR``), the contact (``…_PER_CONTACT_PER_HOUR``),
    the whole site (``ABIERTA_VOTE_CODES_PER_MINUTE``), the contact's bound document (a contact asks
    codes for one document per consultation), the roll or the verifier (levels 2 and 3), and the
    document (``ABIERTA_VOTE_CODES_PER_HOUR``).

    Earlier codes of the same document stop working. The contact is passed to the gateway; only its
    keyed hash is kept, with the document's, in ``ContactBinding``.
    """
    document_hash = voter_hash(document_type, document_number)
    bound_contact = contact_hash(consultation.pk, contact)
    source_key = f"vote-code:source:{source or '-'}"
    contact_key = f"vote-code:contact:{consultation.pk}:{bound_contact}"
    global_key = "vote-code:all"
    for key, limit, length, reason in (
        (source_key, settings.ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR, 3600, Refusal.SOURCE),
        (contact_key, settings.ABIERTA_VOTE_CODES_PER_CONTACT_PER_HOUR, 3600, Refusal.CONTACT),
        (global_key, settings.ABIERTA_VOTE_CODES_PER_MINUTE, 60, Refusal.BUSY),
    ):
        retry = _limited(key, limit, length)
        if retry:
            raise CodeRefused(reason, retry)
    binding = ContactBinding.objects.filter(consultation=consultation, contact_hash=bound_contact).first()
    if binding is not None and not hmac.compare_digest(binding.document_hash, document_hash):
        raise CodeRefused(Refusal.CONTACT_BOUND)
    _identity_check(consultation, document_type, document_number, document_hash, facts or {})
    now = timezone.now()
    recent = VoteCode.objects.filter(
        consultation=consultation,
        document_hash=document_hash,
        expires_at__gt=now - datetime.timedelta(hours=1) + code_lifetime(),
    ).count()
    if recent >= settings.ABIERTA_VOTE_CODES_PER_HOUR:
        raise CodeRefused(Refusal.DOCUMENT, ratelimit.fixed_window(3600)[1])
    for key, length in ((source_key, 3600), (contact_key, 3600), (global_key, 60)):
        _count(key, length)
    gateway = otp.gateway()
    code = otp.new_code(gateway)
    with transaction.atomic():
        if binding is None:
            try:
                with transaction.atomic():
                    ContactBinding.objects.create(
                        consultation=consultation, contact_hash=bound_contact, document_hash=document_hash
                    )
            except IntegrityError:
                # Another request bound this contact first: only its document may go on.
                raced = ContactBinding.objects.get(consultation=consultation, contact_hash=bound_contact)
                if not hmac.compare_digest(raced.document_hash, document_hash):
                    raise CodeRefused(Refusal.CONTACT_BOUND) from None
        VoteCode.objects.filter(consultation=consultation, document_hash=document_hash, expires_at__gt=now).update(
            expires_at=now
        )
        VoteCode.objects.create(
            consultation=consultation,
            document_hash=document_hash,
            code_hash=_code_hash(consultation.pk, document_hash, code),
            expires_at=now + code_lifetime(),
        )
    otp.send_code(contact, code, gateway)
    return document_hash


def code_lifetime() -> datetime.timedelta:
    """How long a voting code, and the signed step token that carries it, stay valid."""
    return datetime.timedelta(minutes=settings.ABIERTA_VOTE_CODE_MINUTES)


def code_verify(*, consultation: Consultation, document_hash: str, code: str) -> CodeResult:
    """Check a typed code against the document's live code; each try counts, a right one is used up."""
    now = timezone.now()
    live = (
        VoteCode.objects.filter(consultation=consultation, document_hash=document_hash, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )
    if live is None:
        return CodeResult.EXPIRED
    # Count the attempt first, in the database, so that parallel guesses cannot share one try.
    counted = VoteCode.objects.filter(pk=live.pk, attempts__lt=settings.ABIERTA_VOTE_CODE_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        return CodeResult.TOO_MANY
    typed = re.sub(r"\s", "", code)
    if not hmac.compare_digest(live.code_hash, _code_hash(consultation.pk, document_hash, typed)):
        return CodeResult.WRONG
    VoteCode.objects.filter(pk=live.pk).update(expires_at=now)
    return CodeResult.OK


# ---------------------------------------------------------------- voting


def eligible_initiatives(consultation: Consultation) -> list[Initiative]:
    return list(Initiative.objects.filter(plan_id=consultation.process.plan_id, shortlisted=True).order_by("number"))


def choices_check(
    consultation: Consultation, choices: list[int], initiatives: list[Initiative] | None = None
) -> list[int]:
    """The choices sorted, or ChoiceError: 1 to max_choices distinct shortlisted initiatives.

    ``initiatives`` is the consultation's ``eligible_initiatives`` when the caller has already read
    them in this request (the forms have), so that one vote reads the shortlist once, not thrice.
    """
    distinct = sorted(set(choices))
    if len(distinct) != len(choices):
        raise ChoiceError(_("Choose each initiative only once."))
    if not distinct:
        raise ChoiceError(_("Choose at least one initiative."))
    if len(distinct) > consultation.max_choices:
        raise ChoiceError(_("Choose at most %(n)d initiatives.") % {"n": consultation.max_choices})
    if initiatives is None:
        initiatives = eligible_initiatives(consultation)
    allowed = {i.number for i in initiatives}
    if not set(distinct) <= allowed:
        raise ChoiceError(_("Choose among the initiatives of this consultation."))
    return distinct


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def vote_cast(
    *,
    consultation: Consultation,
    document_hash: str,
    choices: list[int],
    channel: str,
    age_band: str = "",
    sector: str = "",
    territory: str = "",
    initiatives: list[Initiative] | None = None,
) -> str | None:
    """Record one vote; return its receipt (to show once), or None if this person has already voted.

    The Voter and the Ballot are inserted in one transaction; the unique constraint on the voter
    decides between concurrent attempts, whatever the channel.

    Voters and ballots are not page-cache content (``public_content = False``): bumping the cache's
    one shared version row inside this transaction held its lock until the commit and made every
    vote wait for the previous one (measured in docs/benchmarks.md). No cached page shows them: the
    consultation, its results and the ballot file are rendered on every request.
    """
    chosen = choices_check(consultation, choices, initiatives)
    receipt = new_receipt()
    try:
        with transaction.atomic():
            Voter.objects.create(consultation=consultation, document_hash=document_hash)
            Ballot.objects.create(
                consultation=consultation,
                receipt_hash=receipt_hash(receipt),
                choices=chosen,
                channel=channel,
                cast_on=timezone.localdate(),
                age_band=age_band,
                sector=sector,
                territory=territory,
            )
    except IntegrityError:
        if Voter.objects.filter(consultation=consultation, document_hash=document_hash).exists():
            return None
        raise  # not a second vote (a receipt collision, 2^-80): let it fail loudly
    return receipt


def ballot_find(consultation: Consultation, typed_receipt: str) -> Ballot | None:
    receipt = normalize_receipt(typed_receipt)
    if receipt is None:
        return None
    return Ballot.objects.filter(consultation=consultation, receipt_hash=receipt_hash(receipt)).first()


# ---------------------------------------------------------------- counting and publishing


@dataclass
class Tally:
    ballots: int
    by_initiative: list[tuple[Initiative, int]]  # every shortlisted initiative, most votes first
    by_channel: dict[str, int]
    by_day: list[tuple[datetime.date, int]]
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)  # age_band/sector/territory

    def counts(self) -> dict[int, int]:
        return {i.number: n for i, n in self.by_initiative}


def tally(consultation: Consultation) -> Tally:
    per_initiative: Counter[int] = Counter()
    channels: Counter[str] = Counter()
    days: Counter[datetime.date] = Counter()
    answers: dict[str, Counter[str]] = {"age_band": Counter(), "sector": Counter(), "territory": Counter()}
    total = 0
    rows = Ballot.objects.filter(consultation=consultation).values_list(
        "choices", "channel", "cast_on", "age_band", "sector", "territory"
    )
    for choices, channel, day, age_band, sector, territory in rows.iterator(chunk_size=2000):
        total += 1
        per_initiative.update(choices)
        channels[channel] += 1
        days[day] += 1
        for name, value in (("age_band", age_band), ("sector", sector), ("territory", territory)):
            if value:
                answers[name][value] += 1
    initiatives = eligible_initiatives(consultation)
    by_initiative = sorted(((i, per_initiative[i.number]) for i in initiatives), key=lambda p: (-p[1], p[0].number))
    return Tally(
        ballots=total,
        by_initiative=by_initiative,
        by_channel={c: channels[c] for c in Ballot.Channel.values},
        by_day=sorted(days.items()),
        breakdowns={k: dict(sorted(v.items())) for k, v in answers.items() if v},
    )


def ballot_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    """The published ballots in receipt-hash order: the rows of the ballot file and of its CSV."""
    rows = (
        Ballot.objects.filter(consultation=consultation)
        .order_by("receipt_hash")
        .values_list("receipt_hash", "choices", "channel", "cast_on")
        .iterator(chunk_size=2000)
    )
    for h, c, ch, d in rows:
        yield {"receipt_hash": h, "choices": c, "channel": ch, "day": d.isoformat()}


def ballot_file(consultation: Consultation) -> bytes:
    """The published ballots as canonical JSON bytes (the digest is of exactly these bytes)."""
    process = consultation.process
    header: dict[str, Any] = {
        "id": consultation.pk,
        "plan": process.plan.slug,
        "question": consultation.question,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "max_choices": consultation.max_choices,
        "initiatives": [{"number": i.number, "title": i.title} for i in eligible_initiatives(consultation)],
    }
    document = {"consultation": header, "ballots": list(ballot_rows(consultation))}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the winner becomes a commitment


def winner(consultation: Consultation) -> Initiative:
    result = tally(consultation).by_initiative
    if not result or result[0][1] == 0:
        raise TieError(_("No votes have been cast."))
    if len(result) > 1 and result[1][1] == result[0][1]:
        raise TieError(_("Two or more initiatives share the most votes."))
    return result[0][0]


def _next_code(plan_codes: list[str]) -> str:
    """The next free commitment code like the plan's (COCDI0003 → COCDI0004), unique site-wide."""
    prefix, width, top = "OGP", 4, 0
    for code in plan_codes:
        match = re.fullmatch(r"(.*?)(\d+)", code)
        if match:
            number = int(match.group(2))
            if number >= top:
                prefix, width, top = match.group(1), len(match.group(2)), number
    number = top + 1
    while Commitment.objects.filter(code=f"{prefix}{number:0{width}d}").exists():
        number += 1
    return f"{prefix}{number:0{width}d}"


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def adopt_winner(consultation: Consultation, actor: Any) -> Commitment:
    """Turn the winning initiative into a commitment of the plan, once; return it.

    Raises TieError when there is no single winner. A second call returns the same commitment.
    """
    from abierta.core.history import record

    with transaction.atomic():
        # Serialise adopters on the consultation row.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        plan = consultation.process.plan
        already = Initiative.objects.filter(plan=plan, selected=True, commitment__isnull=False).first()
        if already is not None and already.commitment is not None:
            return already.commitment
        chosen = winner(consultation)
        existing = list(Commitment.objects.filter(plan=plan).order_by("order", "code"))
        institution = getattr(actor, "institution", None) or (existing[0].lead_institution if existing else None)
        if institution is None:
            raise TieError(_("No lead institution: the plan has no commitments and you belong to no office."))
        start = _first_of_next_month(timezone.localdate())
        end = max(datetime.date(plan.period_end, 12, 1), start)
        commitment = Commitment.objects.create(
            plan=plan,
            code=_next_code([c.code for c in existing]),
            order=max((c.order for c in existing), default=0) + 1,
            title=chosen.title,
            description=chosen.summary,
            value_civic_participation=True,
            start_month=start,
            end_month=end,
            lead_institution=institution,
        )
        record(commitment, actor=actor, before=None)
        chosen.selected = True
        chosen.commitment = commitment
        chosen.save(update_fields=["selected", "commitment"])
    return commitment
