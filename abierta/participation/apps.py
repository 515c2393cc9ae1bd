from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "abierta.participation"
    label = "participation"
    verbose_name = _("Co-creation")

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.participation import access, datasets  # noqa: F401  (datasets registers the open datasets)

        staffhome.register(access.staff_links)
        from abierta.participation import todos

        staffhome.register_todos(todos.todos)
        from abierta.participation import checks  # noqa: F401  (registers the system checks)
        from abierta.participation.consultation import checks as consultation_checks  # noqa: F401
