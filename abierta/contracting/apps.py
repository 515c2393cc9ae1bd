from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractingConfig(AppConfig):
    name = "abierta.contracting"
    verbose_name = _("Contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.contracting import access, datasets  # noqa: F401  (datasets registers the open dataset)
        from abierta.core import staffhome

        staffhome.register(access.staff_links)
