"""The demonstration's accounts, one per role, with one documented password. Never in production
(``abierta demo`` does not call this there). Idempotent: an existing account is left as it is."""

from __future__ import annotations

from abierta.accounts.models import User
from abierta.core.models import Institution

PASSWORD = "abierta-demo-2023"  # noqa: S105 - documented demo password, never in production

R = User.Role
# (email, first name, last name, role, office slug or None)
PEOPLE = [
    ("admin@demo.abierta.local", "Ana", "Administradora", R.ADMIN, "tic"),
    ("transparencia@demo.abierta.local", "Tomás", "Transparencia", R.TRANSPARENCY, "transparencia"),
    ("editor@demo.abierta.local", "Elena", "Editora", R.EDITOR, "transparencia"),
    ("monitor@demo.abierta.local", "Mario", "Monitor", R.MONITOR, "uniandes-gobierno"),
    ("comite@demo.abierta.local", "Carla", "Comité", R.COMMITTEE, None),
    ("ciudadana@demo.abierta.local", "Camila", "Ciudadana", R.CITIZEN, None),
]


def users(*, offices: dict[str, Institution]) -> dict[str, User]:
    """Create the demo accounts that do not exist yet; returns every one of them by email."""
    found = {}
    for email, first, last, role, office in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "institution": offices[office] if office else None,
                "email_verified": True,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        found[email] = user
    return found
