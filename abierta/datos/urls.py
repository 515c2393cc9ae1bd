"""The catalog's pages, inside i18n_patterns (/datos/, /en/datos/)."""

from django.urls import path

from abierta.datos import views

app_name = "datos"
urlpatterns = [
    path("datos/", views.catalog, name="catalog"),
    path("datos/<slug:slug>/", views.dataset_detail, name="dataset"),
]
