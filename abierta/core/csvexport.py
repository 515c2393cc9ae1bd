"""CSV downloads that open right in a spreadsheet: UTF-8 with a BOM, and no formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these runs as a formula in Excel or LibreOffice (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvResponse(HttpResponse):
    def __init__(self, filename: str, header: list[str]) -> None:
        super().__init__(content_type="text/csv; charset=utf-8")
        self["Content-Disposition"] = f'attachment; filename="{filename}"'
        self.write("\ufeff")  # a BOM, so spreadsheets read the accents right
        self._writer = csv.writer(self)
        self._writer.writerow(header)

    def add_row(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])


class _Echo:
    """A file-like object whose ``write`` returns the line: csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def streaming_csv(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """The same file as :class:`CsvResponse`, written while ``rows`` is read: memory stays flat
    however many rows (the whole contract search, for instance)."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
