"""Complaint cases. Every field that could say who reported or what was reported is ciphertext.

Plain columns are only what the legal clock and the public statistics need: the category the
reporter chose, the channel, whether they identified themselves, state and dates (day precision).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Category(models.TextChoices):
        BRIBERY = "bribery", _("Bribery or request of payments")
        EMBEZZLEMENT = "embezzlement", _("Misuse of public funds or property")
        PROCUREMENT = "procurement", _("Irregular contracting")
        INFLUENCE = "influence", _("Influence peddling, nepotism or conflict of interest")
        ABUSE = "abuse", _("Abuse of power or of office")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGE = "triage", _("In triage")
        INVESTIGATION = "investigation", _("In investigation")
        FORWARDED = "forwarded", _("Forwarded to the competent authority")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        DELETED = "deleted", _("Deleted")

    class Authority(models.TextChoices):
        PROCURADURIA = "procuraduria", _("Procuraduría General de la Nación")
        CONTRALORIA = "contraloria", _("Contraloría")
        FISCALIA = "fiscalia", _("Fiscalía General de la Nación")
        PERSONERIA = "personeria", _("Personería Distrital")
        OTHER = "other", _("Other authority")

    number = models.CharField(_("number"), max_length=20, unique=True)
    category = models.CharField(_("type"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    identified = models.BooleanField(_("reporter identified"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    # Dates, to the day: a finer time would help match a case to network logs.
    received_on = models.DateField(_("received on"))
    forward_due_on = models.DateField(_("forward by"))
    due_on = models.DateField(_("answer due"))
    extended = models.BooleanField(_("term extended"), default=False)
    forwarded_to = models.CharField(_("forwarded to"), max_length=20, choices=Authority.choices, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    delete_after = models.DateField(_("delete after"), null=True, blank=True)
    deletion_warned_on = models.DateField(null=True, blank=True)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    # Something new from the reporter that no handler has opened yet.
    unread = models.BooleanField(default=True)
    # Bumped when the reporter leaves the follow-up: every follow-up cookie made before stops working.
    session_epoch = models.PositiveIntegerField(default=0)

    # --- keys: none of these opens anything alone
    key_id = models.CharField(max_length=32, unique=True)  # the store key's id in the key store
    receipt_hash = models.CharField(max_length=200, unique=True, null=True, blank=True)
    receipt_salt = models.BinaryField(null=True, blank=True)
    receipt_wrap = models.BinaryField(null=True, blank=True)  # K under the receipt key
    recovery_seal = models.BinaryField(null=True, blank=True)  # K sealed to the office's recovery key
    # --- content: JSON encrypted under the content key
    content = models.BinaryField()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.ANSWERED, self.Status.CLOSED, self.Status.DELETED}


class HandlerKey(models.Model):
    """A handler's key pair; the private key is wrapped under a key derived from their password."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_key")
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    salt = models.BinaryField()
    kdf = models.JSONField(default=dict)  # the Argon2id parameters used, to unwrap with the same ones
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"HandlerKey({self.user_id})"


class RecoveryKey(models.Model):
    """The office's recovery public key; its private key is kept offline (docs/security/complaints.md)."""

    public_key = models.BinaryField()
    fingerprint = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.fingerprint


class CaseGrant(models.Model):
    """The case key sealed to one handler: the handler may read the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_grants")
    sealed_key = models.BinaryField()
    # No time: the grants made at submission would give the case's second (the audit log says when
    # a handler granted a case to another).

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_grant_per_handler")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class Message(models.Model):
    """A message between reporter and handlers, or an internal note; the body is ciphertext."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")
        SYSTEM = "system", _("System")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    internal = models.BooleanField(default=False)  # an internal note: never shown to the reporter
    body = models.BinaryField()
    # Day precision for the reporter's own messages; exact for handlers.
    created_on = models.DateField()
    created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.pk}"


class Attachment(models.Model):
    """An encrypted evidence file. Its name and type are ciphertext inside ``meta``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    meta = models.BinaryField()  # encrypted JSON: original name, kind, size
    blob = models.CharField(max_length=200)  # storage path of the encrypted bytes
    from_reporter = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk}"


class AuditEntry(models.Model):
    """What a handler did to a case. Append-only (database triggers) and hash-chained.

    No column identifies the reporter: the actor is always staff, the case is named by its number.
    """

    at = models.DateTimeField()
    # No database constraint: rows are never updated, so a deleted user leaves their id and email here.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40)
    case_number = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.action} {self.case_number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries cannot be deleted.")


class IntakeMessage(models.Model):
    """An email already filed as a case, by a keyed hash of its Message-ID, so intake never files it twice."""

    digest = models.CharField(max_length=64, unique=True)
    filed_on = models.DateField()

    def __str__(self) -> str:
        return self.digest[:12]


class DigestMark(models.Model):
    """How far the handlers' digest has told (``complaints_digest``): the last case and the last
    reporter message it counted. One row, updated in place, with no time: it says nothing about when
    anything arrived."""

    last_case_id = models.BigIntegerField(default=0)
    last_message_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.last_case_id}/{self.last_message_id}"


class StatsSnapshot(models.Model):
    """The public statistics of one day, computed once (by ``complaints_daily`` or the first visit of
    the day) from closed months only, and the audit chain's head at the start of that day."""

    day = models.DateField(unique=True)
    # {"months": [[key, received, …], …], "types": [[category, received, …], …]} (raw counts;
    # small ones are suppressed when shown)
    figures = models.JSONField(default=dict)
    audit_count = models.PositiveIntegerField(default=0)
    audit_head = models.CharField(max_length=64)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()
