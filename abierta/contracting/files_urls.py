"""OCDS and OC4IDS publication, outside i18n_patterns: one stable address each."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_files

app_name = "works_files"
urlpatterns: list[URLPattern | URLResolver] = [
    path("ocds/releases.json", views_files.releases, name="releases"),
    path("ocds/records.json", views_files.records, name="records"),
    path("ocds/releases/<str:ocid>.json", views_files.contract_release, name="contract_release"),
    path("oc4ids/projects.json", views_files.oc4ids_projects, name="oc4ids_projects"),
]
