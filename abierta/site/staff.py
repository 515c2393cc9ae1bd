"""The staff home ("Gestión"): the links every app offers the signed-in staff member."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.accounts.decorators import staff_required
from abierta.accounts.roles import is_admin
from abierta.core import staffhome
from abierta.core.models import OutboxMessage


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    groups = staffhome.groups_for(request.user)
    if is_admin(request.user):
        failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
        failed += OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count()
        note = ngettext("(%(n)d failed)", "(%(n)d failed)", failed) % {"n": failed} if failed else ""
        links = (
            staffhome.StaffLink(_("Background tasks and emails"), reverse("site:staff_tasks"), note=note),
            staffhome.StaffLink(_("Administration"), reverse("admin:index")),
        )
        groups.append(staffhome.StaffGroup("", (staffhome.StaffLine(links),)))
    return render(request, "site/staff_home.html", {"groups": groups})
