"""The staff home ("Gestión"): the links every app offers the signed-in staff member."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.accounts.roles import is_admin
from abierta.core import staffhome


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    groups = staffhome.groups_for(request.user)
    if is_admin(request.user):
        link = staffhome.StaffLink(_("Administration"), reverse("admin:index"))
        groups.append(staffhome.StaffGroup("", (staffhome.StaffLine((link,)),)))
    return render(request, "site/staff_home.html", {"groups": groups})
