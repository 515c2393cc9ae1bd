from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import TOTPEnrolment, User
from abierta.accounts.tokens import email_verification_token, staff_invitation_token
from abierta.core import history, ratelimit
from abierta.core.models import Institution

HOUR = 3600
# Mails a staff account may be sent to set up its first authenticator, in an hour.
ENROLMENT_MAILS_PER_HOUR = 3


def verification_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("accounts:verify", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def account_mail_allowed(email: str) -> bool:
    """Count one more account mail (registration, reset) to ``email``; False past the hourly limit.

    The caller then sends nothing and says nothing different: the page never tells whether a mail left.
    """
    sent = ratelimit.hit("account-mail:" + email.strip().lower(), window=HOUR)
    return sent <= int(settings.ABIERTA_ACCOUNT_MAILS_PER_ADDRESS)


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str, last_name: str) -> User | None:
    """Create a citizen account and email its verification link.

    If the address already has an account, nothing is created and that address is told instead,
    so the form never reveals who has an account: that path hashes the password too, so that both
    take the same time. The mails hold no text the person typed (the site's domain is not theirs to
    write with).
    """
    existing = User.objects.filter(email__iexact=email).first()
    allowed = account_mail_allowed(email)
    if existing is not None:
        make_password(password)  # the same work as creating the account
        if allowed:
            body = render_to_string("accounts/email/already_registered.txt", {"site_url": settings.SITE_URL})
            send_mail(_("Your account on Abierta"), body, None, [existing.email])  # to the outbox
        return None
    user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    if allowed:
        body = render_to_string("accounts/email/verify.txt", {"url": verification_url(user)})
        send_mail(_("Confirm your email on Abierta"), body, None, [user.email])  # to the outbox
    return user


def email_verify(*, user: User, token: str) -> bool:
    if not email_verification_token.check_token(user, token):
        return False
    user.email_verified = True
    user.save(update_fields=["email_verified", "is_staff", "is_superuser"])
    return True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_offer(*, user: User) -> bool:
    """Mail ``user`` a one-time link to set up their first authenticator; False (nothing sent) past
    the hourly limit. A new link replaces any earlier one not yet used."""
    if ratelimit.hit(f"totp-enrolment-mail:{user.pk}", window=HOUR) > ENROLMENT_MAILS_PER_HOUR:
        return False
    now = timezone.now()
    enrolments_purge()
    TOTPEnrolment.objects.filter(user=user, used_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    TOTPEnrolment.objects.create(
        user=user,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.ABIERTA_TOTP_ENROLMENT_HOURS),
    )
    url = settings.SITE_URL + reverse("accounts:totp_enrol", kwargs={"token": token})
    body = render_to_string(
        "accounts/email/totp_enrolment.txt", {"url": url, "hours": settings.ABIERTA_TOTP_ENROLMENT_HOURS}
    )
    address = user.email
    send_mail(_("Set up your second factor on Abierta"), body, None, [address])  # to the outbox
    return True


def enrolment_pending(*, token: str) -> TOTPEnrolment | None:
    """The unused, unexpired set-up link of ``token``, for a staff account that has no authenticator yet."""
    enrolment = (
        TOTPEnrolment.objects.select_related("user")
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if enrolment is None:
        return None
    user = enrolment.user
    if not user.is_active or not user.is_staff_role or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None
    return enrolment


@transaction.atomic
def enrolment_redeem(*, token: str) -> User | None:
    """Use up the set-up link of ``token``: its user, or None if it is not (or no longer) valid.

    Any authenticator left unconfirmed is dropped, so the one set up next has a key nobody saw.
    """
    enrolment = enrolment_pending(token=token)
    if enrolment is None:
        return None
    used = TOTPEnrolment.objects.filter(pk=enrolment.pk, used_at__isnull=True).update(used_at=timezone.now())
    if used != 1:
        return None
    TOTPDevice.objects.filter(user=enrolment.user, confirmed=False).delete()
    return enrolment.user


def enrolments_purge() -> int:
    """Delete set-up links that expired or were used more than a day ago; how many."""
    cutoff = timezone.now() - datetime.timedelta(days=1)
    expired = TOTPEnrolment.objects.filter(expires_at__lt=timezone.now())
    used = TOTPEnrolment.objects.filter(used_at__lt=cutoff)
    return int(expired.delete()[0]) + int(used.delete()[0])


# --- Offices and staff accounts (the platform admin's screens in /gestion/) ----------------------


@transaction.atomic
def institution_save(*, institution: Institution, actor: User) -> Institution:
    """Create or change an office, with its public history."""
    before = history.snapshot(Institution.objects.get(pk=institution.pk)) if institution.pk else None
    institution.save()
    history.record(institution, actor=actor, before=before)
    return institution


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = staff_invitation_token.make_token(user)
    return settings.SITE_URL + reverse("accounts:invitation", kwargs={"uidb64": uid, "token": token})


def _invitation_send(user: User, actor: User) -> None:
    body = render_to_string(
        "accounts/email/staff_invitation.txt",
        {
            "url": invitation_url(user),
            "hours": settings.ABIERTA_STAFF_INVITATION_HOURS,
            "role": user.get_role_display(),
            "institution": user.institution,
            "inviter": actor.get_full_name() or actor.email,
        },
    )
    send_mail(_("You are invited to Abierta's staff area"), body, None, [user.email])  # to the outbox


@transaction.atomic
def staff_invite(
    *, actor: User, email: str, first_name: str, last_name: str, role: str, institution: Institution | None
) -> User:
    """Create a staff account without a usable password and mail it a one-time link to set one."""
    user = User.objects.create_user(
        email=email, password=None, first_name=first_name, last_name=last_name, role=role, institution=institution
    )
    history.record(user, actor=actor, before=None)
    _invitation_send(user, actor)
    return user


def invitation_pending(user: User) -> bool:
    """Whether the account was invited and has not set its password yet."""
    return user.is_active and not user.has_usable_password()


@transaction.atomic
def staff_invite_again(*, actor: User, user: User) -> None:
    """A new invitation link; the earlier ones stop working (the unusable password changes)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _invitation_send(user, actor)


def invitation_user(*, uidb64: str, token: str) -> User | None:
    """The invited account of a link, while the link is valid."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not invitation_pending(user) or not user.is_staff_role:
        return None
    return user if staff_invitation_token.check_token(user, token) else None


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> None:
    """The invited staff member sets their password: the link is used up and the address confirmed."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = history.snapshot(locked)
    locked.set_password(password)
    locked.email_verified = True
    locked.save()
    history.record(locked, actor=locked, before=before)
    user.refresh_from_db()


@transaction.atomic
def staff_change(*, actor: User, user: User, role: str, institution: Institution | None) -> bool:
    """Change a staff account's role and office; whether anything changed."""
    before = history.snapshot(User.objects.get(pk=user.pk))
    user.role = role
    user.institution = institution
    user.save()
    return history.record(user, actor=actor, before=before) is not None


def last_active_admin(user: User) -> bool:
    """Whether ``user`` is the only active platform admin (who must stay one)."""
    if user.role != User.Role.ADMIN or not user.is_active:
        return False
    return not User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def staff_deactivate(*, actor: User, user: User) -> None:
    """The account can no longer sign in, and its open sessions end (Django drops inactive users)."""
    before = history.snapshot(User.objects.get(pk=user.pk))
    user.is_active = False
    user.save()
    history.record(user, actor=actor, before=before)


@transaction.atomic
def staff_reactivate(*, actor: User, user: User) -> None:
    before = history.snapshot(User.objects.get(pk=user.pk))
    user.is_active = True
    user.save()
    history.record(user, actor=actor, before=before)
