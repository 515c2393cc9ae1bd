"""Demo complaints for `abierta demo`: the demo transparency officer gets a handler key (with the
demo password) and, on an empty inbox, two cases arrive: one anonymous with a question from the
office, one identified and forwarded. The receipt of the first is told to the ``abierta.demo``
logger (which ``abierta demo`` prints) so it can be tried."""

from __future__ import annotations

import logging

from abierta.accounts.demo import PASSWORD
from abierta.accounts.models import User
from abierta.complaints import services
from abierta.complaints.models import Case, HandlerKey
from abierta.core.models import Institution

DEMO_HANDLER = "transparencia@demo.abierta.local"


logger = logging.getLogger("abierta.demo")


def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    """Nothing without the demo accounts: the cases need their handler."""
    handler = users.get(DEMO_HANDLER)
    if handler is None:
        return
    if not HandlerKey.objects.filter(user=handler).exists():
        services.handler_key_create(user=handler, password=PASSWORD)
    if Case.objects.exists():
        return
    case, receipt = services.complaint_submit(
        report=services.ReportData(
            category=Case.Category.BRIBERY,
            what=(
                "En la ventanilla de licencias de la Secretaría de Planeación un funcionario pidió dinero en "
                "efectivo para acelerar el trámite de una licencia de construcción."
            ),
            who="Un funcionario de la ventanilla 3, turno de la mañana.",
            where="Edificio de la Alcaldía, primer piso, ventanilla 3.",
            when="Entre el 10 y el 14 de noviembre, en horas de la mañana.",
            evidence="Tengo mensajes de texto donde se menciona el valor pedido.",
        ),
        files=[],
    )
    private = services.handler_key_unlock(user=handler, password=PASSWORD)
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private)
    if opened is not None:
        services.case_transition(case=case, actor=handler, status=Case.Status.TRIAGE)
        services.case_message(
            opened=opened,
            actor=handler,
            body="Gracias por su denuncia. ¿Puede indicar la fecha exacta y adjuntar una captura de los mensajes?",
            internal=False,
        )
    other, _ = services.complaint_submit(
        report=services.ReportData(
            category=Case.Category.PROCUREMENT,
            what="El contrato de mantenimiento de parques se adjudicó a una empresa creada un mes antes.",
            reference="SECOP II CO1.PCCNTR.0000000 (ejemplo)",
            identified=True,
            name="Ciudadano de prueba",
            document_type="CC",
            document_number="0000000000",
            contact="ciudadano@example.org",
        ),
        files=[],
    )
    services.case_transition(case=other, actor=handler, status=Case.Status.FORWARDED, authority="contraloria")
    logger.info("Demo complaint: follow it up at /denuncias/seguimiento/ with the receipt %s", receipt)
