"""Handler pages (/gestion/denuncias/): the inbox, a case, its actions, evidence downloads and the
audit log. Every case is opened with the handler's own key (``access.open_case_for_handler``) and
every page that shows a case's content appends a "read" entry to the audit log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.complaints import access, crypto, export, keyring, services
from abierta.complaints.access import handler_required
from abierta.complaints.businessdays import add_business_days, business_days_between
from abierta.complaints.models import Attachment, AuditEntry, Case, HandlerKey
from abierta.complaints.staff_forms import (
    AssignForm,
    DeleteForm,
    ExtendForm,
    InboxFilterForm,
    MessageForm,
    StatusForm,
    UnlockForm,
)
from abierta.core.paging import page_of

PAGE_SIZE = 50


# ---------------------------------------------------------------- the key


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("complaints:inbox")


@handler_required
def unlock(request: HttpRequest) -> HttpResponse:
    """Unlock the handler's key for this browser session (creating it the first time); POST
    ``lock=1`` locks it again."""
    user = access.handler(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and request.POST.get("lock"):
        response = redirect("complaints:inbox")
        keyring.lock(request, response)
        services.audit_append(actor=user, action="locked")
        messages.success(request, _("Your key is locked."))
        return response
    key = HandlerKey.objects.filter(user=user).first()
    form = UnlockForm(request.POST or None)
    if key is None:  # a first key: nothing to move over or replace
        del form.fields["previous_password"]
        del form.fields["new_key"]
    if request.method == "POST" and form.is_valid():
        private = _unlock(user, form, key is not None)
        if private is not None:
            response = redirect(next_url)
            keyring.store(request, response, private)
            fingerprint = crypto.fingerprint(bytes(HandlerKey.objects.get(user=user).public_key))
            services.audit_append(actor=user, action="unlocked", detail=fingerprint)
            messages.success(request, _("Your key is unlocked until you close the browser or sign out."))
            return response
        services.audit_append(actor=user, action="unlock-failed")
    context = {
        "form": form,
        "key": key,
        "fingerprint": crypto.fingerprint(bytes(key.public_key)) if key else "",
        "unlocked": keyring.private_key(request) is not None,
        "next": next_url,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/staff/unlock.html", context, status=status)


def _unlock(user: User, form: UnlockForm, has_key: bool) -> bytes | None:
    """The private key, or None with the reason added to the form."""
    password: str = form.cleaned_data["password"]
    previous: str = form.cleaned_data.get("previous_password") or ""
    account_password = user.check_password(password)
    if not has_key:
        if not account_password:
            form.add_error("password", _("This is not your account password."))
            return None
        services.handler_key_create(user=user, password=password)
    try:
        return services.handler_key_unlock(user=user, password=password)
    except crypto.DecryptionError:
        pass
    if not account_password:
        form.add_error("password", _("This password does not open your key."))
        return None
    if form.cleaned_data.get("new_key"):
        services.handler_key_create(user=user, password=password)
        return services.handler_key_unlock(user=user, password=password)
    if not previous:
        form.add_error(
            "previous_password",
            _("Your key is still locked with your previous password. Type it here as well to move the key over."),
        )
        return None
    try:
        services.handler_key_rewrap(user=user, old_password=previous, new_password=password)
    except crypto.DecryptionError:
        form.add_error("previous_password", _("This previous password does not open your key either."))
        return None
    return services.handler_key_unlock(user=user, password=password)


# ---------------------------------------------------------------- the inbox


@dataclass
class InboxRow:
    case: Case
    days_left: int | None  # business days until the answer is due; negative when overdue
    overdue: bool
    due_soon: bool
    forward_pending: bool

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def inbox_row(case: Case, today: datetime.date) -> InboxRow:
    if not case.is_open:
        return InboxRow(case, None, False, False, False)
    days_left = business_days_between(today, case.due_on)
    overdue = case.due_on < today
    due_soon = not overdue and days_left <= settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS
    forward_pending = case.forwarded_on is None and case.status != Case.Status.FORWARDED
    return InboxRow(case, days_left, overdue, due_soon, forward_pending)


@handler_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Metadata only: no case is decrypted here."""
    user = access.handler(request)
    form = InboxFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    cases = Case.objects.select_related("assigned_to")
    status = filters.get("status") or ""
    cases = cases.filter(status=status) if status else cases.exclude(status=Case.Status.DELETED)
    if filters.get("mine"):
        cases = cases.filter(assigned_to=user)
    today = services.today()
    view = filters.get("view") or ""
    if view:
        # The deadline views are decided case by case in Python ("due soon" counts business
        # days): every case of the filter is read. Without them, only the page is.
        rows = [inbox_row(case, today) for case in cases]
        rows = [row for row in rows if (row.overdue if view == "overdue" else row.due_soon)]
        page = page_of(request, rows, PAGE_SIZE)
    else:
        page = page_of(request, cases, PAGE_SIZE)
        page.object_list = [inbox_row(case, today) for case in page.object_list]
    context = {
        "form": form,
        "page": page,
        "locked": keyring.private_key(request) is None,
        "has_key": HandlerKey.objects.filter(user=user).exists(),
        "today": today,
        "due_soon_days": settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS,
    }
    return render(request, "complaints/staff/inbox.html", context)


# ---------------------------------------------------------------- a case


def _detail(request: HttpRequest, opened: services.OpenCase, status: int = 200, **forms: Any) -> HttpResponse:
    """The case page (also re-rendered with a bound form and its errors)."""
    user = access.handler(request)
    case = opened.case
    services.case_read(opened=opened, actor=user)
    today = services.today()
    context = {
        "case": case,
        "row": inbox_row(case, today),
        "report": services.case_content(opened),
        "attachments": services.case_attachments(opened),
        "conversation": services.case_messages(opened, include_internal=True),
        "status_form": forms.get("status_form") or StatusForm(case=case),
        "assign_form": forms.get("assign_form") or AssignForm(case=case),
        "message_form": forms.get("message_form") or MessageForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(case=case, today=today),
        "delete_form": forms.get("delete_form") or DeleteForm(case=case),
        "can_extend": services.extension_allowed(case, today),
        "extended_due": add_business_days(case.received_on, 2 * settings.ABIERTA_COMPLAINTS_TERM_DAYS),
        "can_delete": case.status == Case.Status.CLOSED,
        "transitions": services.ALLOWED_TRANSITIONS[case.status],
    }
    return render(request, "complaints/staff/case_detail.html", context, status=status)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("complaints:case", args=[case.number]) + anchor)


@handler_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, access.open_case_for_handler(request, number))


@require_POST
@handler_required
def case_status(request: HttpRequest, number: str) -> HttpResponse:
    opened = access.open_case_for_handler(request, number)
    form = StatusForm(request.POST, case=opened.case)
    if not form.is_valid():
        messages.error(request, _("The status was not changed."))
        return _detail(request, opened, 400, status_form=form)
    services.case_transition(
        case=opened.case,
        actor=access.handler(request),
        status=form.cleaned_data["status"],
        authority=form.cleaned_data["authority"],
    )
    messages.success(request, _("The status is now: %(status)s.") % {"status": opened.case.get_status_display()})
    return _back(opened.case)


@require_POST
@handler_required
def case_assign(request: HttpRequest, number: str) -> HttpResponse:
    opened = access.open_case_for_handler(request, number)
    form = AssignForm(request.POST, case=opened.case)
    if not form.is_valid():
        messages.error(request, _("The case was not assigned."))
        return _detail(request, opened, 400, assign_form=form)
    chosen: User | None = form.cleaned_data["handler"]
    services.case_assign(opened=opened, actor=access.handler(request), handler=chosen)
    if chosen is None:
        messages.success(request, _("The case is not assigned to anybody now."))
    else:
        messages.success(request, _("The case is assigned to %(name)s, who can read it now.") % {"name": chosen})
    return _back(opened.case)


@require_POST
@handler_required
def case_message(request: HttpRequest, number: str) -> HttpResponse:
    opened = access.open_case_for_handler(request, number)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The message was not sent."))
        return _detail(request, opened, 400, message_form=form)
    evidence: services.Evidence | None = form.cleaned_data["file"]
    internal: bool = form.cleaned_data["internal"]
    services.case_message(
        opened=opened,
        actor=access.handler(request),
        body=form.cleaned_data["body"],
        internal=internal,
        files=[evidence] if evidence else [],
    )
    messages.success(
        request, _("The internal note is saved.") if internal else _("The message is sent to the reporter.")
    )
    return _back(opened.case, "#conversacion")


@require_POST
@handler_required
def case_extend(request: HttpRequest, number: str) -> HttpResponse:
    opened = access.open_case_for_handler(request, number)
    form = ExtendForm(request.POST, case=opened.case, today=services.today())
    if not form.is_valid():
        messages.error(request, _("The term was not extended."))
        return _detail(request, opened, 400, extend_form=form)
    new_due = services.case_extend(opened=opened, actor=access.handler(request), reason=form.cleaned_data["reason"])
    messages.success(
        request,
        _("The term is extended until %(date)s; the reporter was told why.") % {"date": new_due.isoformat()},
    )
    return _back(opened.case)


@require_POST
@handler_required
def case_delete(request: HttpRequest, number: str) -> HttpResponse:
    opened = access.open_case_for_handler(request, number)
    form = DeleteForm(request.POST, case=opened.case)
    if not form.is_valid():
        messages.error(request, _("The case was not deleted."))
        return _detail(request, opened, 400, delete_form=form)
    services.case_delete(case=opened.case, actor=access.handler(request))
    messages.success(request, _("Case %(number)s is deleted for good.") % {"number": opened.case.number})
    return redirect("complaints:inbox")


@handler_required
def attachment_export(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """An evidence file: without metadata by default, or ``?original=1`` byte for byte."""
    opened = access.open_case_for_handler(request, number)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=opened.case)
    original = request.GET.get("original") == "1"
    meta, data = services.attachment_data(opened, attachment)
    try:
        exported = export.export(meta, data, original=original, fallback=f"{opened.case.number}-{attachment.pk}")
    except export.CannotClean:
        messages.error(
            request, _("This file cannot be cleaned of its metadata. Download the original only if you need it.")
        )
        return _back(opened.case)
    services.audit_append(
        actor=access.handler(request),
        action="exported-original" if original else "exported",
        case=opened.case,
        detail=f"attachment {attachment.pk}",
    )
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=exported.filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- the audit log


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.may_read_audit(request.user):
        raise PermissionDenied
    page = page_of(request, AuditEntry.objects.order_by("-id"), PAGE_SIZE)
    context = {"page": page, "broken": services.audit_verify(), "total": page.paginator.count}
    response = render(request, "complaints/staff/audit.html", context)
    add_never_cache_headers(response)
    return response
