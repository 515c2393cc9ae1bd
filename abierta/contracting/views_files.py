"""OCDS files: public, the same for everyone, cacheable by browsers and CDNs.

The paged packages stream (memory flat whatever the number of contracts); the per-contract file
is small and goes through the anonymous page cache as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from abierta.contracting import publish
from abierta.contracting.models import Contract
from abierta.core.cache import public_page

JSON = "application/json; charset=utf-8"


def public_file(response: HttpResponse | StreamingHttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=publish.MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"


def paged_file(
    request: HttpRequest,
    page_of: Callable[[publish.Cursor], publish.Page],
    chunks: Callable[[publish.Page], Iterator[bytes]],
    filename: str,
) -> HttpResponse | StreamingHttpResponse:
    try:
        cursor = publish.Cursor.from_query(request.GET)
    except publish.CursorError as error:
        return JsonResponse({"error": str(error)}, status=400)
    page = page_of(cursor)
    if not page.keys and (cursor.after is not None or cursor.before is not None):
        return JsonResponse(
            {"error": "No hay más resultados en esa dirección: empiece en la primera página."}, status=404
        )
    response = StreamingHttpResponse(chunks(page), content_type=JSON)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    public_file(response)
    return response


@require_safe
def releases(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return paged_file(request, publish.contract_page, publish.release_package_chunks, "releases.json")


@require_safe
def records(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return paged_file(request, publish.contract_page, publish.record_package_chunks, "records.json")


@public_page
def _contract_release(request: HttpRequest, ocid: str) -> HttpResponse:
    contract = get_object_or_404(Contract, ocid=ocid)
    body = json.dumps(publish.contract_release_package(contract), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type=JSON)


@require_safe
def contract_release(request: HttpRequest, ocid: str) -> HttpResponse:
    # The page cache keeps the body only: the headers are set on every answer, hit or miss.
    response = _contract_release(request, ocid)
    public_file(response)
    return response
