from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContractingConfig(AppConfig):
    name = "abierta.contracting"
    verbose_name = _("Contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from abierta.contracting import access, datasets  # noqa: F401  (datasets registers the open dataset)
        from abierta.core import staffhome

        staffhome.register(access.staff_links)
        post_migrate.connect(_repair_sqlite_index, sender=self)


def _repair_sqlite_index(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: a migration that rebuilt the contracts table on SQLite dropped the
    full-text index's triggers; put them back and rebuild the index."""
    from abierta.contracting.fulltext import sqlite_index_repair

    sqlite_index_repair(connections[using])
