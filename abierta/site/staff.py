"""The staff home ("Gestión"): the links every app offers the signed-in staff member."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.accounts.decorators import staff_required
from abierta.accounts.roles import is_admin
from abierta.core import staffhome
from abierta.core.models import ImportRun, OutboxMessage

# The staff home counts the imports that failed in this many days.
FAILED_IMPORTS_DAYS = 30


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    groups = staffhome.groups_for(request.user)
    todos = staffhome.todos_for(request.user)
    if is_admin(request.user):
        failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
        failed += OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count()
        note = ngettext("(%(n)d failed)", "(%(n)d failed)", failed) % {"n": failed} if failed else ""
        since = timezone.now() - datetime.timedelta(days=FAILED_IMPORTS_DAYS)
        imports = ImportRun.objects.filter(status=ImportRun.Status.FAILED, started_at__gte=since).count()
        text = ngettext(
            "%(n)d import failed in the last %(days)d days", "%(n)d imports failed in the last %(days)d days", imports
        ) % {"n": imports, "days": FAILED_IMPORTS_DAYS}
        mails = ngettext("%(n)d background task or email failed", "%(n)d background tasks or emails failed", failed) % {
            "n": failed
        }
        todos += [
            t
            for t in (
                staffhome.Todo(text, imports, reverse("site:staff_tasks")),
                staffhome.Todo(mails, failed, reverse("site:staff_tasks")),
            )
            if t.count
        ]
        links = (
            staffhome.StaffLink(_("Background tasks and emails"), reverse("site:staff_tasks"), note=note),
            staffhome.StaffLink(_("Administration"), reverse("admin:index")),
        )
        groups.append(staffhome.StaffGroup("", (staffhome.StaffLine(links),)))
    return render(request, "site/staff_home.html", {"groups": groups, "todos": todos})
