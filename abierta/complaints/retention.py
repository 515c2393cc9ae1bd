"""The daily round of the complaint channel: reminders, retention warnings and crypto-shredding.

``abierta complaints_daily`` runs this once a day from cron; it also makes the day's public
statistics and audit head (``stats.stats_snapshot``). Running it again the same day changes
nothing: the reminder is remembered in the audit log, each retention warning in the case's
``deletion_warned_on``, and a deleted case is no longer closed.

Emails carry case numbers and dates only, never anything the reporter wrote.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from abierta.complaints import services
from abierta.complaints.businessdays import business_days_between
from abierta.complaints.models import AuditEntry, Case
from abierta.complaints.stats import stats_snapshot

REMINDER_ACTION = "reminder-sent"
WARNING_ACTION = "retention-warning"
# States in which the case still waits to be forwarded to the competent authority.
BEFORE_FORWARDING = (Case.Status.RECEIVED, Case.Status.TRIAGE, Case.Status.INVESTIGATION)
OPEN_STATES = (Case.Status.RECEIVED, Case.Status.TRIAGE, Case.Status.INVESTIGATION, Case.Status.FORWARDED)


@dataclass
class Reminder:
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)
    forward_due: list[Case] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon or self.forward_due)


@dataclass
class DailyReport:
    day: datetime.date
    reminder: Reminder
    reminders_sent: int = 0
    reminder_already_sent: bool = False
    warned: list[tuple[Case, int]] = field(default_factory=list)
    warnings_sent: int = 0
    deleted: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        r = self.reminder
        lines = [
            _("Complaints, daily round of %(day)s") % {"day": self.day.isoformat()},
            _("Open cases overdue: %(n)s; due within %(days)s business days: %(soon)s; to forward: %(fwd)s.")
            % {
                "n": len(r.overdue),
                "days": settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS,
                "soon": len(r.due_soon),
                "fwd": len(r.forward_due),
            },
        ]
        if self.reminder_already_sent:
            lines.append(_("Reminder: already sent today."))
        else:
            lines.append(
                ngettext("Reminder sent to %(n)s handler.", "Reminder sent to %(n)s handlers.", self.reminders_sent)
                % {"n": self.reminders_sent}
            )
        lines.append(
            _("Retention warnings: %(cases)s cases, %(emails)s emails.")
            % {"cases": len(self.warned), "emails": self.warnings_sent}
        )
        lines.append(
            _("Deleted (crypto-shredded): %(n)s%(list)s")
            % {"n": len(self.deleted), "list": (": " + ", ".join(self.deleted)) if self.deleted else ""}
        )
        return lines


# ---------------------------------------------------------------- reminders


def _inbox_url() -> str:
    return settings.SITE_URL + reverse("complaints:inbox")


def reminder_for(day: datetime.date) -> Reminder:
    """What the handlers should hear about today: overdue, due soon, forwarding due."""
    reminder = Reminder()
    soon = settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS
    for case in Case.objects.filter(status__in=OPEN_STATES).order_by("due_on", "number"):
        if case.due_on < day:
            reminder.overdue.append(case)
        elif business_days_between(day, case.due_on) <= soon:
            reminder.due_soon.append(case)
    reminder.forward_due = list(
        Case.objects.filter(status__in=BEFORE_FORWARDING, forwarded_on__isnull=True, forward_due_on__lt=day).order_by(
            "forward_due_on", "number"
        )
    )
    return reminder


def _reminder_sent(day: datetime.date) -> bool:
    return AuditEntry.objects.filter(action=REMINDER_ACTION, detail=day.isoformat()).exists()


def reminders_send(*, day: datetime.date, reminder: Reminder) -> int:
    """One email to each handler, or none if there is nothing to say. Returns the emails sent."""
    recipients = services.handlers()
    if not reminder or not recipients:
        return 0
    context = {
        "reminder": reminder,
        "day": day,
        "due_soon_days": settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS,
        "inbox_url": _inbox_url(),
    }
    subject = _("Complaints: %(n)s cases need attention") % {
        "n": len({c.pk for c in [*reminder.overdue, *reminder.due_soon, *reminder.forward_due]})
    }
    sent = 0
    for handler in recipients:
        body = render_to_string("complaints/email/reminder.txt", {**context, "handler": handler})
        sent += send_mail(subject, body, None, [handler.email], fail_silently=True)
    services.audit_append(actor=None, action=REMINDER_ACTION, detail=day.isoformat())
    return sent


# ---------------------------------------------------------------- retention


def _threshold(days_left: int) -> int | None:
    """The smallest warning threshold that ``days_left`` falls within, or None if it is further away."""
    within = [t for t in settings.ABIERTA_COMPLAINTS_RETENTION_WARNING_DAYS if days_left <= t]
    return min(within) if within else None


def warnings_due(day: datetime.date) -> list[tuple[Case, int]]:
    """Closed cases entering a warning threshold they were not warned about yet, with that threshold."""
    horizon = day + datetime.timedelta(days=max(settings.ABIERTA_COMPLAINTS_RETENTION_WARNING_DAYS, default=0))
    due = []
    for case in Case.objects.filter(
        status=Case.Status.CLOSED, delete_after__gt=day, delete_after__lte=horizon
    ).order_by("delete_after", "number"):
        if case.delete_after is None:  # excluded by the filter; narrows the type
            continue
        now = _threshold((case.delete_after - day).days)
        if now is None:
            continue
        if case.deletion_warned_on is not None:
            before = _threshold((case.delete_after - case.deletion_warned_on).days)
            if before is not None and before <= now:
                continue  # this threshold (or a closer one) was already announced
        due.append((case, now))
    return due


def warnings_send(*, day: datetime.date, due: list[tuple[Case, int]]) -> int:
    if not due:
        return 0
    sent = 0
    recipients = services.handlers()
    subject = ngettext(
        "Complaints: %(n)s closed case will be deleted soon",
        "Complaints: %(n)s closed cases will be deleted soon",
        len(due),
    ) % {"n": len(due)}
    for handler in recipients:
        body = render_to_string(
            "complaints/email/retention_warning.txt",
            {"cases": due, "day": day, "handler": handler, "inbox_url": _inbox_url()},
        )
        sent += send_mail(subject, body, None, [handler.email], fail_silently=True)
    Case.objects.filter(pk__in=[case.pk for case, _t in due]).update(deletion_warned_on=day)
    for case, threshold in due:
        services.audit_append(actor=None, action=WARNING_ACTION, case=case, detail=f"{threshold}d")
    return sent


def retention_delete(*, day: datetime.date) -> list[str]:
    """Crypto-shred every closed case whose retention has run out. Open cases are never deleted."""
    deleted = []
    for case in Case.objects.filter(status=Case.Status.CLOSED, delete_after__lte=day).order_by("delete_after", "id"):
        services.case_delete(case=case, actor=None)
        deleted.append(case.number)
    return deleted


def complaints_daily(*, day: datetime.date | None = None) -> DailyReport:
    day = day or services.today()
    report = DailyReport(day=day, reminder=reminder_for(day))
    if _reminder_sent(day):
        report.reminder_already_sent = True
    else:
        report.reminders_sent = reminders_send(day=day, reminder=report.reminder)
    report.warned = warnings_due(day)
    report.warnings_sent = warnings_send(day=day, due=report.warned)
    report.deleted = retention_delete(day=day)
    # The day's public statistics and audit head, so they exist before the first visitor asks.
    stats_snapshot(day)
    return report
