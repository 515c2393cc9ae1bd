"""Who may handle complaints, and the one way a handler view gets a case.

Handlers are transparency officers signed in with a verified second factor
(``abierta.accounts.roles``). The audit log is also open to platform administrators, who may see
who did what but never read a case: no grant is ever sealed to them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from abierta.accounts.decorators import second_factor_again, staff_required
from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.complaints import keyring, services
from abierta.complaints.models import Case
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink

R = User.Role


def may_handle(user: Any) -> bool:
    """Read and handle complaints: a transparency officer with a verified second factor."""
    return has_role(user, R.TRANSPARENCY)


def may_read_audit(user: Any) -> bool:
    """Read the audit log: a transparency officer or a platform administrator."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


class KeyLocked(Exception):
    """The handler's key is not unlocked in this browser session."""

    def __init__(self, case: Case | None = None) -> None:
        super().__init__()
        self.case = case


class NoGrant(Exception):
    """The handler's key opens no grant of this case: a colleague must assign it to them."""

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case


def handler(request: HttpRequest) -> User:
    """The signed-in handler, or PermissionDenied."""
    user = staff_user(request.user)
    if user is None or not may_handle(user):
        raise PermissionDenied
    return user


def get_case_for_handler(request: HttpRequest, number: str) -> Case:
    """The case by its number, for a handler (metadata only): 404 if there is none, 403 for others."""
    handler(request)
    return get_object_or_404(Case.objects.select_related("assigned_to"), number=number)


def open_case_for_handler(request: HttpRequest, number: str) -> services.OpenCase:
    """The case opened with the handler's unlocked key: KeyLocked or NoGrant when it cannot be."""
    user = handler(request)
    case = get_case_for_handler(request, number)
    private = keyring.private_key(request)
    if private is None:
        raise KeyLocked(case)
    opened = services.case_open_as_handler(case=case, user=user, private_key=private)
    if opened is None:
        raise NoGrant(case)
    return opened


def unlock_url(next_url: str) -> str:
    return f"{reverse('complaints:unlock')}?{urlencode({'next': next_url})}"


def handler_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in, a recent second factor and the transparency role; a locked key sends to the unlock page and a
    case without a grant shows who can help. Nothing a handler sees is cached."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler(request)
        again = second_factor_again(request)
        if again is not None:
            add_never_cache_headers(again)
            return again
        try:
            response = view(request, *args, **kwargs)
        except KeyLocked as locked:
            target = reverse("complaints:case", args=[locked.case.number]) if locked.case else request.get_full_path()
            response = redirect(unlock_url(target))
        except NoGrant as missing:
            response = render(request, "complaints/staff/no_access.html", {"case": missing.case}, status=403)
        add_never_cache_headers(response)
        return response

    return wrapper


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links: the inbox for handlers, the audit log for those who may read it."""
    audit = StaffLink(_("Complaints audit log"), reverse("complaints:audit"))
    if may_handle(user):
        inbox = StaffLink(_("Complaints inbox"), reverse("complaints:inbox"))
        return [StaffGroup(_("Complaints"), (StaffLine((inbox, audit)),))]
    if may_read_audit(user):
        return [StaffGroup("", (StaffLine((audit,)),))]
    return []
