"""``abierta paa_match [--year YYYY] [--plan PK]``: match plan lines to contracts again (after importing
contracts). The rule is in abierta/procurement/services.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from abierta.procurement.models import ProcurementPlan
from abierta.procurement.services import plans_match_contracts


class Command(BaseCommand):
    help = "Cruza las líneas de los planes anuales de adquisiciones con los contratos de su entidad y año."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Solo los planes de esta vigencia")
        parser.add_argument("--plan", type=int, help="Solo este plan (su número)")

    def handle(self, *args: Any, **options: Any) -> None:
        plans = ProcurementPlan.objects.all()
        if options["year"]:
            plans = plans.filter(year=options["year"])
        if options["plan"]:
            plans = plans.filter(pk=options["plan"])
        results = plans_match_contracts(plans=plans)
        if not results:
            self.stdout.write("No hay planes que cruzar.\n")
        for plan, summary in results.items():
            if not plan.entity_nit:
                self.stdout.write(f"{plan}: sin NIT de la entidad, no se puede cruzar con contratos.\n")
                continue
            self.stdout.write(
                f"{plan}: {summary.lines} líneas con contrato, de {summary.candidates} contratos "
                f"de la entidad en {plan.year}.\n"
            )
