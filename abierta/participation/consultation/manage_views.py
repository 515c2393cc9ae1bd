"""Staff pages that run a plan's consultation (/gestion/consulta/<plan>/...): create and edit it
before it opens (question, shortlist, dates, choices, identity level), preview the ballot as a
citizen sees it, open it now, close it now, and publish the results.

"Open" and "close" are dates (``Consultation.is_open``): opening now moves the opening to now,
closing now moves the closing to now and freezes the ballot file. Results are public from the
close (``access.may_see_results``); publishing freezes the ballot file at once, instead of at the
first visit of the results page (docs/decisions/0029-cocreation-and-consultation-staff-screens.md).
Each action asks once more before it is done; who may do it, when, is decided by ``access``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from abierta.accounts.decorators import staff_required
from abierta.participation import access
from abierta.participation.cocreation.staff_views import _user
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.forms import ConfirmForm, ConsultationForm
from abierta.participation.consultation.views import _context
from abierta.participation.models import BallotFile, Consultation, Initiative, Process


def consultation_for_officer(request: HttpRequest, slug: str) -> Consultation:
    """The plan's consultation for its staff page: 404 if none, 403 for anyone but its officers."""
    consultation = get_object_or_404(Consultation.objects.select_related("process__plan"), process__plan__slug=slug)
    if not access.may_manage_consultation(request.user, consultation):
        raise PermissionDenied
    return consultation


def _initiatives(process: Process) -> QuerySet[Initiative]:
    return Initiative.objects.filter(plan_id=process.plan_id).order_by("number")


def open_problems(consultation: Consultation) -> list[str]:
    """What keeps a consultation that has not opened from opening now (its ballot must make sense)."""
    shortlisted = len(svc.eligible_initiatives(consultation))
    problems = []
    if shortlisted < 2:
        problems.append(_("The ballot needs at least two initiatives: edit the consultation and choose them."))
    elif consultation.max_choices > shortlisted:
        problems.append(
            _("Each voter may choose %(n)d initiatives but the ballot has %(total)d: edit the consultation.")
            % {"n": consultation.max_choices, "total": shortlisted}
        )
    return problems


def refusals(consultation: Consultation) -> dict[str, str]:
    """Why each action is not offered in the consultation's state, in plain words."""
    now = timezone.now()
    frozen = BallotFile.objects.filter(consultation=consultation).defer("data").first()
    not_open_yet = now < consultation.opens_at
    is_open = consultation.is_open(now)
    locked = _(
        "The consultation has opened: its question, ballot, dates and identity level can no longer change, "
        "so that every voter answers the same ballot."
    )
    reasons = {
        "edit": "" if not_open_yet else locked,
        "open": "" if not_open_yet else (_("It is open now.") if is_open else _("It has closed.")),
        "close": ""
        if is_open
        else (
            _("It has not opened yet: it can be closed only while it is open.") if not_open_yet else _("It has closed.")
        ),
        "publish": "",
    }
    if not_open_yet and open_problems(consultation):
        reasons["open"] = " ".join(open_problems(consultation))
    if now < consultation.closes_at:
        reasons["publish"] = _(
            "The results are published once the consultation has closed: close it now, or wait for its closing."
        )
    elif frozen is not None:
        reasons["publish"] = _("The results are published.")
    return reasons


@staff_required
@require_http_methods(["GET", "HEAD"])
def consultation_page(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_officer(request, slug)
    user = request.user
    context = _context(
        consultation,
        initiatives=svc.eligible_initiatives(consultation),
        frozen=BallotFile.objects.filter(consultation=consultation).defer("data").first(),
        can_edit=access.may_edit_consultation(user, consultation),
        can_open=access.may_open_consultation(user, consultation) and not open_problems(consultation),
        can_close=access.may_close_consultation(user, consultation),
        can_publish=access.may_publish_results(user, consultation),
        can_identity=access.may_manage_voter_identity(user, consultation),
        can_tables=access.may_see_polling_tables(user, consultation),
        refusals=refusals(consultation),
    )
    return render(request, "participation/consultation/staff/home.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the process's consultation, or change it while it has not opened."""
    process = get_object_or_404(Process.objects.select_related("plan"), plan__slug=slug)
    consultation = Consultation.objects.filter(process=process).first()
    if consultation is None:
        if not access.may_create_consultation(request.user, process):
            raise PermissionDenied
        consultation = Consultation(process=process)
        initial_shortlist = list(_initiatives(process).filter(shortlisted=True))
    else:
        if not access.may_edit_consultation(request.user, consultation):
            raise PermissionDenied
        initial_shortlist = list(_initiatives(process).filter(shortlisted=True))
    form = ConsultationForm(
        request.POST or None,
        instance=consultation,
        initiatives=_initiatives(process),
        initial={"shortlist": initial_shortlist},
    )
    if request.method == "POST" and form.is_valid():
        svc.consultation_save(
            consultation=form.save(commit=False), shortlist=list(form.cleaned_data["shortlist"]), actor=_user(request)
        )
        messages.success(request, _("The consultation is saved. Preview its ballot before opening it."))
        return redirect("participation:staff_consultation", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "consultation": consultation, "form": form}
    return render(request, "participation/consultation/staff/form.html", context, status=status)


@staff_required
@require_http_methods(["GET", "HEAD"])
def consultation_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The ballot as a citizen will see it, with nothing to send."""
    consultation = consultation_for_officer(request, slug)
    initiatives = svc.eligible_initiatives(consultation)
    form = ConfirmForm(consultation=consultation, initiatives=initiatives)
    context = _context(consultation, initiatives=initiatives, form=form)
    return render(request, "participation/consultation/staff/preview.html", context)


def _confirm(
    request: HttpRequest, slug: str, *, action: str, allowed: bool, consultation: Consultation
) -> HttpResponse | None:
    """The confirmation page of an action (GET), or None when a POST may go ahead."""
    if not allowed:
        raise PermissionDenied
    if request.method == "POST":
        return None
    context = _context(consultation, action=action, refusals=refusals(consultation))
    return render(request, "participation/consultation/staff/confirm.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_open(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_officer(request, slug)
    allowed = access.may_open_consultation(request.user, consultation) and not open_problems(consultation)
    page = _confirm(request, slug, action="open", allowed=allowed, consultation=consultation)
    if page is not None:
        return page
    svc.consultation_open(consultation=consultation, actor=_user(request))
    messages.success(request, _("The consultation is open: citizens can vote now."))
    return redirect("participation:staff_consultation", slug=slug)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_close(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_officer(request, slug)
    allowed = access.may_close_consultation(request.user, consultation)
    page = _confirm(request, slug, action="close", allowed=allowed, consultation=consultation)
    if page is not None:
        return page
    frozen = svc.consultation_close_now(consultation=consultation, actor=_user(request))
    messages.success(
        request,
        _("The consultation is closed and its results are published (SHA-256 of the ballot file: %(sha)s).")
        % {"sha": frozen.sha256},
    )
    return redirect("participation:staff_consultation", slug=slug)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_publish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_officer(request, slug)
    allowed = access.may_publish_results(request.user, consultation)
    page = _confirm(request, slug, action="publish", allowed=allowed, consultation=consultation)
    if page is not None:
        return page
    frozen = svc.consultation_close(consultation=consultation)
    messages.success(
        request,
        _("The results are published (SHA-256 of the ballot file: %(sha)s).") % {"sha": frozen.sha256},
    )
    return redirect("participation:consultation_results", slug=slug)
