from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GestionConfig(AppConfig):
    name = "abierta.gestion"
    label = "gestion"
    verbose_name = _("Development plan (Gestión Abierta)")

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.gestion import access, datasets  # noqa: F401  (datasets registers the open datasets)

        staffhome.register(access.staff_links)
