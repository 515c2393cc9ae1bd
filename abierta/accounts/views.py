from __future__ import annotations

import time
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.forms import EmailAuthenticationForm, RegistrationForm, TokenForm
from abierta.accounts.models import User
from abierta.accounts.services import email_verify, user_register

PENDING = "accounts_pending_2fa"
PENDING_SECONDS = 600


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user_register(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        return render(request, "accounts/register_done.html", {"email": data["email"]})
    return render(request, "accounts/register.html", {"form": form})


@never_cache
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    ok = user is not None and email_verify(user=user, token=token)
    return render(request, "accounts/verify.html", {"ok": ok}, status=200 if ok else 400)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = EmailAuthenticationForm(request, data=request.POST or None)
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not user.is_staff_role:
            login(request, user)
            return redirect(next_url)
        # Staff: the password is only the first factor. Nothing is signed in yet.
        request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "at": int(time.time()),
            "next": next_url,
        }
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("accounts:login_token")
        return redirect("accounts:totp_setup")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def _finish_login(request: HttpRequest, user: User, pending: dict[str, Any], device: Any) -> None:
    del request.session[PENDING]
    login(request, user, backend=pending["backend"] or None)
    otp_login(request, device)


@csrf_protect
@never_cache
def login_token(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Your sign-in expired. Enter your email and password again."))
        return redirect("accounts:login")
    user, pending = found
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            _finish_login(request, user, pending, device)
            return redirect(pending["next"])
        form.add_error("token", _("That code is not valid. Codes change every 30 seconds; try the current one."))
    return render(request, "accounts/login_token.html", {"form": form})


def _qr_svg(device: TOTPDevice) -> str:
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code to set up two-factor authentication")
        )
    )


@csrf_protect
@never_cache
def totp_setup(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Your sign-in expired. Enter your email and password again."))
        return redirect("accounts:login")
    user, pending = found
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:login_token")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            static, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _i in range(10)]
            for code in codes:
                static.token_set.create(token=code)
            _finish_login(request, user, pending, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": pending["next"]})
        form.add_error("token", _("That code is not valid. Check your phone's clock and try the current code."))
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "qr": mark_safe(_qr_svg(device)), "secret": secret},  # noqa: S308 - segno output
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    return redirect("site:home")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
