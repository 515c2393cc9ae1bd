"""The catalog as DCAT-AP in JSON-LD (https://semiceu.github.io/DCAT-AP/).

The @context is inline (a prefix map), never a remote URL: a harvester, or a test without
network, can expand it as it is. Titles and descriptions are given in every language of the site,
tagged; dates are typed xsd:date; addresses are absolute (settings.SITE_URL).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import LICENCE_URL, Dataset, Link, absolute, all_datasets

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
CATALOG_TITLE = _("Open data of the open government platform")
CATALOG_DESCRIPTION = _(
    "The datasets this platform publishes: action plans, commitments, milestones and their progress, "
    "monitoring, co-creation and the development plan, as CSV and JSON under CC BY 4.0."
)


def _language_tag(code: str) -> str:
    parts = code.split("-")
    return parts[0] if len(parts) == 1 else f"{parts[0]}-{parts[1].upper()}"


def _texts(text: Promise | str) -> list[dict[str, str]]:
    """The text in each of the site's languages, tagged (es-CO, en). A plain string was written in
    the default language; a translatable one not translated yet is only tagged as English."""
    if not isinstance(text, Promise):
        return [{"@value": text, "@language": _language_tag(settings.LANGUAGE_CODE)}]
    with translation.override("en"):
        english = str(text)
    values = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            value = str(text)
        if code != "en" and value == english:
            continue
        values.append({"@value": value, "@language": _language_tag(code)})
    return values


def _publisher() -> dict[str, Any]:
    entity = settings.ABIERTA_ENTITY
    return {"@id": entity["website"], "@type": "foaf:Agent", "foaf:name": entity["name"]}


def _contact() -> dict[str, Any]:
    entity = settings.ABIERTA_ENTITY
    return {
        "@type": "vcard:Organization",
        "vcard:fn": entity["name"],
        "vcard:hasEmail": {"@id": f"mailto:{entity['email']}"},
        "vcard:hasTelephone": entity["phone"],
    }


def _licence() -> dict[str, Any]:
    return {"@id": LICENCE_URL, "@type": "dct:LicenseDocument"}


def _distribution(title: Promise | str, access: str, download: str, media_type: str, file_type: str) -> dict[str, Any]:
    return {
        "@type": "dcat:Distribution",
        "dct:title": _texts(title),
        "dcat:accessURL": {"@id": access},
        "dcat:downloadURL": {"@id": download},
        "dcat:mediaType": {"@id": MEDIA_TYPE + media_type},
        "dct:format": {"@id": FILE_TYPE + file_type},
        "dct:license": _licence(),
    }


def dataset_node(dataset: Dataset) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        page = absolute(reverse("datos:dataset", kwargs={"slug": dataset.slug}))
        csv_url = absolute(reverse("datos_files:csv", kwargs={"slug": dataset.slug}))
        json_url = absolute(reverse("datos_files:json", kwargs={"slug": dataset.slug}))
        links: list[Link] = list(dataset.links())
    distributions = [
        _distribution(_("CSV (UTF-8, Spanish headers)"), page, csv_url, "text/csv", "CSV"),
        _distribution(_("JSON (metadata and items)"), page, json_url, "application/json", "JSON"),
    ]
    distributions += [
        _distribution(link.title, page, absolute(link.path), link.media_type, link.file_type) for link in links
    ]
    node: dict[str, Any] = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.slug,
        "dct:title": _texts(dataset.title),
        "dct:description": _texts(dataset.description),
        "dcat:keyword": [{"@value": k, "@language": "es"} for k in dataset.keywords],
        "dct:publisher": _publisher(),
        "dcat:contactPoint": _contact(),
        "dcat:landingPage": {"@id": page},
        "dct:license": _licence(),
        "dcat:distribution": distributions,
    }
    modified = dataset.modified()
    if modified is not None:
        node["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:date"}
    return node


def catalog() -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        home = absolute(reverse("datos:catalog"))
        me = absolute(reverse("datos_files:catalog"))
    datasets = [dataset_node(d) for d in all_datasets()]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": me,
        "@type": "dcat:Catalog",
        "dct:title": _texts(CATALOG_TITLE),
        "dct:description": _texts(CATALOG_DESCRIPTION),
        "dct:publisher": _publisher(),
        "dct:license": _licence(),
        "dct:language": [
            {"@id": "http://publications.europa.eu/resource/authority/language/SPA"},
            {"@id": "http://publications.europa.eu/resource/authority/language/ENG"},
        ],
        "foaf:homepage": {"@id": home},
        "dcat:dataset": datasets,
    }
    dates = [d["dct:modified"]["@value"] for d in datasets if "dct:modified" in d]
    if dates:
        doc["dct:modified"] = {"@value": max(dates), "@type": "xsd:date"}
    return doc
