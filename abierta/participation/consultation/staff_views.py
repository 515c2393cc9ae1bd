"""Staff pages of the consultation's polling tables: the tables, their facilitators and the counts
of their paper tally sheets. Permissions come only from ``access.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.participation import access
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.forms import FacilitatorForm, PollingTableForm, TallySheetForm
from abierta.participation.consultation.views import _context, _get
from abierta.participation.models import Consultation, PollingTable


def _page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    status: int = 200,
    table_form: PollingTableForm | None = None,
    sheet_form: TallySheetForm | None = None,
    facilitator_forms: dict[int, FacilitatorForm] | None = None,
) -> HttpResponse:
    tables = list(consultation.polling_tables.prefetch_related("facilitators"))
    bound = facilitator_forms or {}
    rows: list[dict[str, Any]] = [
        {
            "table": t,
            "facilitators": list(t.facilitators.all()),
            "form": bound.get(t.number) or FacilitatorForm(prefix=f"t{t.number}"),
        }
        for t in tables
    ]
    return render(
        request,
        "participation/consultation/polling_tables.html",
        _context(
            consultation,
            rows=rows,
            may_manage=access.may_manage_polling_tables(request.user, consultation),
            may_sheets=access.may_record_tally_sheets(request.user, consultation),
            table_form=table_form or PollingTableForm(consultation=consultation),
            sheet_form=sheet_form or TallySheetForm(consultation=consultation),
            reconciliation=svc.reconciliation(consultation, 0),
        ),
        status=status,
    )


def _back(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("participation:consultation_polling_tables", kwargs={"slug": slug}))


@staff_required
@never_cache
@require_GET
def polling_tables(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_see_polling_tables(request.user, consultation):
        raise PermissionDenied
    return _page(request, consultation)


@staff_required
@require_POST
def polling_table_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    form = PollingTableForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return _page(request, consultation, status=400, table_form=form)
    svc.polling_table_create(
        consultation=consultation,
        number=form.cleaned_data["number"],
        place=form.cleaned_data["place"],
        actor=request.user,
    )
    messages.success(request, _("Table %(n)d added.") % {"n": form.cleaned_data["number"]})
    return _back(slug)


@staff_required
@require_POST
def facilitator_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    table = get_object_or_404(PollingTable, consultation=consultation, number=number)
    form = FacilitatorForm(request.POST, prefix=f"t{number}")
    if not form.is_valid():
        return _page(request, consultation, status=400, facilitator_forms={number: form})
    svc.facilitator_set(table=table, user=form.cleaned_data["email"], assigned=True, actor=request.user)
    messages.success(request, _("Facilitator assigned to table %(n)d.") % {"n": number})
    return _back(slug)


@staff_required
@require_POST
def facilitator_remove(request: HttpRequest, slug: str, number: int, user_id: int) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    table = get_object_or_404(PollingTable, consultation=consultation, number=number)
    user = get_object_or_404(User, pk=user_id, polling_tables=table)
    svc.facilitator_set(table=table, user=user, assigned=False, actor=request.user)
    messages.success(request, _("Facilitator removed from table %(n)d.") % {"n": number})
    return _back(slug)


@staff_required
@require_POST
def tally_sheet_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_record_tally_sheets(request.user, consultation):
        raise PermissionDenied
    form = TallySheetForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return _page(request, consultation, status=400, sheet_form=form)
    data = form.cleaned_data
    table = get_object_or_404(PollingTable, consultation=consultation, number=data["table"])
    svc.tally_sheet_record(table=table, day=data["day"], count=data["count"], actor=request.user)
    messages.success(request, _("Paper tally sheet recorded."))
    return _back(slug)
