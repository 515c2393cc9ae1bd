from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _match_plans(sender: Any, **kwargs: Any) -> None:
    """Annual procurement plans imported earlier: which of their lines became contracts."""
    from abierta.procurement.services import plans_match_contracts

    plans_match_contracts()


class ProcurementConfig(AppConfig):
    name = "abierta.procurement"
    verbose_name = _("Annual procurement plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.contracting.signals import contracts_imported
        from abierta.core import staffhome
        from abierta.procurement import access, datasets  # noqa: F401  (datasets registers the open dataset)

        staffhome.register(access.staff_links)
        contracts_imported.connect(_match_plans, dispatch_uid="procurement.plans_match_contracts")
