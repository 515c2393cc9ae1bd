from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "abierta.development"
    # The label of the app's first name: its tables (gestion_*), migrations and content types keep it.
    label = "gestion"
    verbose_name = _("Development plan (Gestión Abierta)")

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.development import access, datasets  # noqa: F401  (datasets registers the open datasets)

        staffhome.register(access.staff_links)
