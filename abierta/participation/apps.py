from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "abierta.participation"
    label = "participation"
    verbose_name = _("Co-creation")
