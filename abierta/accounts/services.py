from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.tokens import email_verification_token


def verification_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("accounts:verify", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str, last_name: str) -> User | None:
    """Create a citizen account and email its verification link.

    If the address already has an account, nothing is created and that address is told instead,
    so the form never reveals who has an account.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        body = render_to_string(
            "accounts/email/already_registered.txt", {"user": existing, "site_url": settings.SITE_URL}
        )
        transaction.on_commit(lambda: send_mail(_("Your account on Abierta"), body, None, [existing.email]))
        return None
    user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    body = render_to_string("accounts/email/verify.txt", {"user": user, "url": verification_url(user)})
    transaction.on_commit(lambda: send_mail(_("Confirm your email on Abierta"), body, None, [user.email]))
    return user


def email_verify(*, user: User, token: str) -> bool:
    if not email_verification_token.check_token(user, token):
        return False
    user.email_verified = True
    user.save(update_fields=["email_verified", "is_staff", "is_superuser"])
    return True
