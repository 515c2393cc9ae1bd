from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from abierta.accounts.roles import staff_user


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
