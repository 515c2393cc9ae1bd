"""What every part of the platform shares: the offices (institutions) and the public change history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abierta.core.uploads import PrivateStorage


class ProcessedImage(models.Model):
    """A photo whose metadata the queue strips before it is shown (``core.uploads.image_publish``).

    The request keeps the uploaded bytes in ``original`` (private storage, never served) and the photo
    ``pending``; the task writes the re-encoded ``image`` and marks it ``ready``, or ``failed`` if the
    file cannot be decoded in time. Public pages show only ready photos."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being processed")
        READY = "ready", _("Shown on the site")
        FAILED = "failed", _("Could not be processed")

    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    original = models.FileField(
        _("original upload"), storage=PrivateStorage(), upload_to="pending-images/%Y/%m/", blank=True
    )
    error = models.CharField(_("processing error"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY


class Institution(models.Model):
    """A government office, or an outside body that takes part (monitoring body, civil society)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government office")
        MONITORING = "monitoring", _("Independent monitoring body")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    website = models.URLField(_("website"), blank=True)

    history_fields = ("name", "short_name", "slug", "kind", "email", "phone", "website")

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name

    def history_scope(self) -> str:
        return f"core.institution:{self.pk}"


class ChangeRecord(models.Model):
    """One public entry of an object's history: who changed what, and when.

    ``scope`` groups the records shown together on one public page (for example every change to a
    commitment, its milestones and their progress updates), so a page reads its history with one
    indexed query.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")

    scope = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    # {field name: [old value, new value]}, values as shown to people at the time of the change.
    changes = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is deleted: the public record must still say who made the change.
    actor_name = models.CharField(max_length=200)
    actor_institution = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["scope", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def field_changes(self) -> list[dict[str, Any]]:
        """The changes with each field's translated label, for templates."""
        model = self.content_type.model_class()
        rows = []
        for name, (old, new) in self.changes.items():
            label: Any = name
            shown = _shown
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:  # a field removed since keeps its name
                    field = None
                if field is not None:
                    label = getattr(field, "verbose_name", name)
                    choices = dict(getattr(field, "flatchoices", None) or [])
                    if choices:

                        def shown(value: Any, choices: dict[Any, Any] = choices) -> Any:
                            return choices.get(value, value)

            rows.append({"field": name, "label": label, "old": shown(old), "new": shown(new)})
        return rows


def _shown(value: Any) -> Any:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


class ContentVersion(models.Model):
    """A counter per section of published content (an app's label), bumped by every change to it;
    cached public pages include the counters of the sections they read in their key, so a change
    makes the pages that show it stale at once, on every app server (``core/cache.py``)."""

    section = models.CharField(max_length=50, unique=True, default="*")
    counter = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.counter)


class ImportRun(models.Model):
    """One run of a file importer (SECOP II contracts, OCDS, PAA, the development plan): what it read
    and what it did.

    A run is identified by the importer's kind and the file's SHA-256, so running the same file again
    after a kill resumes after ``committed_line``; each batch and this row's counters commit together.
    Importers write with bulk operations (no save signals), so they bump the page-cache version once
    per batch themselves. Runs are operational records, never shown on a cached page.
    """

    public_content = False

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Stopped: not the expected format")

    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=300)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField(_("message"), blank=True)
    committed_line = models.PositiveBigIntegerField(_("last committed line"), default=0)
    read = models.PositiveIntegerField(_("read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=200, blank=True)
    # A file uploaded on a staff page, kept (never served) until the queue has imported it.
    upload = models.FileField(_("uploaded file"), storage=PrivateStorage(), upload_to="imports/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [models.Index(fields=["kind", "file_sha256"], name="core_importrun_kind_sha")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.get_status_display()})"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.FINISHED, self.Status.FAILED)


class ImportRejection(models.Model):
    """A row an import refused, with its line in the file and the reason, in Spanish."""

    public_content = False

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveBigIntegerField(_("line"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["run", "line"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class OutboxMessage(models.Model):
    """An email waiting to leave, or gone: written in the transaction of the fact that causes it
    (``abierta.core.outbox.OutboxBackend``) and delivered by the queue (``outbox_deliver``)."""

    public_content = False

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # The whole message as Python's email package writes it, sealed (abierta.core.outbox); emptied once sent.
    sender = models.CharField(_("from"), max_length=300)
    recipients = models.JSONField(_("to"), default=list)
    message = models.BinaryField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    due_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker claims a message until then; a worker that dies leaves it to the next one.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["state", "due_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

    @property
    def kind(self) -> str:
        """What sort of message, from its key ("work-update", or "mail" for one of a kind)."""
        return self.key.split(":", 1)[0]


class ScheduledRun(models.Model):
    """When each schedule declared in code (``abierta.core.queue.periodic``) next runs; the worker
    that moves ``next_run_at`` forward first enqueues the task, so two workers never both do."""

    public_content = False

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
