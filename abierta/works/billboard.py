"""The billboard panel of a work (valla informativa) as a one-page vector PDF, written by hand.

No PDF library: the page is a few filled rectangles (the bands and the QR code's modules, taken
from segno's matrix) and text in the PDF base-14 fonts Helvetica and Helvetica-Bold with
WinAnsiEncoding, which covers Spanish (á é í ó ú ñ ü ¿ ¡). Nothing is embedded, so the file is a
few kilobytes and stays sharp at any print size: A3 landscape here, scaled up by the print shop
to the billboard's real size.

The printed panel is a public notice of the city, so its words are Spanish whatever the language
of the staff member who downloads it.
"""

from __future__ import annotations

import datetime
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from abierta.contracting.models import Contract
from abierta.works.models import Work, WorkContract
from abierta.works.qr import QUIET_ZONE, qr_matrix, short_url

# A3 landscape, in points.
PAGE_W = 1190.55
PAGE_H = 841.89
MARGIN = 48.0
QR_SIZE = 420.0  # with its quiet zone: 14.8 cm on A3, a metre and more on the billboard
HOW_TO_REPORT = "Escanee el código para ver el avance y reportar irregularidades"

BLUE = (0.2, 0.4, 0.8)  # GOV.CO #3366cc
BLUE_DARK = (0.0, 0.282, 0.518)  # #004884
INK = (0.106, 0.106, 0.106)
MUTED = (0.294, 0.294, 0.294)
WHITE = (1.0, 1.0, 1.0)
BLACK = (0.0, 0.0, 0.0)

# Advance widths (1/1000 em) of ASCII 32–126, from Adobe's AFM files of the base-14 fonts.
_HELVETICA = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 "
    "667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 "
    "222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_HELVETICA_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 "
    "667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 "
    "278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_EXTRA = {"¿": (611, 611), "¡": (333, 333), "°": (400, 400), "–": (556, 556), "—": (1000, 1000), "·": (278, 278)}
WIDTHS = {
    "F1": {chr(32 + i): int(w) for i, w in enumerate(_HELVETICA.split())},
    "F2": {chr(32 + i): int(w) for i, w in enumerate(_HELVETICA_BOLD.split())},
}


def text_width(text: str, font: str, size: float) -> float:
    table = WIDTHS[font]
    bold = font == "F2"
    total = 0
    for ch in text:
        if ch in table:
            total += table[ch]
        elif ch in _EXTRA:
            total += _EXTRA[ch][bold]
        else:
            # Accented letters are as wide as their base letter in Helvetica.
            base = unicodedata.normalize("NFD", ch)[:1]
            total += table.get(base, 556)
    return total * size / 1000


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap; the last line ends in "…" if the text does not fit."""
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if text_width(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", font, size) > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    # A single word longer than the line is cut too.
    for i, line in enumerate(lines):
        while text_width(line, font, size) > width and len(line) > 1:
            line = line[:-2] + "…"
        lines[i] = line
    return lines


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (cp1252); characters outside it become "?"."""
    raw = text.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode()
    out += b")"
    return bytes(out)


def _n(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class Canvas:
    """Just enough of a PDF content stream: rectangles and lines of text."""

    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def fill(self, rgb: tuple[float, float, float]) -> None:
        self.ops.append(f"{_n(rgb[0])} {_n(rgb[1])} {_n(rgb[2])} rg".encode())

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(f"{_n(x)} {_n(y)} {_n(w)} {_n(h)} re".encode())

    def paint(self) -> None:
        self.ops.append(b"f")

    def text(self, x: float, y: float, text: str, *, font: str = "F1", size: float = 16, align: str = "left") -> None:
        if align == "center":
            x -= text_width(text, font, size) / 2
        elif align == "right":
            x -= text_width(text, font, size)
        self.ops.append(
            b"BT /" + font.encode() + f" {_n(size)} Tf {_n(x)} {_n(y)} Td ".encode() + pdf_string(text) + b" Tj ET"
        )

    def stream(self) -> bytes:
        return b"\n".join(self.ops) + b"\n"


def pdf_document(content: bytes, *, title: str, width: float = PAGE_W, height: float = PAGE_H) -> bytes:
    """A one-page PDF 1.4 file with Helvetica (F1) and Helvetica-Bold (F2)."""
    compressed = zlib.compress(content, 9)
    title_bytes = (
        b"(\xfe\xff"
        + b"".join(b"\\" + bytes([c]) if c in b"()\\" else bytes([c]) for c in title.encode("utf-16-be"))
        + b")"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_n(width)} {_n(height)}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(compressed)} /Filter /FlateDecode >>\nstream\n".encode() + compressed + b"\nendstream",
        b"<< /Title " + title_bytes + b" /Producer (Abierta) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> float:
    """The code with its quiet zone in a ``size`` square whose lower-left corner is (x, y).

    Each run of dark modules in a row is one rectangle. Returns the module size."""
    n = len(matrix)
    module = size / (n + 2 * QUIET_ZONE)
    canvas.fill(WHITE)
    canvas.rect(x, y, size, size)
    canvas.paint()
    canvas.fill(BLACK)
    for r, row in enumerate(matrix):
        top = y + size - (QUIET_ZONE + r) * module
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            canvas.rect(x + (QUIET_ZONE + start) * module, top - module, (c - start) * module, module)
    canvas.paint()
    return module


@dataclass
class Fact:
    label: str
    value: str


def _pesos(value: Decimal | None) -> str:
    if value is None:
        return "No registrado"
    return "$ " + f"{int(value.quantize(Decimal(1))):,}".replace(",", ".")


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "No registrada"


def main_contracts(work: Work) -> tuple[Contract | None, Contract | None]:
    """The works contract (or the first contract of any role) and the interventoría, if any."""
    links = list(work.work_contracts.select_related("contract").order_by("pk"))
    works = next((link.contract for link in links if link.role == WorkContract.Role.WORKS), None)
    if works is None:
        works = next((link.contract for link in links if link.role != WorkContract.Role.SUPERVISION), None)
    supervision = next((link.contract for link in links if link.role == WorkContract.Role.SUPERVISION), None)
    return works, supervision


def billboard_facts(work: Work) -> list[list[Fact]]:
    """Rows of one or two facts, as printed."""
    contract, supervision = main_contracts(work)
    if contract is None:
        rows = [
            [Fact("Contrato de obra", "Sin contrato registrado"), Fact("Presupuesto", _pesos(work.budget))],
            [Fact("Fecha de inicio", _date(work.start_on)), Fact("Fecha de terminación", _date(work.end_on))],
        ]
    else:
        rows = [
            [
                Fact("Contrato de obra No.", contract.contract_id or contract.ocid),
                Fact("Valor del contrato", _pesos(contract.value)),
            ],
            [Fact("Contratista", contract.supplier_name or "No registrado")],
            [
                Fact("Fecha de inicio", _date(contract.start_on or work.start_on)),
                Fact("Fecha de terminación", _date(contract.end_on or work.end_on)),
            ],
        ]
    if supervision is not None:
        who = supervision.supplier_name or "No registrado"
        rows.append([Fact("Interventoría", f"{who} · contrato No. {supervision.contract_id or supervision.ocid}")])
    return rows


def billboard_pdf(work: Work) -> bytes:
    canvas = Canvas()
    band_top = 104.0
    band_bottom = 118.0
    address = short_url(work)

    # Top band: who builds it.
    canvas.fill(BLUE)
    canvas.rect(0, PAGE_H - band_top, PAGE_W, band_top)
    canvas.paint()
    canvas.fill(WHITE)
    entity = str(settings.ABIERTA_ENTITY["name"])
    canvas.text(MARGIN, PAGE_H - 50, entity, font="F2", size=28)
    canvas.text(MARGIN, PAGE_H - 82, work.office.name, size=20)

    # The QR code, top right, and its address below it.
    qr_x = PAGE_W - MARGIN - QR_SIZE
    qr_y = PAGE_H - band_top - 24 - QR_SIZE
    draw_qr(canvas, qr_matrix(work), qr_x, qr_y, QR_SIZE)
    canvas.fill(INK)
    url_size = 20.0
    while text_width(address, "F2", url_size) > QR_SIZE and url_size > 10:
        url_size -= 1
    canvas.text(qr_x + QR_SIZE / 2, qr_y - 14, address, font="F2", size=url_size, align="center")

    # The work and its contract, left column.
    left_w = qr_x - 40 - MARGIN
    y = PAGE_H - band_top - 60
    for line in wrap(work.name, "F2", 38, left_w, 3):
        canvas.text(MARGIN, y, line, font="F2", size=38)
        y -= 44
    y -= 10
    gap = 24.0
    for row in billboard_facts(work):
        cell_w = (left_w - gap * (len(row) - 1)) / len(row)
        lowest = y
        for i, fact in enumerate(row):
            x = MARGIN + i * (cell_w + gap)
            canvas.fill(MUTED)
            canvas.text(x, y, fact.label, size=15)
            canvas.fill(INK)
            line_y = y - 27
            for line in wrap(fact.value, "F2", 22, cell_w, 2):
                canvas.text(x, line_y, line, font="F2", size=22)
                line_y -= 27
            lowest = min(lowest, line_y)
        y = lowest - 14

    # Bottom band: how to follow and report.
    canvas.fill(BLUE_DARK)
    canvas.rect(0, 0, PAGE_W, band_bottom)
    canvas.paint()
    canvas.fill(WHITE)
    size = 30.0
    while text_width(HOW_TO_REPORT, "F2", size) > PAGE_W - 2 * MARGIN:
        size -= 1
    canvas.text(PAGE_W / 2, 70, HOW_TO_REPORT, font="F2", size=size, align="center")
    canvas.text(PAGE_W / 2, 32, address, size=24, align="center")

    return pdf_document(canvas.stream(), title=f"Valla informativa: {work.name}")
