"""Every admin of public content keeps its public history (S7)."""

from __future__ import annotations

from django.contrib import admin

from abierta.core.admin import HistoryAdmin


def test_every_admin_of_a_tracked_model_keeps_the_history() -> None:
    """A model that declares ``history_fields`` has a public history; its admin must write it
    (saves, single deletions and the bulk delete action), so it must be a ``HistoryAdmin``."""
    plain = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if getattr(model, "history_fields", None) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert not plain, f"admins that skip the public history: {plain}"
