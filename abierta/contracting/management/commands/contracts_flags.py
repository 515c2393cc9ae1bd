"""``abierta contracts_flags``: recompute the red flags of every contract (or of some, by OCID)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from abierta.contracting.models import Contract
from abierta.contracting.redflags import FLAGS, refresh_flags


class Command(BaseCommand):
    help = _("Recomputes the alerts (red flags) of every contract, or of the OCIDs given.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ocid", nargs="*", help=_("OCIDs of the contracts (and of their entities) to recompute."))

    def handle(self, *args: Any, **options: Any) -> None:
        ocids: list[str] = options["ocid"]
        started = time.monotonic()
        if ocids:
            ids = list(Contract.objects.filter(ocid__in=ocids).values_list("pk", flat=True))
            if len(ids) != len(set(ocids)):
                found = set(Contract.objects.filter(pk__in=ids).values_list("ocid", flat=True))
                missing = ", ".join(sorted(set(ocids) - found))
                raise CommandError(_("No contract has the OCID %(ocids)s.") % {"ocids": missing})
            refresh_flags(ids)
        else:
            refresh_flags()
        counts: Counter[str] = Counter()
        for flags in Contract.objects.exclude(flags=[]).values_list("flags", flat=True).iterator(chunk_size=5000):
            counts.update(flags)
        total = Contract.objects.count()
        seconds = f"{time.monotonic() - started:.1f}"
        self.stdout.write(
            _("Flags recomputed in %(seconds)s s over %(total)d contracts.") % {"seconds": seconds, "total": total}
        )
        for flag in FLAGS:
            self.stdout.write(
                "  "
                + _("%(flag)s: %(count)d contracts with the flag raised")
                % {"flag": flag.code, "count": counts.get(flag.code, 0)}
            )
