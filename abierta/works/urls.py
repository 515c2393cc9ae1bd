"""Public works and their staff pages: each part keeps its own URL module."""

from django.urls import URLPattern, URLResolver

from abierta.works import urls_citizen, urls_staff, urls_works

app_name = "works"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_works.urlpatterns,
    *urls_citizen.urlpatterns,
    *urls_staff.urlpatterns,
]
