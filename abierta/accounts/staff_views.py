"""The platform admin's pages for offices and staff accounts ("Gestión"), and the public history
of an office."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts import access, services
from abierta.accounts.decorators import staff_required
from abierta.accounts.forms import STAFF_ROLES, InstitutionForm, StaffChangeForm, StaffInviteForm
from abierta.accounts.models import User
from abierta.core.models import ChangeRecord, Institution
from abierta.core.paging import page_of


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # staff_required let only signed-in staff through
        raise PermissionDenied
    return request.user


def _history(scope: str) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(scope=scope).select_related("content_type")[:20])


# --- Offices -------------------------------------------------------------------------------------


@staff_required
def office_list(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_offices(request.user):
        raise PermissionDenied
    page = page_of(request, Institution.objects.order_by("name", "pk"))
    return render(request, "accounts/staff/office_list.html", {"page": page})


@staff_required
def office_new(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_offices(request.user):
        raise PermissionDenied
    return _office_form(request, Institution())


@staff_required
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_form(request, access.office_for_manager(request.user, pk))


def _office_form(request: HttpRequest, office: Institution) -> HttpResponse:
    form = InstitutionForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        services.institution_save(institution=form.save(commit=False), actor=_user(request))
        messages.success(request, _("The office is saved."))
        return redirect("accounts_staff:office_list")
    status = 400 if request.method == "POST" else 200
    history = _history(office.history_scope()) if office.pk else []
    context = {"form": form, "office": office, "history": history}
    return render(request, "accounts/staff/office_form.html", context, status=status)


def office_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every change to an office, newest first, for everyone."""
    office = get_object_or_404(Institution, slug=slug)
    records = ChangeRecord.objects.filter(scope=office.history_scope()).select_related("content_type")
    return render(request, "accounts/office_history.html", {"office": office, "page": page_of(request, records)})


# --- Staff accounts ------------------------------------------------------------------------------


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_staff(request.user):
        raise PermissionDenied
    accounts = User.objects.exclude(role=User.Role.CITIZEN).select_related("institution")
    role = request.GET.get("rol", "")
    if role in dict(STAFF_ROLES):
        accounts = accounts.filter(role=role)
    else:
        role = ""
    office = request.GET.get("oficina", "")
    offices = list(Institution.objects.order_by("name"))
    if office.isdigit() and any(o.pk == int(office) for o in offices):
        accounts = accounts.filter(institution_id=int(office))
    else:
        office = ""
    page = page_of(request, accounts.order_by("last_name", "first_name", "email", "pk"))
    context = {"page": page, "roles": STAFF_ROLES, "role": role, "offices": offices, "office": office}
    return render(request, "accounts/staff/staff_list.html", context)


@staff_required
def staff_invite(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_staff(request.user):
        raise PermissionDenied
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = services.staff_invite(
            actor=_user(request),
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            institution=data["institution"],
        )
        messages.success(request, _("The invitation was sent to %(email)s.") % {"email": account.email})
        return redirect("accounts_staff:staff_detail", pk=account.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/staff/staff_invite.html", {"form": form}, status=status)


def _detail(request: HttpRequest, account: User, form: StaffChangeForm, status: int = 200) -> HttpResponse:
    context = {
        "account": account,
        "form": form,
        "history": _history(account.history_scope()),
        "pending": services.invitation_pending(account),
        "last_admin": services.last_active_admin(account),
    }
    return render(request, "accounts/staff/staff_detail.html", context, status=status)


@staff_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The account, its history, and the form to change its role and office."""
    account = access.staff_account_for_admin(request.user, pk)
    initial = {"role": account.role, "institution": account.institution}
    form = StaffChangeForm(request.POST or None, initial=initial, account=account)
    if request.method == "POST":
        if not form.is_valid():
            return _detail(request, account, form, status=400)
        data = form.cleaned_data
        if services.staff_change(
            actor=_user(request), user=account, role=data["role"], institution=data["institution"]
        ):
            messages.success(request, _("The role and office are saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("accounts_staff:staff_detail", pk=account.pk)
    return _detail(request, account, form)


@staff_required
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the deactivation (the only active admin cannot be deactivated)."""
    account = access.staff_account_for_admin(request.user, pk)
    if not account.is_active:
        return redirect("accounts_staff:staff_detail", pk=account.pk)
    if services.last_active_admin(account):
        context = {"account": account, "refused": True}
        return render(request, "accounts/staff/staff_deactivate.html", context, status=409)
    if request.method == "POST":
        services.staff_deactivate(actor=_user(request), user=account)
        messages.success(request, _("The account is deactivated: it can no longer sign in."))
        return redirect("accounts_staff:staff_detail", pk=account.pk)
    return render(request, "accounts/staff/staff_deactivate.html", {"account": account, "refused": False})


@require_POST
@staff_required
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.staff_account_for_admin(request.user, pk)
    if not account.is_active:
        services.staff_reactivate(actor=_user(request), user=account)
        messages.success(request, _("The account is active again."))
    return redirect("accounts_staff:staff_detail", pk=account.pk)


@require_POST
@staff_required
def staff_invite_again(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.staff_account_for_admin(request.user, pk)
    if services.invitation_pending(account):
        services.staff_invite_again(actor=_user(request), user=account)
        messages.success(request, _("A new invitation was sent; the earlier links no longer work."))
    return redirect("accounts_staff:staff_detail", pk=account.pk)
