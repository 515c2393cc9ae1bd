"""The contract importers: SECOP II contract exports and OCDS releases, both run by
:func:`abierta.core.importing.run_import` (streaming, atomic per batch, resumable, idempotent).

docs/decisions/0007-contract-imports.md explains the choices (ocid per contract row, how releases of
one ocid that arrive in different batches or files are merged, what is not mapped).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson
from django.db import connection
from django.db.models import JSONField
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.contracting import redflags
from abierta.contracting.models import CONTRACT_COLUMNS, Contract, SourceRelease
from abierta.contracting.ocds import (
    Release,
    canonical_json,
    compile_releases,
    contract_columns,
    fix_date_time,
    repair_release_moved,
)
from abierta.contracting.secop import REQUIRED_COLUMNS, clean, header_key, row_to_release
from abierta.contracting.signals import contracts_imported
from abierta.core.importing import BatchResult, FormatError, RowRejected
from abierta.core.models import ImportRun

try:
    _IJSON: Any = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - the C backend ships in ijson's wheels
    _IJSON = ijson

HEAD_BYTES = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8

# The columns written from a compiled release (everything but ocid, source and the flags).
COLUMN_FIELDS = [*CONTRACT_COLUMNS, "search_document", "release_hash", "release_date"]
UPDATE_FIELDS = [*COLUMN_FIELDS, "source", "release", "release_repaired", "imported_at"]


class _Prepended(io.RawIOBase):
    """The bytes already read to sniff the format, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def open_sniffed(stream: IO[bytes], what: str) -> tuple[bytes, IO[bytes]]:
    """Return (first bytes, whole stream): gunzipped if gzip (by magic bytes); stops on empty or xlsx files."""
    head = stream.read(HEAD_BYTES)
    if head[:2] == GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=io.BufferedReader(_Prepended(head, stream)), mode="rb")  # type: ignore[assignment]
        try:
            head = stream.read(HEAD_BYTES)
        except (OSError, EOFError) as error:
            raise FormatError(_("The file says it is gzip but it is damaged.")) from error
    if head[:4] == ZIP_MAGIC:
        raise FormatError(_("The file is a ZIP or a spreadsheet (xlsx), not %(what)s.") % {"what": what})
    if not head.lstrip(UTF8_BOM + b" \t\r\n"):
        raise FormatError(_("The file is empty."))
    return head, io.BufferedReader(_Prepended(head, stream), buffer_size=1 << 16)


def _first_char(head: bytes) -> bytes:
    return head.lstrip(UTF8_BOM + b" \t\r\n")[:1]


def _is_json_lines(head: bytes) -> bool:
    """A first line that is a whole JSON object followed by more text: JSON Lines."""
    text = head.lstrip(UTF8_BOM + b" \t\r\n")
    newline = text.find(b"\n")
    if newline < 0:
        return False
    try:
        first = json.loads(text[:newline])
    except ValueError:
        return False
    return isinstance(first, dict) and bool(text[newline:].strip())


def _is_one_object(head: bytes) -> bool:
    try:
        return isinstance(json.loads(head.lstrip(UTF8_BOM)), dict)
    except ValueError:
        return False


def _json_lines(stream: IO[bytes], *, keep_text: bool = False) -> Iterator[tuple[int, Any]]:
    """The JSON value of each line; with ``keep_text``, as a :class:`_Text` with the line's text too."""
    for number, raw in enumerate(stream, 1):
        line = raw.strip()
        if number == 1:
            line = line.removeprefix(UTF8_BOM)
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError:
            yield number, _Bad(_("the line is not valid JSON"))
            continue
        yield number, _Text(value, line.decode()) if keep_text else value


@dataclass
class _Text:
    """A JSON value read from a line, and the line: a release's text as received, stored as it is."""

    value: Any
    text: str


def _missing_columns(missing: list[str]) -> FormatError:
    return FormatError(
        _("This is not an export of SECOP II contracts (jbjy-vk9h): the columns %(columns)s are missing.")
        % {"columns": ", ".join(missing)}
    )


@dataclass
class _Bad:
    """A raw row already known to be bad: ``convert`` rejects it with this reason."""

    reason: str


@dataclass
class ContractItem:
    ocid: str
    release: Release
    columns: dict[str, Any]
    document: str  # canonical_json(release): hashed, and sent as is to COPY
    repaired: bool = False  # repair_release_moved() moved a value when it was compiled


def without_nul(value: Any) -> Any:
    """``value`` with every NUL character dropped from its strings (keys included)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def contract_item(release: Release, *, repaired: bool = False) -> ContractItem:
    document = canonical_json(release)
    if "\\u0000" in document:  # PostgreSQL stores no NUL character, in text or in JSON: they are dropped
        release = without_nul(release)
        document = canonical_json(release)
    return ContractItem(
        ocid=release["ocid"],
        release=release,
        columns=contract_columns(release, canonical=document),
        document=document,
        repaired=repaired,
    )


def _copy_insert(objects: list[Any], documents: list[str] | None = None) -> None:
    """Insert new rows with PostgreSQL's COPY: several times faster than a bulk INSERT of large JSON
    documents (psycopg quotes and splits a client-side INSERT of 35,000 parameters in Python).
    ``documents`` are the contracts' ``release`` already serialised."""
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n, row in enumerate(objects):
                copy.write_row(
                    [
                        documents[n]
                        if documents is not None and name == "release"
                        else json.dumps(getattr(row, name))
                        if name in json_fields
                        else getattr(row, name)
                        for name in names
                    ]
                )


def _copy_update(objects: list[Any], fields: list[str]) -> None:
    """Update rows with PostgreSQL's COPY into a temporary table and one ``UPDATE … FROM``: Django's
    ``bulk_update`` builds one ``CASE WHEN`` per field over the whole batch, which took most of an
    import that changes many contracts (docs/benchmarks.md)."""
    model = type(objects[0])
    concrete = {f.attname: f for f in model._meta.concrete_fields}
    names = [concrete[name].attname for name in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [quote(concrete[name].column) for name in names]
    json_fields = {name for name in names if isinstance(concrete[name], JSONField)}
    temp = quote(f"_update_{model._meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        # Names come from the model, never from the data.
        cursor.execute(f"CREATE TEMP TABLE {temp} AS SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA")  # noqa: S608
        raw: Any = cursor.cursor
        with raw.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
            for row in objects:
                copy.write_row(
                    [row.pk]
                    + [json.dumps(getattr(row, name)) if name in json_fields else getattr(row, name) for name in names]
                )
        assignments = ", ".join(f"{column} = t.{column}" for column in columns)
        cursor.execute(f"UPDATE {table} AS c SET {assignments} FROM {temp} AS t WHERE c.{pk} = t.{pk}")  # noqa: S608
        cursor.execute(f"DROP TABLE {temp}")


class _ContractWriter:
    """What both importers share: write a batch of compiled releases as Contract rows."""

    kind = ""
    model = Contract
    source = ""
    # Every contract import runs alone (core.importing.exclusive).
    exclusive = "contracts"

    def __init__(self) -> None:
        self.touched: list[int] = []
        self.converted = 0
        # The ids of the contracts the last batch created, by ocid.
        self.created_ids: dict[str, int] = {}

    def options(self) -> dict[str, Any]:
        return {}

    def _write(self, items: list[ContractItem], existing: dict[str, Contract]) -> BatchResult:
        result = BatchResult()
        now = timezone.now()
        new: list[Contract] = []
        documents: list[str] = []
        changed: list[Contract] = []
        for item in items:
            contract = existing.get(item.ocid)
            if contract is None:
                fields = {name: item.columns[name] for name in COLUMN_FIELDS}
                new.append(
                    Contract(
                        ocid=item.ocid,
                        source=self.source,
                        release=item.release,
                        release_repaired=item.repaired,
                        imported_at=now,
                        **fields,
                    )
                )
                documents.append(item.document)
                continue
            if contract.release_hash == item.columns["release_hash"]:
                result.unchanged += 1
                continue
            for name in COLUMN_FIELDS:
                setattr(contract, name, item.columns[name])
            contract.source = self.source
            contract.release = item.release
            contract.release_repaired = item.repaired
            contract.imported_at = now
            changed.append(contract)
        self.created_ids = {}
        if new:
            if connection.vendor == "postgresql":
                _copy_insert(new, documents)
                self.created_ids = dict(
                    Contract.objects.filter(ocid__in=[c.ocid for c in new]).values_list("ocid", "pk")
                )
            else:
                Contract.objects.bulk_create(new)
                self.created_ids = {c.ocid: c.pk for c in new if c.pk is not None}
            self.touched.extend(self.created_ids.values())
            result.created += len(new)
        if changed:
            if self.source != Contract.Source.OCDS:
                # A SECOP II row is the contract's whole state: the history of releases starts again from it.
                SourceRelease.objects.filter(contract__in=changed).delete()
            if connection.vendor == "postgresql":
                _copy_update(changed, UPDATE_FIELDS)
            else:
                Contract.objects.bulk_update(changed, UPDATE_FIELDS)
            result.updated += len(changed)
            self.touched.extend(c.pk for c in changed)
        return result

    def finish(self, run: ImportRun) -> None:
        # A resumed run did not see the rows of the earlier attempt: recompute every contract's flags.
        complete = self.converted == run.read
        self.after_import(self.touched if complete else None, run=run if run.created or run.updated else None)

    def after_import(self, touched: list[int] | None, *, run: ImportRun | None) -> None:
        """Recompute the red flags of the entities of the ``touched`` contracts (all when None); when
        ``run`` created or changed contracts, tell the other apps (``contracts_imported``)."""
        redflags.refresh_flags(touched)
        if run is not None:
            contracts_imported.send(sender=type(self), run=run)
            # Fresh planner statistics for the search (autovacuum would get there later).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {Contract._meta.db_table}")


class SecopContractsImporter(_ContractWriter):
    """SECOP II contracts (datos.gov.co ``jbjy-vk9h``) as CSV, a JSON array or JSON Lines; gzip too."""

    kind = "secop2_contratos"
    source = Contract.Source.SECOP2

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        head, stream = open_sniffed(stream, "un CSV ni un JSON de contratos de SECOP II")
        first = _first_char(head)
        seen: dict[str, int] = {}
        is_json = first in (b"[", b"{")
        if first == b"[":
            source = self._json_array(stream)
        elif first == b"{":
            if not _is_json_lines(head) and not _is_one_object(head):
                raise FormatError(_("The file is JSON but not a list of SECOP II contracts."))
            source = _json_lines(stream)
        else:
            source = self._csv(head, stream)
        checked = False
        for line, row in source:
            if not isinstance(row, _Bad):
                if not isinstance(row, dict):
                    row = _Bad(_("the record is not a JSON object"))
                else:
                    if is_json:
                        row = {header_key(k): v for k, v in row.items()}
                    if not checked:
                        missing = [c for c in REQUIRED_COLUMNS if c not in row]
                        if missing:
                            raise _missing_columns(missing)
                        checked = True
                    contract_id = str(row.get("id_contrato") or "").strip()
                    if contract_id:
                        first_line = seen.setdefault(contract_id, line)
                        if first_line != line:
                            row = _Bad(
                                _("id_contrato %(id)s repeated: it already appears on line %(line)s")
                                % {"id": contract_id, "line": first_line}
                            )
            yield line, row

    def _json_array(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        try:
            yield from enumerate(_IJSON.items(stream, "item"), 1)
        except ijson.JSONError as error:
            raise FormatError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error

    def _csv(self, head: bytes, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # The head may end in the middle of a character; only an error before that counts.
            if error.start < len(head) - 4:
                raise FormatError(
                    _("The file is not UTF-8 (is it a CSV saved from Excel in another encoding?).")
                ) from error
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        first_line = head.split(b"\n", 1)[0]
        delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration as error:  # pragma: no cover - empty files stop earlier
            raise FormatError(_("The file is empty.")) from error
        except (UnicodeDecodeError, csv.Error) as error:
            raise FormatError(_("The file cannot be read as CSV: %(error)s") % {"error": error}) from error
        keys = [header_key(h) for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in keys]
        if missing:
            raise _missing_columns(missing)
        width = len(keys)
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise FormatError(_("The file is not UTF-8 (after line %(line)s).") % {"line": previous}) from error
            except csv.Error as error:
                raise FormatError(
                    _("Malformed CSV after line %(line)s: %(error)s") % {"line": previous, "error": error}
                ) from error
            line = previous + 1
            previous = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                yield line, _Bad(f"la fila tiene {len(cells)} columnas y el encabezado {width}")
                continue
            yield line, dict(zip(keys, cells, strict=True))

    def convert(self, line: int, raw: Any) -> ContractItem:
        self.converted += 1
        if isinstance(raw, _Bad):
            raise RowRejected(raw.reason)
        return contract_item(row_to_release(raw))

    def apply(self, items: list[tuple[int, ContractItem]]) -> BatchResult:
        return self.write(self.prepare(items))

    def keys(self, items: list[tuple[int, ContractItem]]) -> set[str]:
        return {item.ocid for _line, item in items}

    def prepare(self, items: list[tuple[int, ContractItem]]) -> tuple[list[ContractItem], dict[str, Contract]]:
        contracts = [item for _line, item in items]
        existing = {
            c.ocid: c
            for c in Contract.objects.filter(ocid__in=[i.ocid for i in contracts]).only("id", "ocid", "release_hash")
        }
        return contracts, existing

    def write(self, prepared: tuple[list[ContractItem], dict[str, Contract]]) -> BatchResult:
        contracts, existing = prepared
        return self._write(contracts, existing)


class SodaPageImporter(SecopContractsImporter):
    """One page of the open data portal's SODA API (a JSON array of ``jbjy-vk9h`` rows) read by the
    SECOP II importer, for ``secop_sync`` (``abierta/contracting/secop_sync.py``). A rejected row's
    reason names its contract, since a line of a page means nothing to the reader; the red flags and
    the ``contracts_imported`` signal come once, after the synchronisation's last page."""

    kind = "secop2_soda"

    def __init__(self, nit: str) -> None:
        super().__init__()
        self.nit = nit

    def options(self) -> dict[str, Any]:
        return {"nit": self.nit}

    def convert(self, line: int, raw: Any) -> ContractItem:
        try:
            return super().convert(line, raw)
        except RowRejected as rejection:
            contract_id = clean(raw.get("id_contrato")) if isinstance(raw, dict) else None
            if contract_id is None:
                raise
            raise RowRejected(
                *(
                    _("contract %(id)s: %(reason)s") % {"id": contract_id, "reason": reason}
                    for reason in rejection.reasons
                )
            ) from None

    def finish(self, run: ImportRun) -> None:
        """Nothing after a page: the synchronisation calls ``after_import`` once, after its last page."""


@dataclass
class ReleaseGroup:
    """Releases of one ocid read from one entry of the file (a release, or a record's releases)."""

    ocid: str
    releases: list[Release]
    text: str | None = None  # the release's JSON as received, when the entry is one release read from a line


class OcdsImporter(_ContractWriter):
    """OCDS release packages, record packages, single releases or records, arrays and JSON Lines; gzip too."""

    kind = "ocds"
    source = Contract.Source.OCDS

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        head, stream = open_sniffed(stream, "un archivo JSON de OCDS")
        first = _first_char(head)
        if first == b"[":
            source = self._items(stream, "item")
        elif first == b"{":
            source = _json_lines(stream, keep_text=True) if _is_json_lines(head) else self._document(head, stream)
        else:
            raise FormatError(_("The file is not JSON: OCDS is published as JSON packages or JSON Lines."))
        yield from source

    def _items(self, stream: IO[bytes], prefix: str) -> Iterator[tuple[int, Any]]:
        try:
            yield from enumerate(_IJSON.items(stream, prefix, use_float=True), 1)
        except ijson.JSONError as error:
            raise FormatError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error

    def _document(self, head: bytes, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        kind = self._top_level_kind(head)
        if kind == "records":
            yield from self._items(stream, "records.item")
        elif kind == "releases":
            yield from self._items(stream, "releases.item")
        else:
            # A single release or record (small): read it whole.
            try:
                whole = next(_IJSON.items(stream, "", use_float=True))
            except (ijson.JSONError, StopIteration) as error:
                raise FormatError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error
            if not isinstance(whole, dict):
                raise FormatError(_("The file is not an OCDS package, release or record."))
            if isinstance(whole.get("records"), list):
                for number, record in enumerate(whole["records"], 1):
                    yield number, record
            elif isinstance(whole.get("releases"), list) and not _is_record(whole):
                for number, release in enumerate(whole["releases"], 1):
                    yield number, release
            elif _is_record(whole) or ("ocid" in whole and "date" in whole):
                yield 1, whole
            else:
                raise FormatError(_("The file is not an OCDS package, release or record."))

    def _top_level_kind(self, head: bytes) -> str:
        """ "records" or "releases" when a package's big array is seen in the first bytes, else ""."""
        keys: list[str] = []
        try:
            for prefix, event, value in _IJSON.parse(io.BytesIO(head)):
                if prefix == "" and event == "map_key":
                    keys.append(value)
                    if value == "records":
                        return "records"
                    if value == "releases":
                        record_keys = {"compiledRelease", "versionedRelease", "ocid"}
                        return "" if record_keys.intersection(keys) else "releases"
        except ijson.JSONError:
            pass  # the head ends in the middle of the document
        return ""

    def convert(self, line: int, raw: Any) -> ReleaseGroup:
        self.converted += 1
        text = None
        if isinstance(raw, _Text):
            raw, text = raw.value, raw.text
        if isinstance(raw, _Bad):
            raise RowRejected(raw.reason)
        if not isinstance(raw, dict):
            raise RowRejected(_("the entry is not a JSON object"))
        if _is_record(raw):
            embedded = [r for r in raw.get("releases") or [] if isinstance(r, dict) and "ocid" in r and "date" in r]
            releases = embedded or ([raw["compiledRelease"]] if isinstance(raw.get("compiledRelease"), dict) else [])
            if not releases:
                raise RowRejected(_("the record has neither full releases nor a compiledRelease"))
        else:
            releases = [raw]
        ocid = None
        for release in releases:
            release_ocid = release.get("ocid")
            if not isinstance(release_ocid, str) or not release_ocid.strip():
                raise RowRejected(_("the release has no ocid"))
            if ocid is not None and release_ocid != ocid:
                raise RowRejected(
                    _("the record mixes releases of two ocids (%(one)s and %(other)s)")
                    % {"one": ocid, "other": release_ocid}
                )
            ocid = release_ocid
            if fix_date_time(release.get("date")) is None:
                raise RowRejected(
                    _("the release %(id)s of %(ocid)s has no valid date") % {"id": release.get("id", ""), "ocid": ocid}
                )
            if len(release_ocid) > 120:
                raise RowRejected(_("the ocid is longer than 120 characters"))
        assert ocid is not None  # noqa: S101
        return ReleaseGroup(ocid=ocid, releases=releases, text=text if releases[0] is raw else None)

    def apply(self, items: list[tuple[int, ReleaseGroup]]) -> BatchResult:
        return self.write(self.prepare(items))

    def keys(self, items: list[tuple[int, ReleaseGroup]]) -> set[str]:
        return {group.ocid for _line, group in items}

    def prepare(self, items: list[tuple[int, ReleaseGroup]]) -> _Prepared:
        """Compile the batch's contracts from what is stored (reads only)."""
        groups: dict[str, list[Release]] = {}
        entries: dict[str, int] = {}
        texts: dict[int, str] = {}  # id(release) -> its text as received, when known
        for _line, group in items:
            groups.setdefault(group.ocid, []).extend(group.releases)
            entries[group.ocid] = entries.get(group.ocid, 0) + 1
            if group.text is not None:
                texts[id(group.releases[0])] = group.text
        existing = {
            c.ocid: c
            for c in Contract.objects.filter(ocid__in=list(groups)).only(
                "id", "ocid", "release", "release_hash", "release_repaired"
            )
        }
        history = _History(existing, texts)
        out: list[ContractItem] = []
        unchanged = 0
        for ocid, releases in groups.items():
            compiled = history.compile(ocid, releases)
            if compiled is None:  # every release was already stored: nothing to do
                unchanged += entries[ocid]
                continue
            repaired = repair_release_moved(compiled)
            compiled["ocid"] = ocid
            out.append(contract_item(compiled, repaired=repaired))
        # Every entry read counts once. The first entry of an ocid counts as its contract's outcome
        # (created, updated or unchanged); the others of the same batch merged into it count as updated,
        # or unchanged when the contract did not change.
        extra_changed = extra_unchanged = 0
        for item in out:
            count = entries[item.ocid] - 1
            if not count:
                continue
            stored = existing.get(item.ocid)
            if stored is not None and stored.release_hash == item.columns["release_hash"]:
                extra_unchanged += count
            else:
                extra_changed += count
        return _Prepared(out, existing, history, updated=extra_changed, unchanged=extra_unchanged + unchanged)

    def write(self, prepared: _Prepared) -> BatchResult:
        result = self._write(prepared.items, prepared.existing)
        prepared.history.save({**{ocid: c.pk for ocid, c in prepared.existing.items()}, **self.created_ids})
        result.updated += prepared.updated
        result.unchanged += prepared.unchanged
        return result


@dataclass
class _Prepared:
    """A batch of releases compiled by ``OcdsImporter.prepare``, for ``OcdsImporter.write``."""

    items: list[ContractItem]
    existing: dict[str, Contract]
    history: _History
    updated: int
    unchanged: int


@dataclass
class _Incoming:
    release: Release
    text: str  # the release's JSON as stored (serialised before merging, which shares its lists)


def _release_key(release: Release) -> tuple[str, str]:
    identifier = release.get("id")
    return ("" if identifier is None else str(identifier), str(release["date"]))


def _tags(release: Release) -> list[str]:
    tag = release.get("tag")
    return [t for t in tag if isinstance(t, str)] if isinstance(tag, list) else []


def _dump(release: Release) -> str:
    return json.dumps(release, ensure_ascii=False, separators=(",", ":"), check_circular=False)


class _History:
    """The source releases of one batch's contracts: which releases are new, how each contract is
    compiled, and the rows to write.

    A contract whose new releases are all dated at or after every release already stored (by the
    ``date`` string, as OCDS sorts releases; the same date goes after, in order of arrival) is merged
    incrementally onto its stored compiled release. Otherwise, or when the stored compiled release had
    a value moved by ``repair_release_moved``, or a stored release came again with other content, the
    contract is compiled again from all its source releases (docs/decisions/0007-contract-imports.md).
    """

    def __init__(self, existing: dict[str, Contract], texts: dict[int, str]) -> None:
        self.existing = existing
        self.received = texts
        ocids = {c.pk: ocid for ocid, c in existing.items()}
        # ocid -> {(release id, date): pk} of the stored source releases, in order of arrival.
        self.stored: dict[str, dict[tuple[str, str], int]] = {}
        if ocids:
            rows = (
                SourceRelease.objects.filter(contract_id__in=list(ocids))
                .order_by("pk")
                .values_list("contract_id", "release_id", "date", "pk")
            )
            for contract_id, release_id, date, pk in rows:
                self.stored.setdefault(ocids[contract_id], {})[(release_id, date)] = pk
        self.new: dict[str, list[_Incoming]] = {}
        self.replaced: list[tuple[int, _Incoming]] = []
        self._texts: dict[int, str] = {}

    def _stored_texts(self, pks: list[int]) -> dict[int, str]:
        wanted = [pk for pk in pks if pk not in self._texts]
        if wanted:
            self._texts.update(SourceRelease.objects.filter(pk__in=wanted).values_list("pk", "data"))
        return {pk: self._texts[pk] for pk in pks}

    def compile(self, ocid: str, releases: list[Release]) -> Release | None:
        """The contract's compiled release with ``releases`` added, or None when none of them is new."""
        incoming: dict[tuple[str, str], _Incoming] = {}
        for release in releases:
            # The last copy of a release read is the one kept.
            text = self.received.get(id(release))
            incoming[_release_key(release)] = _Incoming(release, _dump(release) if text is None else text)
        stored = self.stored.get(ocid, {})
        contract = self.existing.get(ocid)
        again = [key for key in incoming if key in stored]
        texts = self._stored_texts([stored[key] for key in again])
        replaced = False
        for key in again:
            pk = stored[key]
            known = incoming.pop(key)
            if texts[pk] != known.text:
                self.replaced.append((pk, known))
                self._texts[pk] = known.text
                replaced = True
        new = list(incoming.values())
        if not new and not replaced:
            return None
        fresh = [item.release for item in new]
        if contract is None:
            self.new[ocid] = new
            return compile_releases(fresh)
        history: list[Release] | None = None
        if stored:
            self.new[ocid] = new
            newest = max(date for _id, date in stored)
        else:
            # A contract stored without its releases (a SECOP II row, or imported before they were
            # kept): its compiled release is the first release of its history.
            # (A release read again with the same id and date is that compiled release: not kept twice.)
            seed = contract.release
            release_id, newest = str(seed.get("id") or f"{ocid}-compiled"), str(seed.get("date") or "")
            history = [{**seed, "id": release_id, "date": newest}]
            new = [item for item in new if _release_key(item.release) != (release_id, newest)]
            fresh = [item.release for item in new]
            self.new[ocid] = [_Incoming(history[0], _dump(history[0])), *new]
        if not replaced and not contract.release_repaired and all(str(r["date"]) >= newest for r in fresh):
            return compile_releases(fresh, contract.release)
        if history is None:
            texts = self._stored_texts(list(stored.values()))
            history = [json.loads(texts[pk]) for pk in stored.values()]
        return compile_releases([*history, *fresh])

    def save(self, contract_ids: dict[str, int]) -> None:
        """Write the new source releases (and the ones that came again with other content)."""
        rows = [
            SourceRelease(
                contract_id=contract_ids[ocid],
                release_id=_release_key(item.release)[0],
                date=_release_key(item.release)[1],
                tag=_tags(item.release),
                data=item.text,
            )
            for ocid, items in self.new.items()
            for item in items
        ]
        if rows:
            if connection.vendor == "postgresql":
                _copy_insert(rows)
            else:
                SourceRelease.objects.bulk_create(rows)
        if self.replaced:
            changed = [SourceRelease(pk=pk, tag=_tags(item.release), data=item.text) for pk, item in self.replaced]
            SourceRelease.objects.bulk_update(changed, ["tag", "data"])


def _is_record(entry: dict[str, Any]) -> bool:
    return (
        "compiledRelease" in entry
        or "versionedRelease" in entry
        or (isinstance(entry.get("releases"), list) and "date" not in entry)
    )
