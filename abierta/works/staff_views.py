"""Staff pages of public works (/gestion/obras/...). Who may touch which work is decided by
``access``; a view gets a work or a report only through ``access.work_for_user`` /
``access.report_for_user``."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core.paging import page_of
from abierta.works import access, services, todos
from abierta.works.forms import (
    ContractLinkForm,
    ReportFilterForm,
    ReportForwardForm,
    ReportReviewForm,
    WorkForm,
    WorkUpdateForm,
)
from abierta.works.models import IrregularityPhoto, IrregularityReport, Work, WorkContract, WorkPhoto


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # staff_required let only signed-in staff through
        raise PermissionDenied
    return request.user


# ---------------------------------------------------------------- works


@staff_required
@require_http_methods(["GET", "HEAD"])
def work_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    works = access.manageable_works(user)
    if not works.exists() and not access.may_create_work(user):
        raise PermissionDenied
    stale = request.GET.get("sin_avance") == "1"
    shown = todos.stale_works(user) if stale else works
    page = page_of(request, shown.order_by("name"), 50)
    open_reports = access.readable_reports(user).filter(status=IrregularityReport.Status.RECEIVED).count()
    context = {
        "page": page,
        "may_create": access.may_create_work(user),
        "open_reports": open_reports,
        "stale": stale,
        "stale_days": todos.STALE_DAYS,
    }
    return render(request, "works/staff/work_list.html", context)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def work_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.may_create_work(user):
        raise PermissionDenied
    form = WorkForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        work = services.work_save(work=form.save(commit=False), actor=user, before=None)
        messages.success(request, _("The work is registered. Link its contracts below."))
        return redirect("works:staff_work", code=work.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "works/staff/work_form.html", {"form": form}, status=status)


def _edit_context(request: HttpRequest, work: Work, **forms: object) -> dict[str, object]:
    return {
        "work": work,
        "work_url": services.work_public_path(work),
        "form": forms.get("form") or WorkForm(instance=work, user=_user(request)),
        "link_form": forms.get("link_form") or ContractLinkForm(work=work),
        "links": work.work_contracts.select_related("contract"),
        "updates": work.updates.annotate(
            pending_photos=Count("photos", filter=Q(photos__state=WorkPhoto.State.PENDING)),
            failed_photos=Count("photos", filter=Q(photos__state=WorkPhoto.State.FAILED)),
        )[:10],
        "followers": work.followers.filter(confirmed_at__isnull=False).count(),
        "report_count": work.reports.count(),
    }


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def work_edit(request: HttpRequest, code: str) -> HttpResponse:
    work = access.work_for_user(request, code)
    if request.method == "POST":
        before = services.work_snapshot(work)
        form = WorkForm(request.POST, instance=work, user=_user(request))
        if form.is_valid():
            services.work_save(work=form.save(commit=False), actor=_user(request), before=before)
            messages.success(request, _("The work is saved."))
            return redirect("works:staff_work", code=work.code)
        work.refresh_from_db()
        return render(request, "works/staff/work_edit.html", _edit_context(request, work, form=form), status=400)
    return render(request, "works/staff/work_edit.html", _edit_context(request, work))


@staff_required
@require_POST
def work_publish(request: HttpRequest, code: str) -> HttpResponse:
    work = access.work_for_user(request, code)
    published = request.POST.get("published") == "1"
    services.work_publish_set(work=work, actor=_user(request), published=published)
    if published:
        messages.success(request, _("The work is published: its page and QR code are public."))
    else:
        messages.success(request, _("The work is no longer published: its page answers “not found”."))
    return redirect("works:staff_work", code=work.code)


@staff_required
@require_POST
def contract_link(request: HttpRequest, code: str) -> HttpResponse:
    work = access.work_for_user(request, code)
    form = ContractLinkForm(request.POST, work=work)
    if form.is_valid():
        services.work_contract_link(
            work=work, contract=form.contract, role=form.cleaned_data["role"], actor=_user(request)
        )
        messages.success(request, _("The contract is linked to the work."))
        return redirect("works:staff_work", code=work.code)
    return render(request, "works/staff/work_edit.html", _edit_context(request, work, link_form=form), status=400)


@staff_required
@require_POST
def contract_unlink(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    work = access.work_for_user(request, code)
    link = get_object_or_404(WorkContract.objects.select_related("contract", "work"), work=work, pk=pk)
    services.work_contract_unlink(link=link, actor=_user(request))
    messages.success(request, _("The contract is no longer linked to the work."))
    return redirect("works:staff_work", code=work.code)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_add(request: HttpRequest, code: str) -> HttpResponse:
    work = access.work_for_user(request, code)
    initial = {
        "date": timezone.localdate(),
        "physical_progress": work.physical_progress,
        "financial_progress": work.financial_progress,
    }
    form = WorkUpdateForm(request.POST or None, request.FILES or None, work=work, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.work_update_add(
            work=work,
            author=_user(request),
            date=data["date"],
            physical_progress=data["physical_progress"],
            financial_progress=data["financial_progress"],
            text=data["text"],
            photos=data["photos"],
        )
        followers = work.followers.filter(confirmed_at__isnull=False).count()
        messages.success(
            request,
            _("The update is published; %(count)d followers are notified by email.") % {"count": followers},
        )
        return redirect("works:staff_work", code=work.code)
    status = 400 if request.method == "POST" else 200
    context: dict[str, object] = {"work": work, "form": form}
    if request.method == "POST" and request.FILES:
        context["summary_note"] = _("Photos are not kept when the form has errors: choose them again before sending.")
    return render(request, "works/staff/update_form.html", context, status=status)


# ---------------------------------------------------------------- irregularity reports


@staff_required
@require_http_methods(["GET", "HEAD"])
def report_inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    works = access.manageable_works(user)
    if not works.exists() and not access.may_create_work(user):
        raise PermissionDenied
    reports = access.readable_reports(user)
    filters = ReportFilterForm(request.GET or None, works=works.order_by("name"))
    if filters.is_valid():
        if filters.cleaned_data["work"]:
            reports = reports.filter(work__code=filters.cleaned_data["work"])
        if filters.cleaned_data["status"]:
            reports = reports.filter(status=filters.cleaned_data["status"])
    page = page_of(request, reports.order_by("-created_at", "-pk"), 50)
    status = 400 if request.GET and not filters.is_valid() else 200
    return render(request, "works/staff/report_inbox.html", {"page": page, "filters": filters}, status=status)


def _report_context(report: IrregularityReport, **forms: object) -> dict[str, object]:
    return {
        "report": report,
        "work": report.work,
        "photos": report.photos.all(),
        # A safe default: the form starts at the report's state, never at "answered" (ux.md J6).
        "review_form": forms.get("review_form")
        or ReportReviewForm(initial={"status": _review_start(report), "answer": report.answer}),
        "forward_form": forms.get("forward_form") or ReportForwardForm(),
        "forwarded_on": report.forwarded_on,
    }


def _review_start(report: IrregularityReport) -> str:
    answered = IrregularityReport.Status.ANSWERED
    return str(answered if report.status == answered else IrregularityReport.Status.REVIEWED)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.report_for_user(request, pk)
    if request.method == "POST":
        form = ReportReviewForm(request.POST)
        if form.is_valid():
            services.report_review(
                report=report,
                actor=_user(request),
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"].strip(),
            )
            messages.success(request, _("The report is updated."))
            return redirect("works:staff_report", pk=report.pk)
        return render(request, "works/staff/report_detail.html", _report_context(report, review_form=form), status=400)
    return render(request, "works/staff/report_detail.html", _report_context(report))


@staff_required
@require_POST
def report_forward(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.report_for_user(request, pk)
    form = ReportForwardForm(request.POST)
    if not form.is_valid():
        return render(request, "works/staff/report_detail.html", _report_context(report, forward_form=form), status=400)
    number = services.report_forward(report=report, actor=_user(request), category=form.cleaned_data["category"])
    if number is not None:
        messages.success(
            request,
            _("The report was sent to the complaint channel as anonymous complaint %(number)s.") % {"number": number},
        )
    return redirect("works:staff_report", pk=report.pk)


@staff_required
@require_http_methods(["GET", "HEAD"])
def report_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A report's photo, only for the staff who may read the report (never a public media URL)."""
    report = access.report_for_user(request, pk)
    photo = report.photos.filter(pk=photo_pk, state=IrregularityPhoto.State.READY).first()
    if photo is None:
        raise Http404
    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    response: HttpResponse = FileResponse(photo.image.open("rb"), content_type=content_type)  # type: ignore[assignment]
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
