"""Contracts: search (/contratos/), its CSV export, the red flags page and a contract's page; the
staff pages of the SECOP II synchronisation and of the import of a contracts file."""

from django.urls import URLPattern, URLResolver, path

from abierta.contracting import staff_views, views

app_name = "contracting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("contratos/", views.contract_list, name="contracts"),
    path("contratos.csv", views.contract_csv, name="contracts_csv"),
    path("contratos/alertas/", views.redflags_page, name="redflags"),
    path("contratos/<str:ocid>/", views.contract_detail, name="contract"),
    path("gestion/contratos/secop/", staff_views.secop_entities, name="secop_entities"),
    path("gestion/contratos/secop/nueva/", staff_views.secop_entity_add, name="secop_entity_add"),
    path("gestion/contratos/secop/<int:pk>/", staff_views.secop_entity, name="secop_entity"),
    path("gestion/contratos/secop/<int:pk>/activa/", staff_views.secop_entity_toggle, name="secop_entity_toggle"),
    path("gestion/contratos/secop/<int:pk>/sincronizar/", staff_views.secop_entity_sync, name="secop_entity_sync"),
    path("gestion/contratos/secop/ejecuciones/<int:pk>/", staff_views.secop_run, name="secop_run"),
    path("gestion/contratos/importar/", staff_views.contracts_import, name="contracts_import"),
    path("gestion/contratos/importar/<int:run_id>/", staff_views.contracts_import_run, name="contracts_import_run"),
]
