"""OC4IDS publication, outside i18n_patterns: one stable address."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_files

app_name = "works_files"
urlpatterns: list[URLPattern | URLResolver] = [
    path("oc4ids/projects.json", views_files.oc4ids_projects, name="oc4ids_projects"),
]
