"""OCDS publication, outside i18n_patterns: one stable address each."""

from django.urls import URLPattern, URLResolver, path

from abierta.contracting import views_files

app_name = "contracting_files"
urlpatterns: list[URLPattern | URLResolver] = [
    path("ocds/releases.json", views_files.releases, name="releases"),
    path("ocds/records.json", views_files.records, name="records"),
    path("ocds/releases/<str:ocid>.json", views_files.contract_release, name="contract_release"),
]
