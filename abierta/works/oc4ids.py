"""OC4IDS 0.9.4 publication of the published works (``/oc4ids/projects.json``).

Each work is an OC4IDS project; its contracts are its contracting processes, summarised from their
OCDS releases (``abierta.contracting.publish``), paged by a cursor on the work's code as the OCDS
packages are. docs/decisions/0009-ocds-publication.md explains the choices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from abierta.contracting.models import Contract
from abierta.contracting.publish import (
    CHUNK_SIZE,
    METHODS,
    PAGE_SIZE,
    URI_SAFE,
    Cursor,
    Page,
    canonical,
    compiled_release,
    contract_file_url,
    contract_row,
    dicts,
    iso,
    package_head,
    page_of,
    published_release,
    stream_package,
)
from abierta.works.models import ROLE_ORDER, Work, WorkContract, WorkUpdate

OC4IDS_VERSION = "0.9"
NATURE = {
    WorkContract.Role.WORKS: "construction",
    WorkContract.Role.SUPERVISION: "supervision",
    WorkContract.Role.DESIGN: "design",
}
PERCENT = {"name": "percent", "scheme": "UNCEFACT", "id": "P1"}


def project_id(work: Work) -> str:
    return f"{settings.ABIERTA_OC4IDS_PREFIX}-{work.code}"


def published_works() -> QuerySet[Work]:
    return Work.objects.filter(is_published=True)


def work_page(cursor: Cursor, size: int = PAGE_SIZE) -> Page:
    return page_of(published_works(), "code", "updated_at", cursor, size)


def _value(amount: Decimal | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"amount": float(amount), "currency": "COP"}


def _period(start: datetime.date | None, end: datetime.date | None) -> dict[str, Any] | None:
    period = {k: iso(v) for k, v in (("startDate", start), ("endDate", end)) if v is not None}
    return period or None


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop None, empty strings, lists and objects: the schema wants none of them."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def entity_party_id() -> str:
    return f"CO-NIT-{settings.ABIERTA_ENTITY['nit']}"


def office_party(work: Work) -> dict[str, Any]:
    office = work.office
    entity = settings.ABIERTA_ENTITY
    return _compact(
        {
            "id": f"{entity_party_id()}-{office.slug}",
            "name": office.name,
            "identifier": {"scheme": "CO-NIT", "id": entity["nit"], "legalName": entity["name"]},
            "address": {
                "streetAddress": entity["address"],
                "locality": "Cartagena de Indias",
                "region": "Bolívar",
                "countryName": "Colombia",
            },
            "contactPoint": _compact(
                {
                    "name": office.name,
                    "email": office.email,
                    "telephone": office.phone,
                    "url": office.website,
                }
            ),
            "roles": ["publicAuthority"],
        }
    )


def _contract_status(release: dict[str, Any]) -> str:
    """OC4IDS contractingProcessStatus from the OCDS stages."""
    contracts = dicts(release.get("contracts"))
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    if contracts:
        if all(c.get("status") in ("terminated", "cancelled") for c in contracts):
            return "closed"
        return "active"
    if dicts(release.get("awards")):
        return "active"
    if tender and tender.get("status") in ("cancelled", "unsuccessful", "withdrawn", "complete"):
        return "closed"
    return "pre-award"


def _suppliers(release: dict[str, Any]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for award in dicts(release.get("awards")):
        for supplier in dicts(award.get("suppliers")):
            ref = _compact({"id": str(supplier.get("id") or ""), "name": supplier.get("name")})
            if ref:
                found.setdefault(canonical(ref), ref)
    return list(found.values())


def _transactions(release: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for contract in dicts(release.get("contracts")):
        implementation = contract.get("implementation")
        if not isinstance(implementation, dict):
            continue
        for tx in dicts(implementation.get("transactions")):
            if tx.get("id") in (None, ""):
                continue
            value = tx.get("value") or tx.get("amount")
            out.append(
                _compact(
                    {
                        "id": str(tx["id"]),
                        "date": tx.get("date"),
                        "value": value if isinstance(value, dict) and value else None,
                        "payer": tx.get("payer") if isinstance(tx.get("payer"), dict) else None,
                        "payee": tx.get("payee") if isinstance(tx.get("payee"), dict) else None,
                    }
                )
            )
    return out


def _modifications(contract: Contract) -> list[dict[str, Any]]:
    mods = []
    if contract.value_added:
        mods.append(
            _compact(
                {
                    "id": "valor",
                    "type": "value",
                    "description": "Adición en valor",
                    "oldContractValue": _value(contract.original_value),
                    "newContractValue": _value(contract.value),
                }
            )
        )
    if contract.days_added:
        mods.append({"id": "plazo", "type": "duration", "description": f"Prórroga de {contract.days_added} días"})
    return mods


def contracting_process(link: WorkContract) -> dict[str, Any]:
    contract = link.contract
    row = contract_row(contract)
    release = compiled_release(row)
    status = _contract_status(release)
    tender = _compact(
        {
            "procurementMethod": contract.procurement_method if contract.procurement_method in METHODS else None,
            "procurementMethodDetails": contract.modality,
            "costEstimate": _value(contract.estimate_value),
            "numberOfTenderers": contract.bidders,
            "procuringEntity": _compact(
                {"id": f"CO-NIT-{contract.buyer_nit}" if contract.buyer_nit else None, "name": contract.buyer_name}
            ),
        }
    )
    nature = NATURE.get(WorkContract.Role(link.role))
    summary = _compact(
        {
            "ocid": contract.ocid,
            "externalReference": contract.contract_id,
            "nature": [nature] if nature else None,
            "title": contract.title,
            "status": status,
            "tender": tender,
            "suppliers": _suppliers(release),
            "contractValue": _value(contract.value),
            "contractPeriod": _period(contract.start_on, contract.end_on),
            "finalValue": _value(contract.value) if status == "closed" else None,
            "modifications": _modifications(contract),
            "transactions": _transactions(release),
        }
    )
    pub = published_release(row)
    return {
        "id": contract.ocid,
        "summary": summary,
        "releases": [
            {
                "id": pub["id"],
                "tag": pub["tag"],
                "date": pub["date"],
                "url": f"{contract_file_url(contract.ocid)}#{quote(pub['id'], safe=URI_SAFE)}",
            }
        ],
    }


def _metric(work: Work, key: str, title: str, updates: list[WorkUpdate]) -> dict[str, Any]:
    observations = [
        {
            "id": str(update.pk),
            "measure": float(getattr(update, key)),
            "unit": PERCENT,
            "period": {"startDate": iso(update.date), "endDate": iso(update.date)},
        }
        for update in sorted(updates, key=lambda u: (u.date, u.pk))
    ]
    if not observations:
        observations = [
            {
                "id": "actual",
                "measure": float(getattr(work, key)),
                "unit": PERCENT,
                "period": {"startDate": iso(work.updated_at), "endDate": iso(work.updated_at)},
            }
        ]
    return {"id": key.replace("_progress", "Progress"), "title": title, "observations": observations}


def _location(work: Work) -> dict[str, Any] | None:
    place = []
    if work.localidad:
        place.append(f"Localidad {Work.Localidad(work.localidad).label}")
    if work.ucg:
        place.append(f"Unidad Comunera de Gobierno {work.ucg}")
    location = _compact(
        {
            "id": "1",
            "description": ", ".join(str(p) for p in place),
            "geometry": {"type": "Point", "coordinates": [float(work.longitude), float(work.latitude)]}
            if work.latitude is not None and work.longitude is not None
            else None,
            "address": _compact(
                {
                    "streetAddress": work.address,
                    "locality": "Cartagena de Indias",
                    "region": "Bolívar",
                    "countryName": "Colombia",
                }
            ),
        }
    )
    return location


def project(work: Work) -> dict[str, Any]:
    """A work as an OC4IDS project (prefetch ``work_contracts__contract``, ``updates`` and ``office``)."""
    # The works contract first, then its interventoría, designs and the rest.
    links = sorted(work.work_contracts.all(), key=lambda link: (ROLE_ORDER[link.role], link.pk))
    updates = list(work.updates.all())
    parties = [office_party(work)]
    seen = {parties[0]["id"]}
    processes = []
    for link in links:
        process = contracting_process(link)
        processes.append(process)
        for supplier in process["summary"].get("suppliers", []):
            if supplier.get("id") and supplier["id"] not in seen:
                seen.add(supplier["id"])
                parties.append(_compact({"id": supplier["id"], "name": supplier.get("name"), "roles": ["supplier"]}))
        buyer_id = process["summary"].get("tender", {}).get("procuringEntity", {}).get("id")
        if buyer_id and buyer_id not in seen:
            seen.add(buyer_id)
            parties.append(
                {"id": buyer_id, "name": link.contract.buyer_name or buyer_id, "roles": ["buyer", "procuringEntity"]}
            )
    completion: dict[str, Any] = {}
    if work.status == Work.Status.COMPLETION:
        done = [u for u in updates if u.physical_progress >= 100]
        if done:
            completion["endDate"] = iso(min(u.date for u in done))
        values = [link.contract.value for link in links]
        if values and all(v is not None for v in values):
            completion["finalValue"] = _value(sum((v for v in values if v is not None), Decimal(0)))
    sector = None
    if work.sector != Work.Sector.OTHER:
        main = work.sector.split(".")[0]
        sector = [main, work.sector] if main != work.sector else [work.sector]
    location = _location(work)
    return _compact(
        {
            "id": project_id(work),
            "identifiers": [{"id": work.code, "scheme": "abierta-obra"}],
            "updated": iso(work.updated_at),
            "language": "es",
            "title": work.name,
            "description": work.description,
            "status": work.status,
            "sector": sector,
            "period": _period(work.start_on, work.end_on),
            "locations": [location] if location and len(location) > 1 else None,
            "budget": {"amount": _value(work.budget)} if work.budget is not None else None,
            "publicAuthority": {"id": parties[0]["id"], "name": work.office.name},
            "parties": parties,
            "metrics": [
                _metric(work, "physical_progress", "Avance físico", updates),
                _metric(work, "financial_progress", "Avance financiero", updates),
            ],
            "completion": completion,
            "contractingProcesses": processes,
            "documents": [
                {
                    "id": "pagina",
                    "documentType": "projectWebsite",
                    "title": work.name,
                    "url": settings.SITE_URL + work.get_absolute_url(),
                    "format": "text/html",
                    "language": "es",
                }
            ],
        }
    )


def _works(codes: list[str]) -> Iterator[Work]:
    for start in range(0, len(codes), CHUNK_SIZE):
        chunk = codes[start : start + CHUNK_SIZE]
        qs = (
            published_works()
            .filter(code__in=chunk)
            .select_related("office")
            .prefetch_related(
                Prefetch("work_contracts", queryset=WorkContract.objects.select_related("contract").order_by("pk")),
                "updates",
            )
            .order_by("code")
        )
        yield from qs


def project_package_chunks(page: Page) -> Iterator[bytes]:
    base = settings.SITE_URL + reverse("works_files:oc4ids_projects")
    head = package_head(uri=page.uri(base), published=page.modified, version=OC4IDS_VERSION)
    links = page.links(base)
    if links:
        head["links"] = links
    return stream_package(head, "projects", (project(work) for work in _works(page.keys)))
