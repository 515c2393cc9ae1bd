"""OCDS and OC4IDS publication, outside i18n_patterns: one stable address each."""

from django.urls import URLPattern, URLResolver

app_name = "works_files"
urlpatterns: list[URLPattern | URLResolver] = []
