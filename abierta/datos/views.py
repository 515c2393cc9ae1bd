"""The open data catalog: /datos/ (pages, in both languages) and the machine files.

The pages live inside i18n_patterns (/datos/ and /en/datos/). The downloads and the DCAT-AP
catalog (/datos/<slug>.csv, /datos/<slug>.json, /datos/catalog.jsonld) are outside them: one
stable address each, whatever the reader's language, with Spanish column headers and stable
snake_case JSON keys. Their contents are built in the site's default language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from abierta.core.cache import public_page
from abierta.core.csvexport import streaming_csv
from abierta.datos import dcat
from abierta.datos.registry import Dataset, absolute, all_datasets, csv_value, get, json_value


def _dataset(slug: str) -> Dataset:
    dataset = get(slug)
    if dataset is None:
        raise Http404
    return dataset


@public_page
def catalog(request: HttpRequest) -> HttpResponse:
    items = [{"dataset": d, "modified": d.modified()} for d in all_datasets()]
    return render(request, "datos/catalog.html", {"items": items})


@public_page
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset(slug)
    return render(
        request, "datos/dataset.html", {"dataset": dataset, "modified": dataset.modified(), "links": dataset.links()}
    )


def dataset_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The data set as CSV, written while its rows are read (memory stays flat however many rows)."""
    dataset = _dataset(slug)
    with translation.override(settings.LANGUAGE_CODE):
        header = [str(h) for h in dataset.headers]

    def rows() -> Iterator[list[Any]]:
        # Runs after the view has returned, as the response is sent: the language is set here.
        with translation.override(settings.LANGUAGE_CODE):
            for row in dataset.rows():
                yield [csv_value(v) for v in row]

    response = streaming_csv(f"{dataset.slug}.csv", header, rows())
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_chunks(dataset: Dataset) -> Iterator[str]:
    with translation.override(settings.LANGUAGE_CODE):
        modified = dataset.modified()
        meta = {
            "identificador": dataset.slug,
            "titulo": str(dataset.title),
            "descripcion": str(dataset.description),
            "licencia": dataset.licence_url,
            "publicador": dataset.publisher["name"],
            "modificado": modified.isoformat() if modified else None,
            "pagina": absolute(reverse("datos:dataset", kwargs={"slug": dataset.slug})),
            "columnas": [
                {"clave": c.key, "encabezado_csv": c.header, "tipo": c.type, "significado": str(c.meaning)}
                for c in dataset.columns
            ],
        }
        head = json.dumps(meta, ensure_ascii=False)
        yield head[:-1] + ', "elementos": ['
        keys = dataset.keys
        first = True
        for row in dataset.rows():
            item = {k: json_value(v) for k, v in zip(keys, row, strict=True)}
            yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
            first = False
        yield "\n]}\n"


def dataset_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    dataset = _dataset(slug)
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in _json_chunks(dataset)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{dataset.slug}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    doc: dict[str, Any] = dcat.catalog()
    response = HttpResponse(
        json.dumps(doc, ensure_ascii=False, indent=1), content_type="application/ld+json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
