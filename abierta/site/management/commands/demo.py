"""``abierta demo``: the whole city's demonstration data, app by app. Idempotent.

The offices (abierta/core/demo.py) and, outside production, the demo accounts
(abierta/accounts/demo.py) come first; then each app's ``demo.load(offices=..., users=...)``, in
the order the apps depend on each other. What a load wants the operator to know (a demo receipt)
it tells the ``abierta.demo`` logger, printed here.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, OutputWrapper
from django.db import transaction

from abierta.accounts import demo as accounts_demo
from abierta.accounts.models import User
from abierta.complaints import demo as complaints_demo
from abierta.contracting import demo as contracting_demo
from abierta.core import demo as core_demo
from abierta.development import demo as development_demo
from abierta.development.models import DevelopmentPlan
from abierta.participation import demo as participation_demo
from abierta.plans import demo as plans_demo
from abierta.plans.models import ActionPlan
from abierta.procurement import demo as procurement_demo
from abierta.procurement.models import ProcurementPlan
from abierta.works import demo as works_demo
from abierta.works.models import Work

LOADS = [
    plans_demo,
    participation_demo,
    development_demo,
    contracting_demo,
    works_demo,
    procurement_demo,
    complaints_demo,
]


class _Print(logging.Handler):
    def __init__(self, out: OutputWrapper) -> None:
        super().__init__(logging.INFO)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        self.out.write(record.getMessage())


class Command(BaseCommand):
    help = "Load Cartagena's 2022–2023 OGP Local action plan as demonstration data (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        notes = logging.getLogger("abierta.demo")
        handler = _Print(self.stdout)
        notes.addHandler(handler)
        propagate, level = notes.propagate, notes.level
        notes.propagate = False
        notes.setLevel(logging.INFO)
        try:
            self._load(with_users=not options["no_users"] and not settings.PRODUCTION)
        finally:
            notes.removeHandler(handler)
            notes.propagate, notes.level = propagate, level

    @transaction.atomic
    def _load(self, *, with_users: bool) -> None:
        offices = core_demo.offices()
        users: dict[str, User] = {}
        if with_users:
            users = accounts_demo.users(offices=offices)
            self.stdout.write(f"Demo accounts ({accounts_demo.PASSWORD}): " + ", ".join(users))
        for app in LOADS:
            app.load(offices=offices, users=users)

        plan = ActionPlan.objects.get(slug=plans_demo.PLAN_SLUG)
        development_plan = DevelopmentPlan.objects.get(slug=development_demo.PLAN_SLUG)
        works = Work.objects.order_by("pk")
        procurement_plan = ProcurementPlan.objects.order_by("-year", "pk").first()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {plan.title}"))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {development_plan.title}"))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {works.count()} public works; {procurement_plan}"))
        first = works.first()
        if first is not None:
            self.stdout.write(f"The page behind a work's QR code: {settings.SITE_URL}{first.get_absolute_url()}")
