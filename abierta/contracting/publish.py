"""OCDS 1.1.5 publication of the stored contracts.

Contracts are stored as compiled releases (one per ocid). They are published as:

- a release package (``/ocds/releases.json``): each contract's current state as one release whose
  ``id`` is derived from the content (``<ocid>-<hash>``, so it changes whenever the data changes)
  and whose ``tag`` names the stages present (planning, tender, award, contract, implementation);
- a record package (``/ocds/records.json``): each record embeds the releases its publisher sent
  (``SourceRelease``, in date order), or links the release above for a contract that came without
  them (a SECOP II row), and embeds the compiled release (``tag: ["compiled"]``);
- one release package per contract (``/ocds/releases/<ocid>.json``), the target of the links.

Lists are paged by a cursor on the ocid (``abierta.works.oc4ids`` pages works the same way), 1,000
per page, with ``links.next`` and ``links.prev``; a page reads its keys first and then the releases
in chunks, so memory stays flat whatever the number of contracts. Stored data comes from outside
sources (SECOP exports, old OCDS feeds) with known defects; ``conform`` repairs what would make a
release invalid against the schema (naive date-times, values outside closed codelists, repeated
identical array items) without inventing data.
docs/decisions/0009-ocds-publication.md explains the choices.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.contracting.models import Contract, SourceRelease
from abierta.contracting.ocds import release_sort_key
from abierta.contracting.privacy import withhold_personal_documents
from abierta.datos.registry import LICENCE_URL

PAGE_SIZE = 1000
CHUNK_SIZE = 100
OCDS_VERSION = "1.1"
# Colombia keeps UTC−5 all year: SECOP date-times without an offset are local times.
BOGOTA = datetime.timezone(datetime.timedelta(hours=-5), "America/Bogota")
# Seconds a browser or CDN may keep a publication file.
MAX_AGE = 900
MAX_CURSOR = 200

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
# Characters allowed in an RFC 3986 URI (and % for escapes already made).
URI_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# Field names the release schema types as date-time, and as URI (the same names are never used for
# anything else in the schema).
DATE_TIME_KEYS = frozenset(
    {
        "date",
        "startDate",
        "endDate",
        "maxExtentDate",
        "datePublished",
        "dateModified",
        "dateSigned",
        "dateMet",
        "dueDate",
    }
)
URI_KEYS = frozenset({"uri", "url", "source"})
# Arrays the schema declares uniqueItems.
UNIQUE_ARRAYS = frozenset(
    {
        "milestones",
        "suppliers",
        "additionalIdentifiers",
        "relatedProcesses",
        "tenderers",
        "documents",
        "awards",
        "additionalClassifications",
        "contracts",
        "parties",
        "transactions",
        "items",
    }
)
# Closed codelists.
TENDER_STATUS = frozenset({"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"})
AWARD_STATUS = frozenset({"pending", "active", "cancelled", "unsuccessful"})
CONTRACT_STATUS = frozenset({"pending", "active", "cancelled", "terminated"})
METHODS = frozenset({"open", "selective", "limited", "direct"})
CATEGORIES = frozenset({"goods", "works", "services"})
MILESTONE_STATUS = frozenset({"scheduled", "met", "notMet", "partiallyMet"})
RELEASE_TAGS = frozenset(
    {
        "planning",
        "planningUpdate",
        "tender",
        "tenderAmendment",
        "tenderUpdate",
        "tenderCancellation",
        "award",
        "awardUpdate",
        "awardCancellation",
        "contract",
        "contractUpdate",
        "contractAmendment",
        "implementation",
        "implementationUpdate",
        "contractTermination",
        "compiled",
    }
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


# Repairs ---------------------------------------------------------------------------------------


def conform_datetime(value: Any) -> str | None:
    """An RFC 3339 date-time, or None when the value cannot be read as one.

    Valid values are kept as they are; a date-time without an offset is read as Bogotá time; a bare
    date as its midnight in Bogotá.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _RFC3339.match(text):
        try:
            datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            return None
        return text
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BOGOTA)
    return parsed.isoformat()


def conform_uri(value: str) -> str | None:
    text = value.strip()
    if not _URI_SCHEME.match(text):
        return None
    return quote(text, safe=URI_SAFE)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _unique(items: list[Any]) -> list[Any]:
    """``items`` without repeated identical items (JSON equality), the first of each kept."""
    if len(items) < 2:
        return items
    if len(items) <= 64:
        kept: list[Any] = []
        for item in items:
            if item not in kept:
                kept.append(item)
        return kept
    seen: set[str] = set()
    unique = []
    for item in items:
        mark = canonical(item)
        if mark not in seen:
            seen.add(mark)
            unique.append(item)
    return unique


def _walk(node: dict[str, Any] | list[Any]) -> None:
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict | list):
                _walk(item)
        return
    for key in list(node):
        value = node[key]
        if isinstance(value, str):
            if key in DATE_TIME_KEYS:
                fixed = conform_datetime(value)
            elif key in URI_KEYS:
                fixed = conform_uri(value)
            elif key == "currency":
                fixed = value if _CURRENCY.match(value) else None
            elif key == "amount":
                try:
                    node[key] = float(Decimal(value.strip()))
                except ArithmeticError:
                    del node[key]
                continue
            else:
                continue
            if fixed is None:
                del node[key]
            elif fixed is not value:
                node[key] = fixed
        elif isinstance(value, dict):
            _walk(value)
        elif isinstance(value, list):
            if key in UNIQUE_ARRAYS:
                node[key] = value = _unique(value)
            _walk(value)
        elif value is not None and (key in DATE_TIME_KEYS or key == "currency"):
            # A number or a boolean where a date-time or a currency code belongs.
            del node[key]


def _closed(obj: Any, key: str, allowed: frozenset[str]) -> None:
    if isinstance(obj, dict) and obj.get(key) is not None and obj[key] not in allowed:
        del obj[key]


def dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _milestones(obj: Any) -> None:
    if isinstance(obj, dict):
        for milestone in dicts(obj.get("milestones")):
            _closed(milestone, "status", MILESTONE_STATUS)


def conform(release: dict[str, Any]) -> dict[str, Any]:
    """Repair, in place, what would make a stored release invalid against OCDS 1.1.5."""
    _walk(release)
    release["initiationType"] = "tender"
    _milestones(release.get("planning"))
    tender = release.get("tender")
    _closed(tender, "status", TENDER_STATUS)
    _closed(tender, "procurementMethod", METHODS)
    _closed(tender, "mainProcurementCategory", CATEGORIES)
    _milestones(tender)
    for award in dicts(release.get("awards")):
        _closed(award, "status", AWARD_STATUS)
    for contract in dicts(release.get("contracts")):
        _closed(contract, "status", CONTRACT_STATUS)
        _milestones(contract)
        _milestones(contract.get("implementation"))
    return release


def stage_tags(release: dict[str, Any]) -> list[str]:
    """The release tags of the stages a compiled release holds."""
    tags = [
        tag for tag, key in (("planning", "planning"), ("tender", "tender"), ("award", "awards")) if release.get(key)
    ]
    contracts = dicts(release.get("contracts"))
    if contracts:
        tags.append("contract")
        if any(c.get("amendments") for c in contracts):
            tags.append("contractAmendment")
        if any(c.get("implementation") for c in contracts):
            tags.append("implementation")
    return tags or ["planning"]


def iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return datetime.datetime.combine(moment, datetime.time(), tzinfo=BOGOTA).isoformat()


def _content_hash(row: ContractRow) -> str:
    if row.release_hash:
        return row.release_hash
    return hashlib.sha256(canonical(row.release).encode()).hexdigest()


@dataclass
class ContractRow:
    ocid: str
    release: dict[str, Any]
    release_hash: str
    release_date: datetime.datetime | None
    imported_at: datetime.datetime
    # The party ids the withholding renamed (old → new), for the contract's source releases.
    withheld: dict[str, str] = field(default_factory=dict)


def public_row(
    ocid: str,
    release: dict[str, Any],
    release_hash: str,
    release_date: datetime.datetime | None,
    imported_at: datetime.datetime,
) -> ContractRow:
    """The row as it may be published: natural persons' document numbers withheld
    (``privacy.withhold_personal_documents``). The release id of a row that lost one is hashed from
    what is published, so that it cannot be matched against guessed numbers."""
    withheld: dict[str, str] = {}
    if withhold_personal_documents(release, withheld):
        release_hash = ""
    return ContractRow(ocid, release, release_hash, release_date, imported_at, withheld)


def contract_row(contract: Contract) -> ContractRow:
    # A copy: the scrubbing and the repairs must not reach the model instance (the page reads it).
    release = copy.deepcopy(contract.release)
    return public_row(contract.ocid, release, contract.release_hash, contract.release_date, contract.imported_at)


def release_id(row: ContractRow) -> str:
    return f"{row.ocid}-{_content_hash(row)[:12]}"


def _release_date(row: ContractRow, release: dict[str, Any]) -> str:
    return str(release.get("date") or iso(row.release_date) or iso(row.imported_at))


def published_release(row: ContractRow) -> dict[str, Any]:
    """The contract's current state as a release: stage tags, an id that changes with the content."""
    # conform() repairs the row's own dict (fresh from the database; repairing twice changes nothing);
    # the top level is copied so that the compiled and the published release do not share ids.
    release = dict(conform(row.release))
    release["ocid"] = row.ocid
    release["id"] = release_id(row)
    release["tag"] = stage_tags(release)
    release["date"] = _release_date(row, release)
    return release


def compiled_release(row: ContractRow) -> dict[str, Any]:
    release = dict(conform(row.release))
    release["ocid"] = row.ocid
    release["id"] = str(release.get("id") or f"{row.ocid}-compiled")
    release["tag"] = ["compiled"]
    release["date"] = _release_date(row, release)
    return release


def contract_file_url(ocid: str) -> str:
    return settings.SITE_URL + reverse("contracting_files:contract_release", kwargs={"ocid": ocid})


def linked_release(row: ContractRow, release: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": f"{contract_file_url(row.ocid)}#{quote(release_id(row), safe=URI_SAFE)}",
        "date": _release_date(row, release),
        "tag": stage_tags(release),
    }


def source_release(row: ContractRow, data: str) -> dict[str, Any]:
    """One release the publisher sent, as it may be published: the same withholding as the compiled
    release (the same new party ids), the same repairs, and what the schema requires of a release."""
    release: dict[str, Any] = json.loads(data)
    withhold_personal_documents(release, dict(row.withheld))
    conform(release)
    release["ocid"] = row.ocid
    tags = [t for t in release.get("tag") or [] if t in RELEASE_TAGS] if isinstance(release.get("tag"), list) else []
    release["tag"] = tags or stage_tags(release)
    release["date"] = str(release.get("date") or iso(row.release_date) or iso(row.imported_at))
    release["id"] = str(release.get("id") or f"{row.ocid}-{release['date']}")
    return release


def record(row: ContractRow, history: list[str] | None = None) -> dict[str, Any]:
    """A contract's record: its source releases (``history``, their JSON in order of arrival) embedded
    in date order, or, without them, the published release linked; and the compiled release."""
    compiled = compiled_release(row)
    if history:
        releases = sorted((source_release(row, data) for data in history), key=release_sort_key)
    else:
        releases = [linked_release(row, compiled)]
    return {"ocid": row.ocid, "releases": releases, "compiledRelease": compiled}


# Packages --------------------------------------------------------------------------------------


def publisher() -> dict[str, str]:
    entity: dict[str, str] = settings.ABIERTA_ENTITY
    return {"name": entity["name"], "scheme": "CO-NIT", "uid": entity["nit"], "uri": entity["website"]}


def publication_policy_url() -> str:
    return settings.SITE_URL + reverse("datos:dataset", kwargs={"slug": "contratos"})


def package_head(*, uri: str, published: datetime.datetime | None, version: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": version,
        "publishedDate": iso(published or timezone.now()),
        "publisher": publisher(),
        "license": LICENCE_URL,
        "publicationPolicy": publication_policy_url(),
    }


class CursorError(ValueError):
    """A page cursor that cannot be used; its message is shown to the reader (in Spanish)."""


@dataclass(frozen=True)
class Cursor:
    after: str | None = None
    before: str | None = None

    @classmethod
    def from_query(cls, query: Any) -> Cursor:
        unknown = set(query) - {"after", "before"}
        if unknown:
            raise CursorError(_("Unknown parameter: %(name)s. Use after or before.") % {"name": sorted(unknown)[0]})
        after, before = query.get("after"), query.get("before")
        if after is not None and before is not None:
            raise CursorError(_("Use after or before, not both at once."))
        for value in (after, before):
            if value is not None and (not value or len(value) > MAX_CURSOR or "\x00" in value):
                raise CursorError(_("The page cursor is not valid: copy the package's next or prev link."))
        return cls(after=after, before=before)


@dataclass
class Page:
    keys: list[str]
    has_next: bool
    has_prev: bool
    modified: datetime.datetime | None
    cursor: Cursor

    def link(self, base: str, **params: str) -> str:
        return f"{base}?{urlencode(params)}" if params else base

    def links(self, base: str) -> dict[str, str]:
        links: dict[str, str] = {}
        if self.has_next and self.keys:
            links["next"] = self.link(base, after=self.keys[-1])
        if self.has_prev and self.keys:
            links["prev"] = self.link(base, before=self.keys[0])
        return links

    def uri(self, base: str) -> str:
        if self.cursor.after is not None:
            return self.link(base, after=self.cursor.after)
        if self.cursor.before is not None:
            return self.link(base, before=self.cursor.before)
        return base


def page_of(qs: QuerySet[Any], key: str, modified: str, cursor: Cursor, size: int = PAGE_SIZE) -> Page:
    """One page of the keys of ``qs`` in order of the unique field ``key``, by cursor."""
    if cursor.before is not None:
        rows = list(
            qs.filter(**{f"{key}__lt": cursor.before}).order_by(f"-{key}").values_list(key, modified)[: size + 1]
        )
        has_prev = len(rows) > size
        rows = rows[:size][::-1]
        has_next = True
    else:
        start = qs.filter(**{f"{key}__gt": cursor.after}) if cursor.after is not None else qs
        rows = list(start.order_by(key).values_list(key, modified)[: size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        has_prev = cursor.after is not None
    keys = [r[0] for r in rows]
    if keys:
        # The other direction is checked, not assumed: a cursor may point past the end.
        if cursor.before is not None:
            has_next = qs.filter(**{f"{key}__gt": keys[-1]}).exists()
        elif cursor.after is not None:
            has_prev = qs.filter(**{f"{key}__lt": keys[0]}).exists()
    return Page(
        keys=keys, has_next=has_next, has_prev=has_prev, modified=max((r[1] for r in rows), default=None), cursor=cursor
    )


def contract_page(cursor: Cursor, size: int = PAGE_SIZE) -> Page:
    return page_of(Contract.objects.all(), "ocid", "imported_at", cursor, size)


def _contract_rows(keys: list[str]) -> Iterator[ContractRow]:
    for row, _history in _contract_rows_with_history(keys, history=False):
        yield row


def _contract_rows_with_history(keys: list[str], *, history: bool = True) -> Iterator[tuple[ContractRow, list[str]]]:
    """The page's rows, 100 at a time, each with its source releases' JSON when ``history``."""
    fields = ("ocid", "release", "release_hash", "release_date", "imported_at")
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        rows = Contract.objects.filter(ocid__in=chunk).order_by("ocid").values_list(*fields)
        sources: dict[str, list[str]] = {}
        if history:
            stored = SourceRelease.objects.filter(contract__ocid__in=chunk).order_by("pk")
            for ocid, data in stored.values_list("contract__ocid", "data"):
                sources.setdefault(ocid, []).append(data)
        for ocid, release, release_hash, release_date, imported_at in rows:
            yield public_row(ocid, release, release_hash, release_date, imported_at), sources.get(ocid, [])


def stream_package(head: dict[str, Any], key: str, items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    text = json.dumps(head, ensure_ascii=False)
    yield (text[:-1] + f', "{key}": [').encode()
    first = True
    for item in items:
        yield (("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)).encode()
        first = False
    yield b"\n]}\n"


def release_package_chunks(page: Page) -> Iterator[bytes]:
    base = settings.SITE_URL + reverse("contracting_files:releases")
    head = package_head(uri=page.uri(base), published=page.modified, version=OCDS_VERSION)
    links = page.links(base)
    if links:
        head["links"] = links
    return stream_package(head, "releases", (published_release(row) for row in _contract_rows(page.keys)))


def record_package_chunks(page: Page) -> Iterator[bytes]:
    base = settings.SITE_URL + reverse("contracting_files:records")
    head = package_head(uri=page.uri(base), published=page.modified, version=OCDS_VERSION)
    links = page.links(base)
    if links:
        head["links"] = links
    return stream_package(
        head, "records", (record(row, history) for row, history in _contract_rows_with_history(page.keys))
    )


def contract_release_package(contract: Contract) -> dict[str, Any]:
    row = contract_row(contract)
    head = package_head(uri=contract_file_url(contract.ocid), published=contract.imported_at, version=OCDS_VERSION)
    head["releases"] = [published_release(row)]
    return head
