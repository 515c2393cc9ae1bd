"""The Django admin of public works, for platform administrators.

Offices manage their works on the staff pages (/gestion/obras/); the admin is the way out when
those pages cannot do something. A work, its contract links and its progress updates changed or
deleted here still keep their public history.
"""

from __future__ import annotations

from django.contrib import admin

from abierta.core.admin import HistoryAdmin
from abierta.works.models import (
    IrregularityPhoto,
    IrregularityReport,
    Work,
    WorkContract,
    WorkFollower,
    WorkPhoto,
    WorkScanDay,
    WorkUpdate,
)


class WorkContractInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkContract
    extra = 0
    raw_id_fields = ["contract"]


@admin.register(Work)
class WorkAdmin(HistoryAdmin):
    list_display = ["name", "code", "office", "status", "physical_progress", "is_published"]
    list_filter = ["status", "sector", "localidad", "office", "is_published"]
    search_fields = ["name", "code", "address"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [WorkContractInline]


class WorkPhotoInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkPhoto
    extra = 0
    # The original waits in private storage until the queue publishes the photo: never linked.
    fields = ["image", "caption", "state", "error"]
    readonly_fields = ["state", "error"]


@admin.register(WorkUpdate)
class WorkUpdateAdmin(HistoryAdmin):
    list_display = ["work", "date", "physical_progress", "financial_progress", "notified_at"]
    list_filter = ["date"]
    search_fields = ["work__name", "work__code", "text"]
    raw_id_fields = ["work", "author"]
    readonly_fields = ["notified_at", "created_at"]
    inlines = [WorkPhotoInline]


@admin.register(WorkFollower)
class WorkFollowerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["email", "work", "confirmed_at", "created_at"]
    list_filter = ["confirmed_at"]
    search_fields = ["email", "work__code"]
    raw_id_fields = ["work"]
    readonly_fields = ["token", "created_at"]


class IrregularityPhotoInline(admin.TabularInline):  # type: ignore[type-arg]
    model = IrregularityPhoto
    extra = 0
    fields = ["image", "kept_location", "state", "error"]
    readonly_fields = ["image", "kept_location", "state", "error"]


@admin.register(IrregularityReport)
class IrregularityReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["work", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["work__name", "work__code", "text"]
    raw_id_fields = ["work"]
    readonly_fields = ["created_at"]
    inlines = [IrregularityPhotoInline]


@admin.register(WorkScanDay)
class WorkScanDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["work", "day", "count"]
    raw_id_fields = ["work"]
    date_hierarchy = "day"
