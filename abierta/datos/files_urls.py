"""The machine files, outside i18n_patterns: one stable address each, whatever the language."""

from django.urls import path

from abierta.datos import views

app_name = "datos_files"
urlpatterns = [
    path("datos/catalog.jsonld", views.catalog_jsonld, name="catalog"),
    path("datos/<slug:slug>.csv", views.dataset_csv, name="csv"),
    path("datos/<slug:slug>.json", views.dataset_json, name="json"),
]
