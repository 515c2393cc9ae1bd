"""The Django admin of contracts, for platform administrators."""

from __future__ import annotations

from django.contrib import admin

from abierta.contracting.models import Contract


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["contract_id", "ocid", "buyer_name", "supplier_name", "value", "signed_on", "status"]
    list_filter = ["source", "year", "contract_type"]
    search_fields = ["ocid", "contract_id", "process_id", "supplier_name", "supplier_doc", "title"]
    readonly_fields = ["release", "release_hash", "release_date", "imported_at", "search_document", "flags"]
    date_hierarchy = "signed_on"
