"""SECOP II kept in sync from the national open data portal: the contracts data set ``jbjy-vk9h`` of
datos.gov.co through its Socrata SODA API (``ABIERTA_SECOP_SODA_URL``), one configured entity
(:class:`~abierta.contracting.models.SecopEntity`) at a time.

How a run goes:

- **What is asked.** The entity's rows that have an ``ultima_actualizacion`` (the portal's
  last-modified date) and an ``id_contrato``, ordered by both (``$order``), ``$limit`` rows at a time
  (``ABIERTA_SECOP_SODA_PAGE_SIZE``), from ``since``: the entity's watermark minus
  ``ABIERTA_SECOP_SODA_OVERLAP_DAYS`` (everything on the first run).
- **Paging by key.** Each next page asks for the rows after the last one received, by
  (``ultima_actualizacion``, ``id_contrato``), rather than by ``$offset``: a contract updated at
  the portal while a run pages moves to the end of the order, and with offsets every later row
  would shift one place back and one would be skipped. ``$offset`` is therefore never sent.
- **The same importer.** Each page is imported as a JSON file of ``jbjy-vk9h`` rows by
  :class:`~abierta.contracting.importers.SodaPageImporter`, the SECOP II importer (``run_import``,
  one transaction per page): idempotent (an unchanged contract is counted, not rewritten), every
  rejected row kept with its reason (``ImportRejection`` of the page's ``ImportRun``).
- **Resuming.** Only after a page is committed does the entity's watermark move to the page's last
  ``ultima_actualizacion``. A run that stops (an HTTP error, throttling that does not end, a
  malformed page, a killed process) leaves the watermark at the last committed page; the next run
  asks again from a few days before it, so no row is skipped and the rows read again count as
  unchanged. The overlap also catches rows the portal publishes a day or two after their date.
- **Failures.** HTTP 429 (and 503 with ``Retry-After``): wait as asked (at most
  ``MAX_WAIT_SECONDS``) and try again, ``ABIERTA_SECOP_SODA_RETRIES`` times; then, or on another
  HTTP error, no answer within ``ABIERTA_SECOP_SODA_TIMEOUT`` or an answer that is not a JSON list
  of rows in the asked order and of the asked entity, the run stops as failed with the reason.

Rows without ``ultima_actualizacion`` or ``id_contrato`` cannot be placed in the order and are not
asked for; an export imported with ``import_secop_contratos`` still brings them.
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import io
import json
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.contracting.importers import SodaPageImporter
from abierta.contracting.models import Contract, SecopEntity, SyncRun
from abierta.contracting.secop import REQUIRED_COLUMNS
from abierta.core.importing import Upload, run_import
from abierta.core.models import ImportRun

logger = logging.getLogger(__name__)

LAST_MODIFIED = "ultima_actualizacion"
CONTRACT_ID = "id_contrato"
ENTITY_NIT = "nit_entidad"

# The longest Retry-After obeyed: a portal asking for more stops the run (run it again later).
MAX_WAIT_SECONDS = 300
# Wait after a 429 without Retry-After: this, doubled on each attempt.
DEFAULT_WAIT_SECONDS = 5
# An answer larger than this is not a page of contracts.
MAX_PAGE_BYTES = 64 * 1024 * 1024

# A Socrata floating timestamp as the API writes it: 2024-09-30T00:00:00.000
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$")
_NIT = re.compile(r"^\d{5,15}$")

# Patched by the tests: the wait before a retry.
_sleep = time.sleep


class SyncError(Exception):
    """The run cannot go on; the message (translated) is recorded as the run's error."""


def clean_nit(text: str) -> str | None:
    """An entity's NIT as the portal writes it (digits only, without the check digit), or None:
    "890.480.184-1" -> "890480184"."""
    value = re.sub(r"[.\s]", "", text or "")
    if re.fullmatch(r"\d+-\d", value):
        value = value.split("-")[0]
    return value if _NIT.fullmatch(value) else None


def soql_text(value: str) -> str:
    """A SoQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def since_for(watermark: str) -> str:
    """Where a run starts: the watermark minus the overlap days ("" when there is none)."""
    if not watermark:
        return ""
    reached = datetime.datetime.fromisoformat(watermark)
    start = reached - datetime.timedelta(days=max(settings.ABIERTA_SECOP_SODA_OVERLAP_DAYS, 0))
    return f"{start:%Y-%m-%dT%H:%M:%S}.000"


def page_query(*, nit: str, since: str, after: tuple[str, str] | None, limit: int) -> dict[str, str]:
    """The SODA parameters of one page: the entity's rows from ``since``, after the key ``after``."""
    clauses = [
        f"{ENTITY_NIT} = {soql_text(nit)}",
        f"{LAST_MODIFIED} IS NOT NULL",
        f"{CONTRACT_ID} IS NOT NULL",
    ]
    if since:
        clauses.append(f"{LAST_MODIFIED} >= {soql_text(since)}")
    if after is not None:
        date, contract_id = soql_text(after[0]), soql_text(after[1])
        clauses.append(f"({LAST_MODIFIED} > {date} OR ({LAST_MODIFIED} = {date} AND {CONTRACT_ID} > {contract_id}))")
    return {
        "$where": " AND ".join(clauses),
        "$order": f"{LAST_MODIFIED} ASC, {CONTRACT_ID} ASC",
        "$limit": str(limit),
    }


def _retry_after(headers: Mapping[str, str] | Any) -> float | None:
    """Seconds asked by a Retry-After header (seconds or an HTTP date), None without one."""
    value = (headers.get("Retry-After") or "").strip() if headers is not None else ""
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max((when - timezone.now()).total_seconds(), 0.0)


def _portal_message(body: bytes) -> str:
    """The message of a Socrata error answer ({"message": ...}), else the start of the text."""
    text = body[:2000].decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return text[:200].strip()
    message = data.get("message") if isinstance(data, dict) else None
    return message[:500] if isinstance(message, str) else text[:200].strip()


def fetch_page(params: Mapping[str, str]) -> list[dict[str, Any]]:
    """One page of rows from the portal; SyncError when it cannot be had."""
    base = settings.ABIERTA_SECOP_SODA_URL
    if urlsplit(base).scheme not in ("http", "https"):
        raise SyncError(_("ABIERTA_SECOP_SODA_URL is not an http(s) address: %(url)s") % {"url": base})
    url = f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"
    headers = {"Accept": "application/json", "User-Agent": "Abierta secop_sync"}
    if settings.ABIERTA_SECOP_SODA_APP_TOKEN:
        headers["X-App-Token"] = settings.ABIERTA_SECOP_SODA_APP_TOKEN
    retries = max(settings.ABIERTA_SECOP_SODA_RETRIES, 0)
    attempt = 0
    while True:
        attempt += 1
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
        try:
            with urllib.request.urlopen(request, timeout=settings.ABIERTA_SECOP_SODA_TIMEOUT) as response:  # noqa: S310
                body = response.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as error:
            status = error.code
            wait = _retry_after(error.headers)
            if status == 429 and wait is None:
                wait = float(DEFAULT_WAIT_SECONDS * 2 ** (attempt - 1))
            if status in (429, 503) and wait is not None:
                if attempt > retries:
                    raise SyncError(
                        _("The portal is limiting requests (HTTP %(status)d) and still was after %(n)d attempts.")
                        % {"status": status, "n": attempt}
                    ) from None
                if wait > MAX_WAIT_SECONDS:
                    raise SyncError(
                        _("The portal asks to wait %(seconds)d seconds (HTTP %(status)d): run it again later.")
                        % {"seconds": int(wait), "status": status}
                    ) from None
                _sleep(wait)
                continue
            message = _portal_message(error.read())
            raise SyncError(
                _("The portal answered HTTP %(status)d: %(message)s") % {"status": status, "message": message}
            ) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SyncError(_("The portal did not answer: %(error)s") % {"error": reason}) from None
        if len(body) > MAX_PAGE_BYTES:
            raise SyncError(_("The portal's answer is larger than %(mb)d MB.") % {"mb": MAX_PAGE_BYTES >> 20})
        return parse_page(body)


def parse_page(body: bytes) -> list[dict[str, Any]]:
    """The rows of a page: a JSON list of objects, or SyncError."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise SyncError(
            _("The portal's answer is not JSON (it begins: «%(start)s»).")
            % {"start": body[:80].decode("utf-8", "replace").strip()}
        ) from None
    if not isinstance(data, list):
        raise SyncError(_("The portal's answer is not a list of contracts."))
    for number, row in enumerate(data, 1):
        if not isinstance(row, dict):
            raise SyncError(_("Row %(n)d of the portal's answer is not a JSON object.") % {"n": number})
    return data


def _key(row: Mapping[str, Any]) -> tuple[str, str]:
    date, contract_id = row.get(LAST_MODIFIED), row.get(CONTRACT_ID)
    if not isinstance(date, str) or not _TIMESTAMP.match(date) or not isinstance(contract_id, str) or not contract_id:
        raise SyncError(
            _(
                "The portal sent a row without a valid ultima_actualizacion or id_contrato: "
                "the next page cannot be asked."
            )
        )
    return date, contract_id


def _check_page(rows: list[dict[str, Any]], nit: str, after: tuple[str, str] | None) -> tuple[str, str]:
    """The page's last key, after checking the portal applied the filter and the order."""
    others = sorted({str(row.get(ENTITY_NIT)) for row in rows if clean_nit(str(row.get(ENTITY_NIT) or "")) != nit})
    if others:
        raise SyncError(
            _("The portal sent contracts of other entities (NIT %(nits)s): it did not apply the filter.")
            % {"nits": ", ".join(others[:5])}
        )
    # Dates only: the portal compares contract numbers with its own collation, in the order and in
    # the next page's filter alike.
    previous = after
    for row in rows:
        key = _key(row)
        if previous is not None and key[0] < previous[0]:
            raise SyncError(_("The portal did not send the rows in the order asked."))
        previous = key
    last = _key(rows[-1])
    if last == after:
        raise SyncError(_("The portal did not send the rows in the order asked."))
    return last


def _page_bytes(rows: list[dict[str, Any]]) -> bytes:
    # The API leaves out the keys of empty values; the importer reads a missing column as a wrong file.
    for row in rows:
        for column in REQUIRED_COLUMNS:
            row.setdefault(column, None)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()


def sync_entity(entity: SecopEntity, *, started_by: str = "") -> SyncRun:
    """Bring the entity's contracts up to date from the portal; return the run (finished or failed)."""
    previous = entity.runs.order_by("-started_at", "-pk").first()
    # A run still marked running was interrupted (a killed process): say so. Were it in fact still
    # going, its own end writes its status again.
    entity.runs.filter(status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.FAILED, error=_("Interrupted before the end (the process stopped).")
    )
    try:
        since = since_for(entity.watermark)
    except ValueError:
        since = ""
    run = SyncRun.objects.create(entity=entity, started_by=started_by, since=since)
    page_size = max(settings.ABIERTA_SECOP_SODA_PAGE_SIZE, 1)
    importer = SodaPageImporter(entity.nit)
    last_page: ImportRun | None = None
    after: tuple[str, str] | None = None
    try:
        while True:
            rows = fetch_page(page_query(nit=entity.nit, since=since, after=after, limit=page_size))
            if not rows:
                break
            key = _check_page(rows, entity.nit, after)
            page = run_import(
                importer,
                Upload(name=f"jbjy-vk9h-{entity.nit}-{run.pk}-{run.pages + 1}.json", data=_page_bytes(rows)),
                batch_size=len(rows),
                out=io.StringIO(),
                progress=False,
                started_by=started_by,
            )
            if page.status != ImportRun.Status.FINISHED:
                raise SyncError(page.message)
            last_page = page
            with transaction.atomic():
                run.imports.add(page)
                run.pages += 1
                run.read += page.read
                run.created += page.created
                run.updated += page.updated
                run.unchanged += page.unchanged
                run.rejected += page.rejected
                run.watermark = key[0]
                run.save(update_fields=["pages", "read", "created", "updated", "unchanged", "rejected", "watermark"])
                # Only forward: a run started at the same time never moves it back.
                SecopEntity.objects.filter(pk=entity.pk).filter(Q(watermark__lt=key[0])).update(watermark=key[0])
            after = key
            if len(rows) < page_size:
                break
    except SyncError as error:
        run.status = SyncRun.Status.FAILED
        run.error = str(error)
    except Exception as error:
        run.status = SyncRun.Status.FAILED
        run.error = _("Unexpected error: %(error)r") % {"error": error}
        _end(run, entity, importer, last_page, previous)
        raise
    else:
        run.status = SyncRun.Status.FINISHED
    _end(run, entity, importer, last_page, previous)
    return run


def _end(
    run: SyncRun, entity: SecopEntity, importer: SodaPageImporter, last_page: ImportRun | None, previous: SyncRun | None
) -> None:
    touched = list(importer.touched)
    if previous is not None and previous.status == SyncRun.Status.RUNNING:
        # The run before stopped before its red flags were computed: compute the entity's again.
        touched.extend(Contract.objects.filter(buyer_nit=entity.nit).values_list("pk", flat=True))
    importer.after_import(touched, run=last_page if run.created or run.updated else None)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    entity.refresh_from_db(fields=["watermark"])


def sync_all(*, started_by: str = "") -> list[SyncRun]:
    """Synchronise every active entity, one after another; one entity's failure does not stop the others."""
    runs: list[SyncRun] = []
    for entity in SecopEntity.objects.filter(active=True).order_by("pk"):
        try:
            runs.append(sync_entity(entity, started_by=started_by))
        except Exception:
            logger.exception("secop_sync: unexpected error for NIT %s", entity.nit)
            failed = entity.runs.order_by("-started_at", "-pk").first()
            if failed is not None:
                runs.append(failed)
    return runs
