from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
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

from abierta.accounts import throttle
from abierta.accounts.forms import EmailAuthenticationForm, InvitationPasswordForm, RegistrationForm, TokenForm
from abierta.accounts.middleware import staff_session_start
from abierta.accounts.models import User
from abierta.accounts.roles import second_factor_given, staff_user
from abierta.accounts.services import (
    account_mail_allowed,
    email_verify,
    enrolment_offer,
    enrolment_pending,
    enrolment_redeem,
    invitation_accept,
    invitation_user,
    user_register,
)
from abierta.core import pow, ratelimit
from abierta.core.http import client_address

PENDING = "accounts_pending_2fa"
PENDING_SECONDS = 600
# A used set-up link lets this browser set up an authenticator for this long (with the password).
ENROL = "accounts_totp_enrol"
ENROL_SECONDS = 1800

POW_REGISTER = "register"
POW_RESET = "password-reset"
HOUR = 3600


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Throttling and proof of work ----------------------------------------------------------------


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``): when to try again, and what else to do."""
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": settings.ABIERTA_LOGIN_LOCKOUT_MINUTES},
        status=429,
    )
    response["Retry-After"] = str(throttle.lockout_seconds())
    return response


def _pow_refusal(check: pow.Check) -> str:
    return pow.refusal(
        check,
        _(
            "To protect this service from automated sending, please wait %(seconds)d more seconds and send the "
            "form again. What you typed is kept below."
        ),
    )


def _pow_check(request: HttpRequest, purpose: str) -> tuple[str, pow.Check]:
    challenge = request.POST.get("challenge", "")
    return challenge, pow.check(purpose, challenge, request.POST.get("pow", ""))


def _pow_next(purpose: str, challenge: str, check: pow.Check) -> str:
    """The challenge the form is shown again with: the same one while it may still be used."""
    return challenge if check.still_usable else pow.issue(purpose)


def _source_key(purpose: str, request: HttpRequest) -> str:
    return f"account-mail-source:{purpose}:{client_address(request)}"


def _source_full(purpose: str, request: HttpRequest) -> bool:
    return ratelimit.count(_source_key(purpose, request)) >= int(settings.ABIERTA_ACCOUNT_MAILS_PER_SOURCE)


def _too_many_text() -> str:
    return _("Too many requests came from your connection in the last hour. Please try again later.")


def _pow_context(challenge: str) -> dict[str, Any]:
    return {"challenge": challenge, "wait_seconds": pow.default_wait()}


# --- Registration --------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        context = {"form": RegistrationForm(), **_pow_context(pow.issue(POW_REGISTER))}
        return render(request, "accounts/register.html", context)
    form = RegistrationForm(request.POST)
    challenge, check = _pow_check(request, POW_REGISTER)
    status = 200
    if form.is_valid() and check.ok:
        if _source_full(POW_REGISTER, request):
            form.add_error(None, _too_many_text())
            status = 429
        elif pow.consume(check):
            ratelimit.hit(_source_key(POW_REGISTER, request), window=HOUR)
            data = form.cleaned_data
            user_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            return render(request, "accounts/register_done.html", {"email": data["email"]})
        else:
            check = pow.Check(pow.Verdict.REUSED, check.purpose, check.nonce)
    if not check.ok:
        form.add_error(None, _pow_refusal(check))
        status = 400
    context = {"form": form, **_pow_context(_pow_next(POW_REGISTER, challenge, check))}
    return render(request, "accounts/register.html", context, status=status)


@never_cache
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    ok = user is not None and email_verify(user=user, token=token)
    return render(request, "accounts/verify.html", {"ok": ok}, status=200 if ok else 400)


# --- Password reset ------------------------------------------------------------------------------


@csrf_protect
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link: proof of work, a limit per source and per address; the link is built
    from ``SITE_URL``, never from the request's Host header."""
    if request.method != "POST":
        context = {"form": PasswordResetForm(), **_pow_context(pow.issue(POW_RESET))}
        return render(request, "accounts/password_reset.html", context)
    form = PasswordResetForm(request.POST)
    challenge, check = _pow_check(request, POW_RESET)
    status = 200
    if form.is_valid() and check.ok:
        if _source_full(POW_RESET, request):
            form.add_error(None, _too_many_text())
            status = 429
        elif pow.consume(check):
            ratelimit.hit(_source_key(POW_RESET, request), window=HOUR)
            if account_mail_allowed(form.cleaned_data["email"]):
                site = urlsplit(settings.SITE_URL)
                form.save(
                    domain_override=site.netloc,
                    use_https=site.scheme == "https",
                    email_template_name="accounts/email/password_reset.txt",
                    extra_email_context={"site_url": settings.SITE_URL},
                    request=request,
                )
            return redirect("accounts:password_reset_done")
        else:
            check = pow.Check(pow.Verdict.REUSED, check.purpose, check.nonce)
    if not check.ok:
        form.add_error(None, _pow_refusal(check))
        status = 400
    context = {"form": form, **_pow_context(_pow_next(POW_RESET, challenge, check))}
    return render(request, "accounts/password_reset.html", context, status=status)


# --- Sign-in -------------------------------------------------------------------------------------


def _enrol_allowed(request: HttpRequest, user: User) -> bool:
    """Whether this browser used a set-up link of ``user`` recently."""
    enrol = request.session.get(ENROL) or {}
    return bool(enrol) and enrol.get("user") == user.pk and time.time() - enrol.get("at", 0) <= ENROL_SECONDS


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = EmailAuthenticationForm(request, data=request.POST or None)
    asked = _safe_next(request, default="")
    next_url = asked or "/"
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not user.is_staff_role:
            login(request, user)
            return redirect(next_url)
        # Staff: the password is only the first factor. Nothing is signed in yet. Without a page
        # asked for (or from the public home page, whose "Sign in" link names itself), they land on
        # the staff home, where what waits for them is counted.
        if asked in ("/", reverse("site:home")):
            asked = ""
        request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "at": int(time.time()),
            "next": asked or reverse("site:staff_home"),
        }
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("accounts:login_token")
        if _enrol_allowed(request, user):
            return redirect("accounts:totp_setup")
        # A first authenticator needs the password *and* a link mailed to the account.
        sent = enrolment_offer(user=user)
        return render(request, "accounts/totp_enrol_sent.html", {"sent": sent})
    return render(request, "accounts/login.html", {"form": form, "next": asked})


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def _finish_login(request: HttpRequest, user: User, pending: dict[str, Any], device: Any) -> None:
    del request.session[PENDING]
    request.session.pop(ENROL, None)
    login(request, user, backend=pending["backend"] or None)
    otp_login(request, device)
    second_factor_given(request)
    staff_session_start(request)


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


@csrf_protect
@never_cache
def totp_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed set-up link. Opening it changes nothing (mail scanners open links too); the button
    uses it up, and then this browser may set up an authenticator after the password."""
    if request.method != "POST":
        valid = enrolment_pending(token=token) is not None
        return render(request, "accounts/totp_enrol.html", {"valid": valid}, status=200 if valid else 400)
    user = enrolment_redeem(token=token)
    if user is None:
        return render(request, "accounts/totp_enrol.html", {"valid": False}, status=400)
    request.session[ENROL] = {"user": user.pk, "at": int(time.time())}
    found = _pending_user(request)
    if found is not None and found[0].pk == user.pk:
        return redirect("accounts:totp_setup")
    messages.info(request, _("Link accepted. Sign in with your email and password to set up your second factor."))
    return redirect("accounts:login")


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A staff invitation's link: the new staff member sets a password, then goes straight on to set
    up their authenticator (the link was mailed to the account, as a set-up link is). Opening it
    changes nothing; the form uses it up."""
    user = invitation_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/invitation.html", {"valid": False}, status=400)
    form = InvitationPasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "accounts/invitation.html", {"valid": True, "form": form, "account": user}, status=400
            )
        invitation_accept(user=user, password=form.cleaned_data["password1"])
        if request.user.is_authenticated:
            logout(request)
        now = int(time.time())
        request.session[PENDING] = {
            "user": user.pk,
            "backend": "django.contrib.auth.backends.ModelBackend",
            "at": now,
            "next": reverse("site:staff_home"),
        }
        request.session[ENROL] = {"user": user.pk, "at": now}
        messages.success(request, _("Your password is set. Now set up your second factor."))
        return redirect("accounts:totp_setup")
    return render(request, "accounts/invitation.html", {"valid": True, "form": form, "account": user})


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
    if not _enrol_allowed(request, user):
        messages.info(request, _("To set up your second factor, open the link we emailed you, then sign in again."))
        return redirect("accounts:login")
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


@csrf_protect
@never_cache
def reverify(request: HttpRequest) -> HttpResponse:
    """A signed-in staff member gives their second factor again (complaint pages ask for it when it
    is older than ``ABIERTA_OTP_FRESH_MINUTES``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = staff_user(request.user)
    if user is None:
        raise PermissionDenied
    next_url = _safe_next(request, default=reverse("site:staff_home"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            second_factor_given(request)
            return redirect(next_url)
        form.add_error("token", _("That code is not valid. Codes change every 30 seconds; try the current one."))
    return render(request, "accounts/reverify.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    return redirect("site:home")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")
