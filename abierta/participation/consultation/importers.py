"""Import of a consultation's voter roll (padrón, assurance level 2) with the shared import framework.

The city uploads a CSV (UTF-8, comma or semicolon) or an Excel workbook (.xlsx, first sheet) with a
header row and one person per row: the document number and the consultation's second fact (the
date of issue of the document, or the birth date). Each row becomes one ``RollEntry``: an HMAC of
the canonical document and the date together, so neither is kept in clear and a voter who knows
only the number does not match.

The import is all or nothing (``mode="file"``): a roll with a bad row would refuse real voters, so
every rejected row is reported with its line and reason and nothing is written; a good file
replaces the consultation's whole roll. Reasons never repeat the number or the date. Every row
read counts against the row limit, blank ones included, and a workbook whose parts would unzip to
more than ``MAX_UNZIPPED_BYTES`` is refused before it is opened.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.core.importing import BatchResult, FormatError, RowRejected
from abierta.core.models import ImportRun
from abierta.participation.consultation.forms import NUMBER
from abierta.participation.consultation.services import normalise_document, roll_hash
from abierta.participation.models import Consultation, RollEntry

KIND = "voter-roll"
SPOOL_BYTES = 8 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
DOCUMENT_COLUMNS = {"documento", "numero_documento", "numero_de_documento", "cedula", "document", "number"}
FACT_COLUMNS = {
    "fecha",
    "fecha_expedicion",
    "fecha_de_expedicion",
    "fecha_nacimiento",
    "fecha_de_nacimiento",
    "issue_date",
    "birth_date",
    "date",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def _header_name(value: Any) -> str:
    text = str(value if value is not None else "").strip().lstrip("\ufeff").strip().lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", text)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_fact(cell: Any) -> datetime.date:
    """The date of a cell: an Excel date, or text as 24/05/2009 or 2009-05-24; ValueError otherwise."""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = str(cell).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise ValueError(text)


class RollImporter:
    """The voter roll of one consultation; see the module docstring."""

    kind = KIND
    model = RollEntry

    def __init__(self, *, consultation: Consultation, file_name: str, max_rows: int) -> None:
        self.consultation = consultation
        self.file_name = file_name
        self.max_rows = max_rows
        self.columns: tuple[int, int] = (0, 1)
        # Short fingerprints of the documents seen, to refuse a person listed twice (never written).
        self.seen: set[int] = set()

    def options(self) -> dict[str, Any]:
        return {"consultation": self.consultation.pk}

    # ------------------------------------------------------------ reading

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        name = self.file_name.lower()
        if name.endswith(".xlsx"):
            raw = self._xlsx(stream)
        elif name.endswith(".csv"):
            raw = self._csv(stream)
        else:
            raise FormatError(_("Upload the roll as a CSV (.csv) or Excel (.xlsx) file."))
        try:
            _line, header = next(raw)
        except StopIteration:
            raise FormatError(_("The file is empty.")) from None
        self.columns = self._find_columns(header)
        for count, (line, cells) in enumerate(raw, start=1):
            if count > self.max_rows:
                raise FormatError(_("The file has more than %(max)d rows.") % {"max": self.max_rows})
            if all(_blank(c) for c in cells):
                continue
            yield line, cells

    def _find_columns(self, header: list[Any]) -> tuple[int, int]:
        names = [_header_name(h) for h in header]
        documents = [i for i, n in enumerate(names) if n in DOCUMENT_COLUMNS]
        facts = [i for i, n in enumerate(names) if n in FACT_COLUMNS]
        if len(documents) != 1 or len(facts) != 1:
            raise FormatError(
                _(
                    "The first row must name one column for the document (for example «documento») and one "
                    "for the date (for example «fecha_expedicion» or «fecha_nacimiento»)."
                )
            )
        return documents[0], facts[0]

    def _csv(self, stream: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
            if not first:
                return
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            for number, row in enumerate(reader, start=1):
                yield number, list(row)
        except UnicodeDecodeError:
            raise FormatError(
                _("The file is not UTF-8 text: save it as «CSV UTF-8» in your spreadsheet and try again.")
            ) from None
        except csv.Error as error:
            raise FormatError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
        finally:
            text.detach()

    def _xlsx(self, stream: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
            shutil.copyfileobj(stream, copy, 1 << 16)
            copy.seek(0)
            try:
                with zipfile.ZipFile(copy) as archive:
                    unzipped = sum(info.file_size for info in archive.infolist())
            except zipfile.BadZipFile:
                raise FormatError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
            if unzipped > MAX_UNZIPPED_BYTES:
                raise FormatError(_("The workbook is too large once unzipped: save it as CSV and try again."))
            copy.seek(0)
            try:
                book = openpyxl.load_workbook(copy, read_only=True, data_only=True)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
                raise FormatError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
            try:
                if not book.worksheets:
                    return
                rows = enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
                while True:
                    try:
                        number, row = next(rows)
                    except StopIteration:
                        return
                    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, ElementTree.ParseError):
                        raise FormatError(_("The Excel workbook is damaged and cannot be read completely.")) from None
                    yield number, list(row)
            finally:
                book.close()

    # ------------------------------------------------------------ rows

    def convert(self, line: int, raw: Any) -> str:
        cells: list[Any] = raw
        doc_at, fact_at = self.columns
        document = cells[doc_at] if doc_at < len(cells) else None
        fact = cells[fact_at] if fact_at < len(cells) else None
        reasons = []
        number = ""
        if _blank(document):
            reasons.append(_("the document number is empty."))
        else:
            if isinstance(document, float) and document.is_integer():
                document = int(document)
            number = re.sub(r"[\s.\-]", "", str(document))
            if not NUMBER.fullmatch(number):
                reasons.append(_("the document number must have 3 to 20 letters or digits."))
        day: datetime.date | None = None
        if _blank(fact):
            reasons.append(_("the date is empty."))
        else:
            try:
                day = parse_fact(fact)
            except ValueError:
                reasons.append(_("the date is not a date (write it as 24/05/2009 or 2009-05-24)."))
            else:
                if not datetime.date(1900, 1, 1) <= day <= timezone.localdate():
                    reasons.append(_("the date is before 1900 or after today."))
        if reasons:
            raise RowRejected(*reasons)
        assert day is not None  # noqa: S101 (narrowing for mypy)
        canonical = normalise_document("", number)
        fingerprint = int.from_bytes(hashlib.blake2b(canonical.encode(), digest_size=8).digest(), "big")
        if fingerprint in self.seen:
            raise RowRejected(_("this document is already on an earlier row of the file."))
        self.seen.add(fingerprint)
        return roll_hash(self.consultation.pk, number, day)

    def apply(self, items: list[tuple[int, str]]) -> BatchResult:
        """Replace the consultation's roll (inside the file's one transaction)."""
        RollEntry.objects.filter(consultation=self.consultation).delete()
        created = 0
        for start in range(0, len(items), 5000):
            chunk = items[start : start + 5000]
            RollEntry.objects.bulk_create(
                [RollEntry(consultation=self.consultation, entry_hash=entry) for _line, entry in chunk]
            )
            created += len(chunk)
        return BatchResult(created=created)

    def finish(self, run: ImportRun) -> None:
        return None
