from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "abierta.works"
    verbose_name = _("Public works")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.core import staffhome
        from abierta.works import access, datasets  # noqa: F401  (datasets registers the open datasets)

        staffhome.register(access.staff_links)
        from abierta.works import todos

        staffhome.register_todos(todos.todos)
