from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "abierta.procurement"
    verbose_name = _("Annual procurement plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.procurement import access, datasets  # noqa: F401  (datasets registers the open dataset)

        staffhome.register(access.staff_links)
