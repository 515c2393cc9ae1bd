"""What waits for the complaint handlers: cases past their answer date, cases due within
``ABIERTA_COMPLAINTS_DUE_SOON_DAYS`` business days, cases to forward whose forwarding date passed.
Counted with three ``COUNT`` queries (the daily reminder mail lists the same cases)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from abierta.complaints import access
from abierta.complaints.businessdays import add_business_days
from abierta.complaints.models import Case
from abierta.complaints.retention import BEFORE_FORWARDING, OPEN_STATES
from abierta.core.staffhome import Todo


def todos(user: Any) -> list[Todo]:
    if not access.may_handle(user):
        return []
    today = timezone.localdate()
    open_cases = Case.objects.filter(status__in=OPEN_STATES)
    overdue = open_cases.filter(due_on__lt=today).count()
    soon = open_cases.filter(
        due_on__gte=today, due_on__lte=add_business_days(today, settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS)
    ).count()
    forward = Case.objects.filter(
        status__in=BEFORE_FORWARDING, forwarded_on__isnull=True, forward_due_on__lt=today
    ).count()
    inbox = reverse("complaints:inbox")
    return [
        Todo(
            ngettext("%(n)d complaint past its answer date", "%(n)d complaints past their answer date", overdue)
            % {"n": overdue},
            overdue,
            inbox,
            urgent=True,
        ),
        Todo(
            ngettext(
                "%(n)d complaint to forward, past its forwarding date",
                "%(n)d complaints to forward, past their forwarding date",
                forward,
            )
            % {"n": forward},
            forward,
            inbox,
            urgent=True,
        ),
        Todo(
            ngettext(
                "%(n)d complaint due within %(days)d business days",
                "%(n)d complaints due within %(days)d business days",
                soon,
            )
            % {"n": soon, "days": settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS},
            soon,
            inbox,
        ),
    ]
