"""The citizen consultation: voting codes, casting a vote, the count, the ballot file, the winner.

One person, one vote, across the web and the in-person tables: a voter is known only by
``voter_hash`` (HMAC-SHA256 of their normalised document under a server key), and the database's
unique constraint on (consultation, document_hash) decides who voted first.

Secrecy in storage: the vote's transaction writes the ``Voter`` and a ``SealedBallot`` (the ballot
encrypted under the box key) into the ballot box; the box is emptied into ``Ballot`` in shuffled
batches of at least ``ABIERTA_BALLOT_BATCH``, each in one transaction, so that a ballot's writing
transaction (PostgreSQL's ``xmin``) and its place in the table (``ctid``) are shared with the whole
batch, and on SQLite every row gets a random ``rowid``. At the close the box is emptied, the voter
and ballot tables of the consultation are rewritten in hash order, and the ballot file is frozen.
docs/decisions/0016-ballot-secrecy.md says what remains.

The ballot file is the published record: canonical JSON (sorted keys, no spaces, UTF-8), ballots
sorted by receipt hash, frozen at the close with its SHA-256 digest (``BallotFile``); the results
page and the downloads serve the frozen bytes, and scripts/recount.py recounts and checks them with
the Python standard library alone.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from abierta.core import ratelimit
from abierta.core.history import record, snapshot
from abierta.core.mailboxes import mailbox_key
from abierta.core.receipts import new_receipt, normalize_receipt
from abierta.participation.consultation import ballotfile, otp
from abierta.participation.models import (
    Ballot,
    BallotFile,
    Consultation,
    ContactBinding,
    Initiative,
    PollingTable,
    Process,
    RollEntry,
    SealedBallot,
    TableDayCount,
    TallySheet,
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


def normalise_contact(contact: str) -> str:
    """One form per mailbox or phone: ``Ana.Perez+voto@GMail.com`` is ``anaperez@gmail.com``.

    An email is lower-cased and loses its ``+tag`` (plus-addressing delivers every tag to one
    mailbox at Gmail, Outlook, Proton, Fastmail and others); at Gmail dots do not count either. A
    phone keeps its digits, and a Colombian mobile written without the country code gets it (57).
    """
    value = contact.strip().lower()
    if "@" in value:
        return mailbox_key(value)
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


class ClosedError(Exception):
    """The ballot file is frozen: no vote can be added any more."""


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
    table: PollingTable | None = None,
    entered_by: Any = None,
) -> str | None:
    """Record one vote; return its receipt (to show once), or None if this person has already voted.

    The Voter and the sealed ballot are inserted in one transaction; the unique constraint on the
    voter decides between concurrent attempts, whatever the channel. The ballot reaches the ballot
    table later, with a batch (``ballot_box_flush``). An in-person vote adds one to the count of its
    table, day and facilitator (``table``, ``entered_by``): a count, never the ballot.

    Voters and ballots are not page-cache content (``public_content = False``): bumping the cache's
    one shared version row inside this transaction held its lock until the commit and made every
    vote wait for the previous one (measured in docs/benchmarks.md). No cached page shows them: the
    consultation, its results and the ballot file are rendered on every request.
    """
    chosen = choices_check(consultation, choices, initiatives)
    receipt = new_receipt()
    hashed = receipt_hash(receipt)
    day = timezone.localdate()
    payload = {
        "receipt_hash": hashed,
        "choices": chosen,
        "channel": channel,
        "cast_on": day.isoformat(),
        "age_band": age_band,
        "sector": sector,
        "territory": territory,
    }
    first_count: TableDayCount | None = None
    try:
        with transaction.atomic():
            _insert([Voter(consultation=consultation, document_hash=document_hash)])
            _insert([SealedBallot(consultation=consultation, lookup=_box_lookup(hashed), sealed=_seal(payload))])
            if table is not None:
                count, created = TableDayCount.objects.get_or_create(table=table, day=day, entered_by=entered_by)
                TableDayCount.objects.filter(pk=count.pk).update(count=F("count") + 1)
                first_count = count if created else None
            # The close locks the consultation row (FOR UPDATE) against the inserts above, so that
            # a vote committed after the freezing is refused here rather than left out of the file.
            if BallotFile.objects.filter(consultation=consultation).exists():
                raise ClosedError
    except IntegrityError:
        if Voter.objects.filter(consultation=consultation, document_hash=document_hash).exists():
            return None
        raise  # not a second vote (a receipt collision, 2^-80): let it fail loudly
    if first_count is not None:
        # Who began entering at which table and day; written apart from the vote's transaction.
        record(first_count, actor=entered_by, before=None)
    ballot_box_flush(consultation=consultation, minimum=settings.ABIERTA_BALLOT_BATCH)
    return receipt


def ballot_find(consultation: Consultation, typed_receipt: str) -> Ballot | None:
    receipt = normalize_receipt(typed_receipt)
    if receipt is None:
        return None
    return Ballot.objects.filter(consultation=consultation, receipt_hash=receipt_hash(receipt)).first()


def ballot_waiting(consultation: Consultation, typed_receipt: str) -> bool:
    """Whether the receipt's ballot is recorded and still in the ballot box (in the file at the next batch)."""
    receipt = normalize_receipt(typed_receipt)
    if receipt is None:
        return False
    return SealedBallot.objects.filter(consultation=consultation, lookup=_box_lookup(receipt_hash(receipt))).exists()


# ---------------------------------------------------------------- the ballot box


def _box_key() -> bytes:
    configured: str = settings.ABIERTA_BALLOT_BOX_KEY
    if configured:
        return bytes.fromhex(configured)
    return hashlib.blake2b(
        b"ballot-box", key=settings.SECRET_KEY.encode()[:64], digest_size=32, person=b"abierta-box"
    ).digest()


def _box_lookup(hashed_receipt: str) -> str:
    return hmac.new(_box_key(), f"lookup:{hashed_receipt}".encode(), hashlib.sha256).hexdigest()


def _seal(payload: dict[str, Any]) -> bytes:
    return bytes(SecretBox(_box_key()).encrypt(json.dumps(payload, sort_keys=True).encode()))


def _unseal(sealed: bytes | memoryview) -> dict[str, Any]:
    try:
        opened: dict[str, Any] = json.loads(SecretBox(_box_key()).decrypt(bytes(sealed)))
    except CryptoError as exc:
        raise RuntimeError("a sealed ballot does not open with ABIERTA_BALLOT_BOX_KEY") from exc
    return opened


def _insert(objects: list[models.Model]) -> None:
    """Insert rows in the given order; on SQLite each with a random ``rowid``, so that the hidden
    rowid gives no order of insertion."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "sqlite":
        model._default_manager.bulk_create(objects)
        return
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(["rowid", *(quote(f.column) for f in fields)])
    marks = ", ".join(["%s"] * (len(fields) + 1))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for instance in objects:
            values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
            cursor.execute(sql, [secrets.randbelow(2**62) + 1, *values])


def _secure_delete() -> None:
    """On SQLite, overwrite deleted rows with zeros in the database file (not in the WAL until a checkpoint)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def ballot_box_flush(*, consultation: Consultation, minimum: int = 1) -> int:
    """Move the waiting ballots into the ballot table, shuffled, in one transaction, if at least
    ``minimum`` are waiting; return how many were moved."""
    if SealedBallot.objects.filter(consultation=consultation).count() < max(minimum, 1):
        return 0
    with transaction.atomic():
        # Serialise the flushes of one consultation; votes (which only share-lock the row) go on.
        Consultation.objects.select_for_update(no_key=True).filter(pk=consultation.pk).first()
        waiting = list(SealedBallot.objects.filter(consultation=consultation))
        if len(waiting) < max(minimum, 1):
            return 0
        secrets.SystemRandom().shuffle(waiting)
        ballots = []
        for sealed in waiting:
            opened = _unseal(sealed.sealed)
            opened["cast_on"] = datetime.date.fromisoformat(opened["cast_on"])
            ballots.append(Ballot(consultation=consultation, **opened))
        _insert(ballots)  # type: ignore[arg-type]
        _secure_delete()
        SealedBallot.objects.filter(pk__in=[s.pk for s in waiting]).delete()
    return len(ballots)


def _rewrite(model: type[Voter] | type[Ballot], consultation: Consultation, order: str) -> None:
    """Delete the consultation's rows and insert them again in ``order``, in the caller's transaction:
    one writing transaction for all of them, laid in hash order."""
    rows = list(model._default_manager.filter(consultation=consultation).order_by(order))
    model._default_manager.filter(consultation=consultation).delete()
    _insert(rows)


def consultation_close(*, consultation: Consultation, now: datetime.datetime | None = None) -> BallotFile:
    """Close the consultation once: empty the box, rewrite its voters and ballots in hash order,
    forget its voting codes, and freeze the ballot file with its digest. Later calls return the
    frozen file. Only after ``closes_at``."""
    moment = now or timezone.now()
    # The file itself (14 MB at 100,000 ballots) is read only by those who need it (ballotfile.py).
    frozen = BallotFile.objects.filter(consultation=consultation).defer("data").first()
    if frozen is not None:
        return frozen
    if moment < consultation.closes_at:
        raise ValueError("the consultation has not closed yet")
    with transaction.atomic():
        # FOR UPDATE waits for the votes in flight (their inserts share-lock this row) and holds
        # back new ones until the file is frozen; vote_cast then refuses them.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        frozen = BallotFile.objects.filter(consultation=consultation).first()
        if frozen is not None:
            return frozen
        ballot_box_flush(consultation=consultation, minimum=1)
        _secure_delete()
        _rewrite(Ballot, consultation, "receipt_hash")
        _rewrite(Voter, consultation, "document_hash")
        VoteCode.objects.filter(consultation=consultation).delete()
        for count in TableDayCount.objects.filter(table__consultation=consultation).select_related("table"):
            record(count, actor=None, before={**snapshot(count), "count": 0})
        data = ballot_file(consultation)
        frozen = BallotFile.objects.create(
            consultation=consultation,
            data=data,
            sha256=digest(data),
            frozen_at=moment,
            ballots=Ballot.objects.filter(consultation=consultation).count(),
            voters=Voter.objects.filter(consultation=consultation).count(),
        )
    vacuum()
    return frozen


def vacuum(full: bool = False) -> None:
    """Reclaim the dead rows the close left behind, where the database allows it outside a transaction."""
    if connection.in_atomic_block:
        return
    tables = "participation_ballot, participation_voter, participation_sealedballot"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {'FULL ' if full else ''}{tables}")
        elif connection.vendor == "sqlite":
            if full:
                cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def consultation_close_if_due(consultation: Consultation, now: datetime.datetime | None = None) -> BallotFile | None:
    """The frozen ballot file, freezing it now if the consultation has closed; None while it is open."""
    if (now or timezone.now()) < consultation.closes_at:
        return None
    return consultation_close(consultation=consultation, now=now)


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


# How long the count of a closed consultation is kept (its ballots no longer change).
TALLY_CACHE_SECONDS = 24 * 3600


def tally(consultation: Consultation, frozen: BallotFile | None = None) -> Tally:
    """The count. With the frozen file, the votes, channels and days are counted from its bytes and
    the optional answers (never in the file) from the rows with one ``GROUP BY`` each; since nothing
    changes after the freezing, those numbers are kept in the cache under the file's SHA-256, so the
    results page does not count 100,000 ballots again on every visit (docs/benchmarks.md, big city).
    Without the file, everything is counted from the rows."""
    if frozen is None:
        numbers = _count_rows(consultation)
    else:
        key = f"consultation-tally:{consultation.pk}:{frozen.sha256}"
        numbers = cache.get(key)
        if numbers is None:
            numbers = _count_frozen(consultation, frozen)
            cache.set(key, numbers, TALLY_CACHE_SECONDS)
    per_initiative, channels, days, answers, total = numbers
    initiatives = eligible_initiatives(consultation)
    by_initiative = sorted(((i, per_initiative[i.number]) for i in initiatives), key=lambda p: (-p[1], p[0].number))
    return Tally(
        ballots=total,
        by_initiative=by_initiative,
        by_channel={c: channels[c] for c in Ballot.Channel.values},
        by_day=sorted(days.items()),
        breakdowns={k: dict(sorted(v.items())) for k, v in answers.items() if v},
    )


_Numbers = tuple[Counter[int], Counter[str], Counter[datetime.date], dict[str, Counter[str]], int]
_ANSWERS = ("age_band", "sector", "territory")


def _count_rows(consultation: Consultation) -> _Numbers:
    per_initiative: Counter[int] = Counter()
    channels: Counter[str] = Counter()
    days: Counter[datetime.date] = Counter()
    answers: dict[str, Counter[str]] = {name: Counter() for name in _ANSWERS}
    rows = Ballot.objects.filter(consultation=consultation).values_list(
        "choices", "channel", "cast_on", "age_band", "sector", "territory"
    )
    for choices, channel, day, age_band, sector, territory in rows.iterator(chunk_size=2000):
        per_initiative.update(choices)
        channels[channel] += 1
        days[day] += 1
        for name, value in (("age_band", age_band), ("sector", sector), ("territory", territory)):
            if value:
                answers[name][value] += 1
    return per_initiative, channels, days, answers, sum(channels.values())


def _count_frozen(consultation: Consultation, frozen: BallotFile) -> _Numbers:
    per_initiative: Counter[int] = Counter()
    channels: Counter[str] = Counter()
    day_texts: Counter[str] = Counter()
    for ballot in ballotfile.ballots(frozen):
        per_initiative.update(ballot["choices"])
        channels[ballot["channel"]] += 1
        day_texts[ballot["day"]] += 1
    days: Counter[datetime.date] = Counter({datetime.date.fromisoformat(d): n for d, n in day_texts.items()})
    answers: dict[str, Counter[str]] = {}
    for name in _ANSWERS:
        grouped = (
            Ballot.objects.filter(consultation=consultation)
            .exclude(**{name: ""})
            .values_list(name)
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        answers[name] = Counter(dict(grouped))
    return per_initiative, channels, days, answers, channels.total()


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
    """The ballots as canonical JSON bytes (the digest is of exactly these bytes); built once, by
    ``consultation_close``, which stores them."""
    process = consultation.process
    # Local times, so that recount.py finds the opening window's days in the file's own offset.
    header: dict[str, Any] = {
        "id": consultation.pk,
        "plan": process.plan.slug,
        "question": consultation.question,
        "opens_at": timezone.localtime(consultation.opens_at).isoformat(),
        "closes_at": timezone.localtime(consultation.closes_at).isoformat(),
        "max_choices": consultation.max_choices,
        "initiatives": [{"number": i.number, "title": i.title} for i in eligible_initiatives(consultation)],
        "voters": Voter.objects.filter(consultation=consultation).count(),
    }
    document = {"consultation": header, "ballots": list(ballot_rows(consultation))}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- polling tables and their paper sheets


@dataclass
class TableDay:
    """One table on one day: the ballots its facilitators entered, and the count of its paper sheet."""

    table: PollingTable
    day: datetime.date
    entered: int
    paper: int | None  # None: no sheet published yet

    @property
    def matches(self) -> bool:
        return self.paper is not None and self.paper == self.entered


@dataclass
class Reconciliation:
    rows: list[TableDay]
    entered: int  # the sum of the tables' counts
    in_person: int  # the in-person ballots of the ballot file

    @property
    def mismatches(self) -> int:
        return sum(1 for r in self.rows if r.paper is not None and not r.matches)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.paper is None)


def reconciliation(consultation: Consultation, in_person: int) -> Reconciliation:
    """Each table and day with the ballots entered there and the count of its published paper sheet."""
    tables = {t.pk: t for t in PollingTable.objects.filter(consultation=consultation)}
    entered: Counter[tuple[int, datetime.date]] = Counter()
    for table_id, day, n in TableDayCount.objects.filter(table__consultation=consultation).values_list(
        "table_id", "day", "count"
    ):
        entered[(table_id, day)] += n
    paper = {
        (table_id, day): n
        for table_id, day, n in TallySheet.objects.filter(table__consultation=consultation).values_list(
            "table_id", "day", "count"
        )
    }
    keys = sorted(set(entered) | set(paper), key=lambda k: (tables[k[0]].number, k[1]))
    rows = [TableDay(table=tables[k[0]], day=k[1], entered=entered.get(k, 0), paper=paper.get(k)) for k in keys]
    return Reconciliation(rows=rows, entered=sum(entered.values()), in_person=in_person)


def tally_sheet_record(*, table: PollingTable, day: datetime.date, count: int, actor: Any) -> TallySheet:
    """Record (or correct) the count of a table's paper sheet for a day, with its public history line."""
    with transaction.atomic():
        sheet = TallySheet.objects.filter(table=table, day=day).first()
        before = snapshot(sheet) if sheet is not None else None
        if sheet is None:
            sheet = TallySheet.objects.create(table=table, day=day, count=count)
        else:
            sheet.count = count
            sheet.save(update_fields=["count"])
        record(sheet, actor=actor, before=before)
    return sheet


def polling_table_create(*, consultation: Consultation, number: int, place: str, actor: Any) -> PollingTable:
    with transaction.atomic():
        table = PollingTable.objects.create(consultation=consultation, number=number, place=place)
        record(table, actor=actor, before=None)
    return table


def facilitator_set(*, table: PollingTable, user: Any, assigned: bool, actor: Any) -> None:
    """Assign (or remove) a facilitator of the table, with its public history line."""
    with transaction.atomic():
        before = snapshot(table)
        if assigned:
            table.facilitators.add(user)
        else:
            table.facilitators.remove(user)
        record(table, actor=actor, before=before)


# ---------------------------------------------------------------- the winner becomes a commitment


def winner(consultation: Consultation) -> Initiative:
    result = tally(consultation, consultation_close_if_due(consultation)).by_initiative
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


# ---------------------------------------------------------------- setting up, opening, closing


@transaction.atomic
def consultation_save(*, consultation: Consultation, shortlist: list[Initiative], actor: Any) -> Consultation:
    """Create or change a consultation that has not opened, and set which of the plan's
    initiatives are on its ballot; every change in the public history."""
    before = snapshot(Consultation.objects.get(pk=consultation.pk)) if consultation.pk else None
    consultation.save()
    record(consultation, actor=actor, before=before)
    chosen = {i.pk for i in shortlist}
    for initiative in Initiative.objects.filter(plan_id=consultation.process.plan_id).order_by("number"):
        wanted = initiative.pk in chosen
        if initiative.shortlisted != wanted:
            was = snapshot(initiative)
            initiative.shortlisted = wanted
            initiative.save(update_fields=["shortlisted"])
            record(initiative, actor=actor, before=was)
    return consultation


def _phase_dates_follow(
    process: Process,
    *,
    actor: Any,
    consultation_from: datetime.datetime | None = None,
    results_from: datetime.datetime | None = None,
) -> None:
    """Bring the process's phase dates forward so that its phases follow the consultation's own."""
    before = snapshot(process)
    if consultation_from is not None and consultation_from < process.consultation_from:
        process.consultation_from = consultation_from
        process.analysis_from = min(process.analysis_from, consultation_from)
        process.tables_from = min(process.tables_from, process.analysis_from)
    if results_from is not None and results_from < process.results_from:
        process.results_from = results_from
    process.save()
    record(process, actor=actor, before=before)


def consultation_open(*, consultation: Consultation, actor: Any, now: datetime.datetime | None = None) -> Consultation:
    """Open it now, ahead of its planned opening: the opening becomes now; the process's
    consultation phase starts then too."""
    moment = now or timezone.now()
    with transaction.atomic():
        before = snapshot(consultation)
        consultation.opens_at = moment
        consultation.save(update_fields=["opens_at"])
        record(consultation, actor=actor, before=before)
        _phase_dates_follow(consultation.process, actor=actor, consultation_from=moment)
    return consultation


def consultation_close_now(
    *, consultation: Consultation, actor: Any, now: datetime.datetime | None = None
) -> BallotFile:
    """Close it now, ahead of its planned closing: the closing becomes now (the process's results
    phase starts then too), then the ballot file is frozen as at any close."""
    moment = now or timezone.now()
    with transaction.atomic():
        before = snapshot(consultation)
        consultation.closes_at = moment
        consultation.save(update_fields=["closes_at"])
        record(consultation, actor=actor, before=before)
        _phase_dates_follow(consultation.process, actor=actor, results_from=moment)
    return consultation_close(consultation=consultation, now=moment)
