from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatosConfig(AppConfig):
    name = "abierta.datos"
    label = "datos"
    verbose_name = _("Open data")
