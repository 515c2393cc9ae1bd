"""The QR code of a work: it encodes the work's absolute address, nothing else.

Error correction level Q (25 % of the code can be dirty or torn, which a billboard in the sun and
rain will be) and the standard quiet zone of four modules. The address is encoded exactly as
``settings.SITE_URL + work.get_absolute_url()`` in byte mode: a reader shows the same address
that the site links to. docs/decisions/0010-work-page-and-qr.md explains why it is not upper-cased.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import translation

from abierta.works.models import Work

ERROR_LEVEL = "Q"
QUIET_ZONE = 4
PNG_SCALE = 16  # pixels per module: a 33-module code (version 4) is 656 px wide with its quiet zone.
SVG_SCALE = 8


def work_url(work: Work) -> str:
    """The absolute address a QR code or a billboard gives for the work: the Spanish one, without a
    language prefix, whatever the language of the staff member who downloads the code."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + work.get_absolute_url()


def short_url(work: Work) -> str:
    """The address without its scheme, as a person would type it from a billboard."""
    return work_url(work).split("://", 1)[-1]


def work_qr(work: Work) -> segno.QRCode:
    return segno.make(work_url(work), error=ERROR_LEVEL, micro=False, boost_error=False)


def qr_png(work: Work, *, scale: int = PNG_SCALE) -> bytes:
    out = io.BytesIO()
    work_qr(work).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()


def qr_svg(work: Work) -> bytes:
    out = io.BytesIO()
    work_qr(work).save(
        out,
        kind="svg",
        scale=SVG_SCALE,
        border=QUIET_ZONE,
        xmldecl=True,
        title=work_url(work),
        desc=work.name,
        light="#fff",
    )
    return out.getvalue()


def qr_matrix(work: Work) -> list[list[bool]]:
    """The modules, dark is True, without the quiet zone (the caller leaves its own margin)."""
    return [[bool(m) for m in row] for row in work_qr(work).matrix]
