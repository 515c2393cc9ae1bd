from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "abierta.procurement"
    verbose_name = _("Annual procurement plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.procurement import datasets  # noqa: F401  (registers the open dataset)
