from django.contrib import admin

from abierta.core.models import ChangeRecord, Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "short_name", "kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor_name", "action", "object_repr", "scope"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
