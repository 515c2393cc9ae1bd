"""The Django admin of contracts and of the SECOP II synchronisation, for platform administrators."""

from __future__ import annotations

from django.contrib import admin

from abierta.contracting.models import Contract, SecopEntity, SyncRun


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["contract_id", "ocid", "buyer_name", "supplier_name", "value", "signed_on", "status"]
    list_filter = ["source", "year", "contract_type"]
    search_fields = ["ocid", "contract_id", "process_id", "supplier_name", "supplier_doc", "title"]
    readonly_fields = ["release", "release_hash", "release_date", "imported_at", "search_document", "flags"]
    date_hierarchy = "signed_on"


@admin.register(SecopEntity)
class SecopEntityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "nit", "active", "watermark"]
    list_filter = ["active"]
    search_fields = ["name", "nit"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["entity", "started_at", "status", "read", "created", "updated", "unchanged", "rejected"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in SyncRun._meta.concrete_fields] + ["imports"]
