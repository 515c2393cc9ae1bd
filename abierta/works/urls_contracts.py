"""Contracts: search (/contratos/), its CSV export, the red flags page and a contract's page."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_contracts

urlpatterns: list[URLPattern | URLResolver] = [
    path("contratos/", views_contracts.contract_list, name="contracts"),
    path("contratos.csv", views_contracts.contract_csv, name="contracts_csv"),
    path("contratos/alertas/", views_contracts.redflags_page, name="redflags"),
    path("contratos/<str:ocid>/", views_contracts.contract_detail, name="contract"),
]
