from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatosConfig(AppConfig):
    name = "abierta.datos"
    label = "datos"
    verbose_name = _("Open data")

    def ready(self) -> None:
        # The datasets of the modules that exist today; other modules register theirs in their
        # own AppConfig.ready() with abierta.datos.registry.register().
        from abierta.datos import datasets  # noqa: F401
