from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from abierta.accounts.roles import second_factor_fresh, staff_user


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous people are sent to sign in; signed-in people without a staff role (or without
    their second factor) get 403. What each staff member may touch is checked by the view's
    access helper."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if staff_user(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def second_factor_again(request: HttpRequest) -> HttpResponseRedirect | None:
    """For pages that need a recent second factor (``ABIERTA_OTP_FRESH_MINUTES``): None when it is
    recent, else a redirect to give it again. A page asked for comes back to itself; a form sent
    meanwhile is not carried out and leads back to the page it was sent from."""
    if second_factor_fresh(request):
        return None
    if request.method in {"GET", "HEAD"}:
        target = request.get_full_path()
    else:
        referer = str(request.META.get("HTTP_REFERER", ""))
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        parts = urlsplit(referer)
        target = (parts.path + (f"?{parts.query}" if parts.query else "")) if safe and parts.path else "/"
    return redirect(f"{reverse('accounts:reverify')}?{urlencode({'next': target})}")
