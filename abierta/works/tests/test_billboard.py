"""The billboard panel: a valid one-page vector PDF with the work's data, in Spanish, whose QR code
(drawn as rectangles) decodes to the work's address."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream

from abierta.contracting.tests.factories import make_contract
from abierta.core.models import Institution
from abierta.works import billboard
from abierta.works.models import Work, WorkContract
from abierta.works.qr import work_url
from abierta.works.tests.factories import make_work

pytestmark = pytest.mark.django_db


def billboard_work() -> Work:
    office = Institution.objects.create(name="Secretaría de Infraestructura (Obras)", slug="infra-obras")
    work = make_work(office, name="Pavimentación de la vía a Pasacaballos, tramo Ñanguma", contracts=0)
    works = make_contract(
        contract_id="CO1.PCCNTR.7654321",
        supplier_name="Consorcio Vías de Bolívar 2024",
        value=Decimal("2750400000.70"),
        start_on=datetime.date(2024, 4, 1),
        end_on=datetime.date(2025, 3, 31),
    )
    supervision = make_contract(contract_id="CO1.PCCNTR.7654322", supplier_name="Interventoría Técnica del Caribe")
    WorkContract.objects.create(work=work, contract=supervision, role=WorkContract.Role.SUPERVISION)
    WorkContract.objects.create(work=work, contract=works, role=WorkContract.Role.WORKS)
    return work


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    text: str = reader.pages[0].extract_text()
    return " ".join(text.split())


def rasterize_black_rectangles(pdf: bytes, scale: float = 2.0) -> Image.Image:
    """Paint the page's black filled rectangles (``re`` … ``f`` under ``0 0 0 rg``) on white: the
    QR code as the PDF draws it, read back from the file with pypdf."""
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    image = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    content = ContentStream(page.get_contents(), reader)
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    path: list[tuple[float, float, float, float]] = []
    for operands, operator in content.operations:
        if operator == b"rg":
            fill = tuple(float(v) for v in operands)
        elif operator == b"re":
            path.append(tuple(float(v) for v in operands))  # type: ignore[arg-type]
        elif operator == b"f":
            if fill == (0.0, 0.0, 0.0):
                for x, y, w, h in path:
                    draw.rectangle(
                        [x * scale, (height - y - h) * scale, (x + w) * scale - 1, (height - y) * scale - 1], fill=0
                    )
            path = []
    return image


def test_pdf_is_valid_and_has_the_billboard_text(settings: object) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = billboard_work()
    pdf = billboard.billboard_pdf(work)
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert reader.metadata is not None and reader.metadata.title == f"Valla informativa: {work.name}"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape
    text = page_text(pdf)
    for expected in (
        "Pavimentación de la vía a Pasacaballos, tramo Ñanguma",
        "Alcaldía Distrital de Cartagena de Indias",
        "Secretaría de Infraestructura (Obras)",
        "Contrato de obra No.",
        "CO1.PCCNTR.7654321",
        "Contratista",
        "Consorcio Vías de Bolívar 2024",
        "Valor del contrato",
        "$ 2.750.400.001",
        "Fecha de inicio",
        "01/04/2024",
        "Fecha de terminación",
        "31/03/2025",
        "Interventoría",
        "Interventoría Técnica del Caribe · contrato No. CO1.PCCNTR.7654322",
        "Escanee el código para ver el avance y reportar irregularidades",
        f"obras.cartagena.gov.co/o/{work.code}",
    ):
        assert expected in text, expected


def test_the_qr_code_in_the_pdf_decodes_to_the_work_address(settings: object) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = billboard_work()
    image = rasterize_black_rectangles(billboard.billboard_pdf(work))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [work_url(work)]


def test_the_pdf_is_small_and_vector() -> None:
    pdf = billboard.billboard_pdf(billboard_work())
    assert len(pdf) < 20_000
    assert b"/Image" not in pdf and b"/FontFile" not in pdf  # no bitmap, no embedded font


def test_a_work_without_contract_shows_its_own_budget_and_dates() -> None:
    work = make_work(contracts=0, budget=Decimal("990000000"), start_on=datetime.date(2025, 1, 20), end_on=None)
    text = page_text(billboard.billboard_pdf(work))
    assert "Sin contrato registrado" in text
    assert "$ 990.000.000" in text
    assert "20/01/2025" in text
    assert "No registrada" in text


def test_long_names_wrap_and_awkward_characters_survive() -> None:
    name = "Construcción (fase II) del colector pluvial \\ canal Calicanto ¿y el andén? " * 4 + "→ final"
    work = make_work(name=name[:300])
    pdf = billboard.billboard_pdf(work)
    text = page_text(pdf)
    assert "Construcción (fase II) del colector pluvial \\ canal Calicanto ¿y el andén?" in text
    assert "…" in text  # cut after three lines
    assert PdfReader(io.BytesIO(pdf), strict=True).pages[0].extract_text()


def test_text_width_uses_helvetica_metrics() -> None:
    assert billboard.text_width("Hola", "F1", 10) == pytest.approx((722 + 556 + 222 + 556) / 100)
    assert billboard.text_width("Año", "F1", 1000) == billboard.text_width("Ano", "F1", 1000)
    assert billboard.text_width("W", "F2", 1000) == 944


def test_wrap() -> None:
    assert billboard.wrap("uno dos tres", "F1", 10, 1000, 3) == ["uno dos tres"]
    lines = billboard.wrap("palabra " * 30, "F1", 10, 100, 2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(billboard.text_width(line, "F1", 10) <= 100 for line in lines)


def test_pdf_strings_are_escaped_and_in_winansi() -> None:
    assert billboard.pdf_string("a(b)c\\") == b"(a\\(b\\)c\\\\)"
    assert billboard.pdf_string("ñ") == b"(\\361)"
    assert billboard.pdf_string("→") == b"(?)"


def test_the_longest_texts_still_fit_above_the_bottom_band_and_left_of_the_code() -> None:
    office = Institution.objects.create(
        name="Departamento Administrativo de Valorización Distrital", slug="valorizacion"
    )
    work = make_work(office, name="Construcción de la avenida perimetral de la Ciénaga de la Virgen " * 3, contracts=0)
    works = make_contract(supplier_name="Consorcio Constructores Unidos del Caribe Colombiano y Asociados S.A.S. " * 2)
    supervision = make_contract(supplier_name="Unión Temporal Interventorías Técnicas y Ambientales de Bolívar " * 2)
    WorkContract.objects.create(work=work, contract=works, role=WorkContract.Role.WORKS)
    WorkContract.objects.create(work=work, contract=supervision, role=WorkContract.Role.SUPERVISION)
    pdf = billboard.billboard_pdf(work)
    placed: list[tuple[float, float, str, str, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: dict[str, object] | None, size: float) -> None:
        if text.strip() and font is not None:
            name = "F2" if str(font["/BaseFont"]).endswith("Bold") else "F1"
            placed.append((tm[4], tm[5], text, name, size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    qr_left = billboard.PAGE_W - billboard.MARGIN - billboard.QR_SIZE
    in_band = [t for x, y, t, _, _ in placed if y < 118]
    assert len(in_band) == 2  # how to report, and the address
    left = [p for p in placed if 118 <= p[1] < billboard.PAGE_H - 104 and p[0] < qr_left - 20]
    assert len(left) >= 10
    assert min(y for _, y, _, _, _ in left) > 118 + 20
    assert "Interventoría" in " ".join(t for _, _, t, _, _ in left)
    for x, _, text, font, size in left:
        assert x + billboard.text_width(text, font, size) <= qr_left - 20, text
