"""OC4IDS files: public, the same for everyone, cacheable by browsers and CDNs (as the OCDS ones)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from abierta.contracting.views_files import paged_file
from abierta.works import oc4ids


@require_safe
def oc4ids_projects(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return paged_file(request, oc4ids.work_page, oc4ids.project_package_chunks, "projects.json")
