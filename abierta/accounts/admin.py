from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from abierta.accounts.models import User
from abierta.core.admin import HistoryAdmin


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "institution", "email_verified", "is_active"]
    list_filter = ["role", "institution", "email_verified", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Role"), {"fields": ("role", "institution", "email_verified", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role", "institution")}),
    )
    readonly_fields = ["last_login", "date_joined"]
