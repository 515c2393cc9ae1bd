from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "abierta.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.plans import access, datasets  # noqa: F401  (datasets registers the open datasets)

        staffhome.register(access.staff_links)
        from abierta.plans import todos

        staffhome.register_todos(todos.todos)
