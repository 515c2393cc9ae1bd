from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "abierta.complaints"
    verbose_name = _("Complaints")
    default_auto_field = "django.db.models.BigAutoField"
    # Nothing of a case shows on a cached public page: saving one must not empty the page cache.
    public_content = False

    def ready(self) -> None:
        from abierta.complaints import access
        from abierta.core import staffhome

        staffhome.register(access.staff_links)
        from abierta.complaints import todos

        staffhome.register_todos(todos.todos)
        from abierta.complaints import checks  # noqa: F401  (registers the system checks)
