"""OGP Local action plans: commitments, milestones, progress, monitoring, committee, comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.core.history import scope_of
from abierta.core.models import Institution, ProcessedImage
from abierta.core.uploads import PrivateStorage, ProcessedFields


class ActionPlan(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    submitted_on = models.DateField(_("submission date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    # The OGP Local action plan template's texts.
    foreword = models.TextField(_("foreword"), blank=True)
    vision = models.TextField(_("long-term open government vision"), blank=True)
    achievements = models.TextField(_("open government achievements to date"), blank=True)
    challenges = models.TextField(_("current challenges"), blank=True)
    goals = models.TextField(_("medium-term open government goals"), blank=True)
    contribution = models.TextField(_("how the plan contributes to the vision"), blank=True)
    coordination = models.TextField(_("institutional arrangements"), blank=True)
    co_creation = models.TextField(_("co-creation spaces"), blank=True)
    monitoring_body = models.TextField(_("independent monitoring body"), blank=True)
    ogp_url = models.URLField(_("OGP Local page"), blank=True)
    microsite_url = models.URLField(_("local open government page"), blank=True)
    lead_institutions = models.ManyToManyField(
        Institution, verbose_name=_("lead institutions"), related_name="led_plans", blank=True
    )
    supporting_institutions = models.ManyToManyField(
        Institution, verbose_name=_("supporting institutions"), related_name="supported_plans", blank=True
    )
    is_published = models.BooleanField(_("published"), default=True)

    history_fields = (
        "title",
        "jurisdiction",
        "period_start",
        "period_end",
        "submitted_on",
        "ends_on",
        "vision",
        "is_published",
    )

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"slug": self.slug})

    def history_scope(self) -> str:
        return scope_of(self)


class Commitment(models.Model):
    class Completion(models.TextChoices):
        NO_EVIDENCE = "no_evidence", _("No evidence available")
        NOT_STARTED = "not_started", _("Not started")
        LIMITED = "limited", _("Limited")
        SUBSTANTIAL = "substantial", _("Substantial")
        COMPLETE = "complete", _("Complete")

    class OpenedGovernment(models.TextChoices):
        NOT_ASSESSED = "", _("Not assessed yet")
        WORSENED = "worsened", _("Worsened")
        DID_NOT_CHANGE = "did_not_change", _("Did not change")
        MARGINAL = "marginal", _("Marginal")
        MAJOR = "major", _("Major")
        OUTSTANDING = "outstanding", _("Outstanding")

    class Potential(models.TextChoices):
        UNCLEAR = "unclear", _("Unclear")
        MODEST = "modest", _("Modest")
        SUBSTANTIAL = "substantial", _("Substantial")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("For example COCDI0001."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem to address"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    description = models.TextField(_("description"), blank=True)
    objective = models.TextField(_("objective"), blank=True)
    value_access_to_information = models.BooleanField(_("access to information"), default=False)
    value_civic_participation = models.BooleanField(_("civic participation"), default=False)
    value_public_accountability = models.BooleanField(_("public accountability"), default=False)
    value_technology = models.BooleanField(_("technology and innovation"), default=False)
    start_month = models.DateField(_("start month"), help_text=_("The first day of the month."))
    end_month = models.DateField(_("end month"), help_text=_("The first day of the month."))
    lead_institution = models.ForeignKey(
        Institution, verbose_name=_("lead institution"), on_delete=models.PROTECT, related_name="led_commitments"
    )
    supporting_institutions = models.ManyToManyField(
        Institution, verbose_name=_("supporting institutions"), related_name="supported_commitments", blank=True
    )
    verifiable = models.BooleanField(_("verifiable"), default=True)
    potential = models.CharField(
        _("potential for results"), max_length=20, choices=Potential.choices, default=Potential.UNCLEAR
    )
    completion = models.CharField(
        _("completion"), max_length=20, choices=Completion.choices, default=Completion.NOT_STARTED
    )
    opened_government = models.CharField(
        _("did it open government?"), max_length=20, choices=OpenedGovernment.choices, blank=True, default=""
    )
    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Invented for the demonstration; not in the source.")
    )

    history_fields = (
        "code",
        "title",
        "problem",
        "status_quo",
        "description",
        "objective",
        "value_access_to_information",
        "value_civic_participation",
        "value_public_accountability",
        "value_technology",
        "start_month",
        "end_month",
        "lead_institution",
        "supporting_institutions",
        "verifiable",
        "potential",
        "completion",
        "opened_government",
    )

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:commitment", kwargs={"slug": self.plan.slug, "code": self.code})

    def history_scope(self) -> str:
        return scope_of(self)

    def ogp_values(self) -> list[str]:
        pairs = [
            (self.value_access_to_information, _("Access to information")),
            (self.value_civic_participation, _("Civic participation")),
            (self.value_public_accountability, _("Public accountability")),
            (self.value_technology, _("Technology and innovation")),
        ]
        return [str(label) for on, label in pairs if on]


class Milestone(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DELAYED = "delayed", _("Delayed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("expected output"), max_length=400)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    responsible = models.ForeignKey(
        Institution, verbose_name=_("responsible office"), on_delete=models.PROTECT, related_name="milestones"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("title", "start_date", "end_date", "responsible", "status")

    class Meta:
        ordering = ["commitment", "order", "start_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def history_scope(self) -> str:
        return scope_of(self.commitment)


def evidence_path(instance: models.Model, filename: str) -> str:
    from abierta.core.uploads import upload_path

    return upload_path("evidence", filename)


def report_path(instance: models.Model, filename: str) -> str:
    from abierta.core.uploads import upload_path

    return upload_path("reports", filename)


def minutes_path(instance: models.Model, filename: str) -> str:
    from abierta.core.uploads import upload_path

    return upload_path("minutes", filename)


class ProgressUpdate(models.Model):
    """A dated report of progress on a milestone, with its evidence."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date of the progress"))
    text = models.TextField(_("what was done"), max_length=4000)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    evidence_name = models.CharField(_("original file name"), max_length=200, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    # An evidence image waits in private storage until the queue strips its metadata and writes
    # ``evidence_file`` (``core.uploads.image_publish``); a PDF, a link or no evidence is "ready".
    evidence_state = models.CharField(
        _("state of the evidence file"),
        max_length=8,
        choices=ProcessedImage.State.choices,
        default=ProcessedImage.State.READY,
    )
    evidence_original = models.FileField(
        _("original upload"), storage=PrivateStorage(), upload_to="pending-images/%Y/%m/", blank=True
    )
    evidence_error = models.CharField(_("processing error"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="progress_updates"
    )
    institution = models.ForeignKey(Institution, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("date", "text", "evidence_file", "evidence_url")
    processed_fields = ProcessedFields(
        image="evidence_file", original="evidence_original", state="evidence_state", error="evidence_error"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.milestone}"[:300]

    def history_scope(self) -> str:
        return scope_of(self.milestone.commitment)

    @property
    def evidence_pending(self) -> bool:
        return self.evidence_state == ProcessedImage.State.PENDING

    @property
    def evidence_failed(self) -> bool:
        return self.evidence_state == ProcessedImage.State.FAILED


class MonitoringReport(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial report on co-creation")
        COMMITMENT = "commitment", _("End-of-commitment assessment")
        LEARNING = "learning", _("Final learning report")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind of report"), max_length=20, choices=Kind.choices)
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment assessed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    published_on = models.DateField(_("publication date"))
    file = models.FileField(_("report file (PDF)"), upload_to=report_path)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="reports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history_fields = ("kind", "commitment", "title", "published_on", "file")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")

    def __str__(self) -> str:
        return self.title

    def history_scope(self) -> str:
        return scope_of(self.plan)


class CommitteeMember(models.Model):
    """A member of the Citizen Monitoring Committee, elected at a working table."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="committee_members")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector or population represented"), max_length=200)
    working_table = models.ForeignKey(
        "participation.WorkingTable",
        verbose_name=_("working table that elected them"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_members",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="committee_seats"
    )
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("name", "sector", "working_table", "start_date", "end_date")

    class Meta:
        ordering = ["plan", "name"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return self.name

    def history_scope(self) -> str:
        return scope_of(self.plan)


class CommitteeMeeting(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="committee_meetings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=4000)
    minutes = models.FileField(_("minutes (PDF)"), upload_to=minutes_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_example = models.BooleanField(_("example data"), default=False)

    history_fields = ("date", "place", "summary", "minutes")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.place}".strip()

    def history_scope(self) -> str:
        return scope_of(self.plan)


class Endorsement(models.Model):
    """Support of the plan by a non-government stakeholder."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="endorsements")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history_fields = ("name", "sector")

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="endorsement_unique_name")]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")

    def __str__(self) -> str:
        return f"{self.name} ({self.sector})"

    def history_scope(self) -> str:
        return scope_of(self.plan)


class Comment(models.Model):
    """A public comment on a plan or on one of its commitments.

    Comments appear at once; any signed-in person can report one; a moderator hides or restores
    it, and a comment reported by ``settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS`` people is hidden
    until a moderator looks at it.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by moderation")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    report_count = models.PositiveIntegerField(default=0)
    needs_review = models.BooleanField(default=False, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Offensive or hateful")
        SPAM = "spam", _("Spam or advertising")
        PERSONAL_DATA = "personal_data", _("Exposes personal data")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once_per_person")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.reason}"
