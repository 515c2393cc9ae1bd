"""Contracts: search (/contratos/), its CSV export, the red flags page and a contract's page."""

from django.urls import URLPattern, URLResolver, path

from abierta.contracting import views

app_name = "contracting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("contratos/", views.contract_list, name="contracts"),
    path("contratos.csv", views.contract_csv, name="contracts_csv"),
    path("contratos/alertas/", views.redflags_page, name="redflags"),
    path("contratos/<str:ocid>/", views.contract_detail, name="contract"),
]
