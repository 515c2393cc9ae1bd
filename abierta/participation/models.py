"""Co-creation of an action plan, the citizen consultation and "Hablemos con Transparencia".

A co-creation ``Process`` belongs to an action plan and moves through phases with dates: working
tables, analysis, consultation, results. Tables gather ``Proposal``s (online, or transcribed by staff
and credited to the table); evaluators score them against the process's ``Criterion``s; accepted
proposals feed the shortlisted ``Initiative``s; a ``Consultation`` lets each person choose among them
once, on the web or in person. ``DialogueSession``s are the open question-and-answer sessions.

Secrecy of the vote: a ``Voter`` row (who voted: a keyed hash of the document) and a ``Ballot`` row
(what was chosen) share no column, no order (random primary keys) and no time finer than the day,
and no writing transaction: the vote writes its Voter and a ``SealedBallot`` (encrypted), and the
ballots reach ``Ballot`` in shuffled batches (consultation/services.py, docs/decisions/0016).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abierta.core.models import ProcessedImage


def cocreation_scope(plan_id: int) -> str:
    """The public history of a plan's co-creation: its process, criteria, tables and initiatives."""
    return f"participation.cocreation:{plan_id}"


class Process(models.Model):
    """The co-creation of one action plan, with the dates of its phases (America/Bogota)."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("Not started")
        TABLES = "tables", _("Working tables")
        ANALYSIS = "analysis", _("Analysis of proposals")
        CONSULTATION = "consultation", _("Citizen consultation")
        RESULTS = "results", _("Results")

    plan = models.OneToOneField("plans.ActionPlan", on_delete=models.CASCADE, related_name="process")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    tables_from = models.DateTimeField(_("working tables from"))
    analysis_from = models.DateTimeField(_("analysis from"))
    consultation_from = models.DateTimeField(_("consultation from"))
    results_from = models.DateTimeField(_("results from"))
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("title", "description", "tables_from", "analysis_from", "consultation_from", "results_from")

    class Meta:
        verbose_name = _("co-creation process")
        verbose_name_plural = _("co-creation processes")

    def __str__(self) -> str:
        return self.title

    def history_scope(self) -> str:
        return cocreation_scope(self.plan_id)

    def phase(self, now: datetime.datetime | None = None) -> str:
        moment = now or timezone.now()
        if moment < self.tables_from:
            return self.Phase.BEFORE
        if moment < self.analysis_from:
            return self.Phase.TABLES
        if moment < self.consultation_from:
            return self.Phase.ANALYSIS
        if moment < self.results_from:
            return self.Phase.CONSULTATION
        return self.Phase.RESULTS


class Population(models.TextChoices):
    OLDER = "older", _("Older people")
    YOUTH = "youth", _("Youth")
    WOMEN = "women", _("Women")
    AFRO = "afro", _("Afro-Colombian communities")
    PALENQUERO = "palenquero", _("Palenquero communities")
    RAIZAL = "raizal", _("Raizal communities")
    INDIGENOUS = "indigenous", _("Indigenous peoples")
    DIVERSE = "diverse", _("People of diverse sexual orientations and gender identities")
    DISABILITY = "disability", _("People with disabilities")
    MIGRANTS = "migrants", _("Migrants")
    GENERAL = "general", _("General public")


class Territory(models.TextChoices):
    """Cartagena's 15 Unidades Comuneras de Gobierno (urban) and its rural area."""

    UCG1 = "ucg1", _("UCG 1")
    UCG2 = "ucg2", _("UCG 2")
    UCG3 = "ucg3", _("UCG 3")
    UCG4 = "ucg4", _("UCG 4")
    UCG5 = "ucg5", _("UCG 5")
    UCG6 = "ucg6", _("UCG 6")
    UCG7 = "ucg7", _("UCG 7")
    UCG8 = "ucg8", _("UCG 8")
    UCG9 = "ucg9", _("UCG 9")
    UCG10 = "ucg10", _("UCG 10")
    UCG11 = "ucg11", _("UCG 11")
    UCG12 = "ucg12", _("UCG 12")
    UCG13 = "ucg13", _("UCG 13")
    UCG14 = "ucg14", _("UCG 14")
    UCG15 = "ucg15", _("UCG 15")
    RURAL = "rural", _("Rural area")
    CITYWIDE = "city", _("Whole city")


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
    # What the co-creation issue adds: who facilitated, which population and territory, the minutes.
    population = models.CharField(_("population group"), max_length=30, choices=Population.choices, blank=True)
    territory = models.CharField(_("territory"), max_length=10, choices=Territory.choices, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    minutes = models.FileField(_("minutes"), upload_to="participation/minutes/%Y/", blank=True)

    history_fields = ("number", "name", "sector", "group", "held_on", "place", "facilitator", "population", "territory")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="working_table_number")]
        verbose_name = _("working table")
        verbose_name_plural = _("working tables")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def history_scope(self) -> str:
        return cocreation_scope(self.plan_id)


class TableAttendance(models.Model):
    """How many people of a group attended a table: counts only, no personal data."""

    table = models.ForeignKey(WorkingTable, on_delete=models.CASCADE, related_name="attendance_counts")
    group = models.CharField(_("group"), max_length=30, choices=Population.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "group"], name="one_count_per_group")]

    def __str__(self) -> str:
        return f"{self.table_id}:{self.group}={self.count}"


class TablePhoto(ProcessedImage):
    """A photo of a working table, its metadata removed by the queue before it is shown."""

    table = models.ForeignKey(WorkingTable, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="participation/photos/%Y/", blank=True)
    caption = models.CharField(_("description of the photo"), max_length=300)

    def __str__(self) -> str:
        return self.caption


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

    history_fields = ("number", "title", "shortlisted", "selected")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="initiative_number")]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title

    def history_scope(self) -> str:
        return cocreation_scope(self.plan_id)


class Criterion(models.Model):
    """An evaluation criterion of a process (feasibility, cost, impact, OGP values...)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it measures"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    order = models.PositiveSmallIntegerField(default=0)

    history_fields = ("name", "description", "weight", "max_score")

    class Meta:
        ordering = ["process", "order", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self) -> str:
        return self.name

    def history_scope(self) -> str:
        return self.process.history_scope()


class Proposal(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("Collected in person at a table")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into another proposal")
        REJECTED = "rejected", _("Not accepted")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("proposal"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # Online proposals are credited to their author; transcribed ones to their table, never to the
    # staff member who typed them in (kept apart, for the record only).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    table = models.ForeignKey(
        WorkingTable,
        verbose_name=_("working table"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    transcribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField(_("public answer"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    initiative = models.ForeignKey(
        "Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.user_id}"


class Score(models.Model):
    """One evaluator's score of one proposal on one criterion. Evaluators are named in public."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion", "evaluator"], name="one_score_per_evaluator")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.criterion_id}={self.value}"


class Consultation(models.Model):
    """One week of choosing among the shortlisted initiatives: one person, one vote."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="consultation")
    question = models.CharField(_("question"), max_length=300)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    max_choices = models.PositiveSmallIntegerField(
        _("choices per voter"), default=1, help_text=_("1 for a single choice; more lets each voter choose up to N.")
    )

    class Assurance(models.IntegerChoices):
        """How sure the city is that a web voter is who they say (docs/decisions/0015-consultation-identity.md)."""

        CODE = 1, _("Level 1: document number and a code sent to an email or phone")
        ROLL = 2, _("Level 2: document number and a second fact checked against the city's voter roll")
        VERIFIER = 3, _("Level 3: document checked by an external identity service")

    class RollFact(models.TextChoices):
        ISSUE_DATE = "issue_date", _("Date of issue of the document")
        BIRTH_DATE = "birth_date", _("Birth date")

    assurance = models.PositiveSmallIntegerField(
        _("identity assurance"), choices=Assurance.choices, default=Assurance.CODE
    )
    roll_fact = models.CharField(
        _("second fact asked to voters"), max_length=12, choices=RollFact.choices, default=RollFact.ISSUE_DATE
    )

    history_fields = ("question", "opens_at", "closes_at", "max_choices", "assurance", "roll_fact")

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.question

    def history_scope(self) -> str:
        return f"participation.consultation:{self.pk}"

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.opens_at <= moment < self.closes_at


class Voter(models.Model):
    """That a person voted: a keyed hash (HMAC) of their document, nothing else. Not linked to a ballot.

    The vote writes it with ``services._insert`` (a random rowid on SQLite)."""

    # Never shown on a cached page: saving one must not touch the page cache's version row.
    public_content = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="voters")
    document_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "document_hash"], name="one_vote_per_person")]

    def __str__(self) -> str:
        return self.document_hash[:12]


class Ballot(models.Model):
    """What one voter chose, published with the hash of their receipt. Not linked to a voter."""

    # Never shown on a cached page: saving one must not touch the page cache's version row.
    public_content = False

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        IN_PERSON = "in_person", _("In person")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    # The numbers of the chosen initiatives (Initiative.number), sorted. A list, not a many-to-many
    # table, whose sequential ids would record the order in which ballots were cast.
    choices = models.JSONField(default=list)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    cast_on = models.DateField()
    # Optional answers, only if the voter chose to give them.
    age_band = models.CharField(_("age"), max_length=10, blank=True)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    territory = models.CharField(_("territory"), max_length=10, choices=Territory.choices, blank=True)

    def __str__(self) -> str:
        return self.receipt_hash[:12]


class VoteCode(models.Model):
    """A one-time code sent to a voter's email or phone (the address itself is not kept)."""

    # Never shown on a cached page: saving one must not touch the page cache's version row.
    public_content = False

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="codes")
    document_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["consultation", "document_hash"])]

    def __str__(self) -> str:
        return self.document_hash[:12]


class ContactBinding(models.Model):
    """The contact that asked for a voting code, bound to the one document it asked for.

    Both are keyed hashes (HMAC under the voter-hash key, with the consultation's id in the
    message): neither the address nor the number is stored, and a contact's hash in one consultation
    says nothing about another.
    """

    public_content = False

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="contact_bindings")
    contact_hash = models.CharField(max_length=64)
    document_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "contact_hash"], name="one_document_per_contact")
        ]

    def __str__(self) -> str:
        return self.contact_hash[:12]


class RollEntry(models.Model):
    """One person of a consultation's voter roll (padrón): a keyed hash of the document and the
    second fact together. Neither the number nor the date is stored in clear."""

    public_content = False

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="roll")
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "entry_hash"], name="one_roll_entry")]
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")

    def __str__(self) -> str:
        return self.entry_hash[:12]


class SealedBallot(models.Model):
    """A ballot waiting in the ballot box: written with its Voter, emptied into Ballot in batches.

    The row holds nothing in clear that a Ballot row also holds: the ballot itself is encrypted
    under the box key (``sealed``), and ``lookup`` is a keyed hash of the receipt hash, so that the
    voter's receipt check still finds it. The box is emptied in shuffled batches of at least
    ``ABIERTA_BALLOT_BATCH`` (services.ballot_box_flush) and entirely at the close.
    """

    # Never shown on a cached page: saving one must not touch the page cache's version row.
    public_content = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballot_box")
    lookup = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return self.lookup[:12]


class BallotFile(models.Model):
    """The ballot file frozen at the close: its exact bytes, their SHA-256 and when it was frozen.

    Written once (services.consultation_close); the results page and the downloads serve these
    bytes and never recompute them from the rows.
    """

    public_content = False

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="ballot_file")
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    frozen_at = models.DateTimeField()
    ballots = models.PositiveIntegerField()
    voters = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.sha256[:12]


class PollingTable(models.Model):
    """A polling table (mesa de votación) of a consultation and the facilitators who enter its ballots."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="polling_tables")
    number = models.PositiveSmallIntegerField(_("table number"))
    place = models.CharField(_("place"), max_length=200)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="polling_tables", verbose_name=_("facilitators")
    )

    history_fields = ("number", "place", "facilitators")

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="one_polling_table_number")]
        verbose_name = _("polling table")
        verbose_name_plural = _("polling tables")

    def __str__(self) -> str:
        return f"{self.number}. {self.place}"

    def history_scope(self) -> str:
        return f"participation.consultation:{self.consultation_id}"


class TableDayCount(models.Model):
    """How many in-person ballots one facilitator entered at one table on one day: a count, never
    a ballot and never a time."""

    # Written with each in-person vote: like Voter, never shown on a cached page.
    public_content = False

    table = models.ForeignKey(PollingTable, on_delete=models.PROTECT, related_name="day_counts")
    day = models.DateField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(default=0)

    history_fields = ("table", "day", "entered_by", "count")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "day", "entered_by"], name="one_count_per_table_day_person")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.day.isoformat()}"

    def history_scope(self) -> str:
        return self.table.history_scope()


class TallySheet(models.Model):
    """The count of a table's paper tally sheet (acta de escrutinio) for one day, as the city publishes it."""

    table = models.ForeignKey(PollingTable, on_delete=models.CASCADE, related_name="tally_sheets")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("ballots on the paper sheet"))

    history_fields = ("table", "day", "count")

    class Meta:
        ordering = ["table", "day"]
        constraints = [models.UniqueConstraint(fields=["table", "day"], name="one_tally_sheet_per_table_day")]

    def __str__(self) -> str:
        return f"{self.table} {self.day.isoformat()}: {self.count}"

    def history_scope(self) -> str:
        return self.table.history_scope()


class Candidate(models.Model):
    """A candidate to the Citizen Monitoring Committee at a working table; votes counted on paper."""

    table = models.ForeignKey(WorkingTable, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector or population represented"), max_length=200, blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    elected = models.BooleanField(_("elected"), default=False)
    member = models.OneToOneField(
        "plans.CommitteeMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidacy"
    )

    class Meta:
        ordering = ["table", "-votes", "name"]

    def __str__(self) -> str:
        return self.name


class DialogueSession(models.Model):
    """A "Hablemos con Transparencia" session: citizens put questions to the administration."""

    plan = models.ForeignKey(
        "plans.ActionPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="dialogue_sessions"
    )
    slug = models.SlugField(unique=True)
    topic = models.CharField(_("topic"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    stream_url = models.URLField(_("livestream link"), blank=True)
    officials = models.TextField(_("officials attending"), blank=True, help_text=_("One per line: name and post."))
    minutes = models.TextField(_("minutes"), blank=True)
    questions_open = models.BooleanField(_("accepting questions"), default=True)
    is_example = models.BooleanField(_("example data"), default=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")

    def __str__(self) -> str:
        return self.topic


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        LIVE = "live", _("Being answered now")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Not published")

    session = models.ForeignKey(DialogueSession, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    anonymous = models.BooleanField(_("ask anonymously"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.CharField(_("reason"), max_length=300, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)
    commitment = models.ForeignKey(
        "plans.Commitment",
        verbose_name=_("related commitment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionSupport(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_supports")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="one_question_support_per_person")]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.user_id}"
