"""Co-creation, consultation and dialogue pages: each part keeps its own URL module."""

from django.urls import URLPattern, URLResolver

from abierta.participation.cocreation import urls as urls_cocreation
from abierta.participation.consultation import urls as urls_consultation
from abierta.participation.dialogue import urls as urls_dialogue

app_name = "participation"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_cocreation.urlpatterns,
    *urls_consultation.urlpatterns,
    *urls_dialogue.urlpatterns,
]
