"""Demonstration data of the co-creation of Cartagena's 2022–2023 plan. Idempotent.

Called by ``abierta demo`` once the action plan exists (abierta/plans/demo.py). The plan says
that 23 working tables met and that the consultation chose among 12 initiatives, and when the
phases happened (tables in September–October 2022, a one-week consultation in November 2022);
everything else here (the tables' names and attendance, the initiatives, proposals, answers, the
ballots, the dialogue sessions, which table elected each committee member) is invented to show the
platform and marked as example data: ``is_example`` where the model has it, "(ejemplo)" in the
text where it has not.
"""

from __future__ import annotations

import datetime
import random
import secrets
import zoneinfo

from django.db import transaction
from django.utils import timezone

from abierta.accounts.models import User
from abierta.core.models import Institution
from abierta.participation.models import (
    Ballot,
    Consultation,
    Criterion,
    DialogueSession,
    Initiative,
    Population,
    Process,
    Proposal,
    Question,
    TableAttendance,
    Territory,
    Voter,
    WorkingTable,
)
from abierta.plans import demo as plans_demo
from abierta.plans.models import ActionPlan, Commitment, CommitteeMember

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")
EXAMPLE = " (ejemplo)"

S = WorkingTable.Sector
# The seed gives 23 tables across these sectors; how they were split is an example.
TABLES: list[tuple[str, str, str]] = [
    ("Sociedad civil organizada", S.CIVIL_SOCIETY, ""),
    ("Academia", S.ACADEMIA, ""),
    ("Personas mayores", S.POPULATION, "Personas mayores"),
    ("Juventudes", S.POPULATION, "Jóvenes"),
    ("Mujeres", S.POPULATION, "Mujeres"),
    ("Comunidades étnicas (afro, palenquera, raizal e indígena)", S.POPULATION, "Comunidades étnicas"),
    ("Poblaciones de identidades diversas", S.POPULATION, "Identidades diversas"),
    ("Personas con discapacidad", S.POPULATION, "Personas con discapacidad"),
    ("Migrantes", S.POPULATION, "Migrantes"),
    *[(f"Sector comunal – UCG {n}", S.COMMUNAL, f"Unidad Comunera de Gobierno {n}") for n in range(1, 11)],
    ("Sector comunal – UCG 11 y 12", S.COMMUNAL, "Unidades Comuneras de Gobierno 11 y 12"),
    ("Sector comunal – UCG 13, 14 y 15", S.COMMUNAL, "Unidades Comuneras de Gobierno 13 a 15"),
    ("Sector comunal – zona rural e insular", S.COMMUNAL, "Área rural"),
    ("Sector político", S.POLITICAL, "Concejo y partidos"),
]

INITIATIVES = [
    "Fortalecer a las Juntas de Acción Comunal en el seguimiento a la contratación pública",
    "Rendición de cuentas permanente por localidad",
    "Datos abiertos de la contratación distrital en formato reutilizable",
    "Escuela de veedurías ciudadanas",
    "Mapa de obras públicas con seguimiento ciudadano",
    "Canal de denuncias con protección al denunciante",
    "Presupuestos participativos en las Unidades Comuneras de Gobierno",
    "Lenguaje claro en los trámites de la Alcaldía",
    "Gobierno abierto en las instituciones educativas",
    "Información pública accesible para personas con discapacidad",
    "Seguimiento ciudadano al Plan de Desarrollo",
    "Alfabetización digital para el control social en la zona rural",
]

# The working table that elected each member of the plan's committee (plans_demo.COMMITTEE).
COMMITTEE_TABLES = [1, 2, 4, 10]


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BOGOTA)


# The phases: the last of the 23 tables (one every two days from 5 September) met on 19 October.
TABLES_FROM = _at(2022, 9, 1)
ANALYSIS_FROM = _at(2022, 10, 20)
CONSULTATION_FROM = _at(2022, 11, 8)
RESULTS_FROM = _at(2022, 11, 15)

CRITERIA = [
    ("Factibilidad", "¿Puede la Alcaldía llevarla a cabo en el periodo del plan, con sus competencias?", 2),
    ("Costo", "¿Cabe en los recursos disponibles, propios o de cooperación?", 1),
    ("Impacto", "¿Cuánto cambia la vida de la ciudadanía y la relación con la Alcaldía?", 2),
    ("Valores de Gobierno Abierto", "Transparencia, participación, rendición de cuentas, tecnología e innovación.", 1),
]

# table number: (population, territory, facilitator, {group: attendees})
TABLE_DETAILS: dict[int, tuple[str, str, str, dict[str, int]]] = {
    1: ("", Territory.CITYWIDE, "Funcicar", {Population.GENERAL: 31, Population.WOMEN: 12}),
    2: ("", Territory.CITYWIDE, "Escuela de Gobierno y Liderazgo", {Population.YOUTH: 18, Population.GENERAL: 9}),
    3: (Population.OLDER, Territory.CITYWIDE, "Secretaría de Participación", {Population.OLDER: 22}),
    4: (Population.YOUTH, Territory.CITYWIDE, "Funcicar", {Population.YOUTH: 37, Population.DIVERSE: 4}),
    5: (Population.WOMEN, Territory.CITYWIDE, "Secretaría de Participación", {Population.WOMEN: 29}),
    6: (
        Population.AFRO,
        Territory.CITYWIDE,
        "Funcicar",
        {Population.AFRO: 14, Population.PALENQUERO: 6, Population.RAIZAL: 2, Population.INDIGENOUS: 3},
    ),
    8: (Population.DISABILITY, Territory.CITYWIDE, "Secretaría de Participación", {Population.DISABILITY: 11}),
    9: (Population.MIGRANTS, Territory.CITYWIDE, "Funcicar", {Population.MIGRANTS: 16}),
    10: ("", Territory.UCG1, "Secretaría de Participación", {Population.GENERAL: 24, Population.OLDER: 7}),
    12: ("", Territory.UCG3, "Secretaría de Participación", {Population.GENERAL: 19, Population.WOMEN: 8}),
    22: ("", Territory.RURAL, "Funcicar", {Population.GENERAL: 15, Population.YOUTH: 5}),
}

# (title, body, channel, table number or None, status, initiative number or None, answer)
PROPOSALS: list[tuple[str, str, str, int | None, str, int | None, str]] = [
    (
        "Capacitar a las JAC para vigilar los contratos de su barrio",
        "Que los dignatarios de las Juntas de Acción Comunal aprendan a consultar SECOP II y a hacer "
        "seguimiento a las obras que se contratan en su barrio.",
        Proposal.Channel.IN_PERSON,
        10,
        Proposal.Status.ACCEPTED,
        1,
        "Aceptada: forma parte de la iniciativa 1, que se convirtió en el compromiso COCDI0001.",
    ),
    (
        "Veedurías comunales con acompañamiento de la Alcaldía",
        "Acompañar a las veedurías de las comunas en la revisión de las obras de su territorio.",
        Proposal.Channel.IN_PERSON,
        12,
        Proposal.Status.MERGED,
        1,
        "Unida a la propuesta de capacitar a las JAC, que persigue el mismo fin.",
    ),
    (
        "Rendición de cuentas en cada localidad, no solo una audiencia al año",
        "Espacios de diálogo periódicos en las tres localidades para que la Alcaldía informe sus avances.",
        Proposal.Channel.ONLINE,
        None,
        Proposal.Status.ACCEPTED,
        2,
        "Aceptada: es la iniciativa 2 de la consulta; parte de ella se recoge en el compromiso COCDI0002.",
    ),
    (
        "Publicar los contratos en datos abiertos",
        "Que la información de la contratación distrital se publique en formatos reutilizables.",
        Proposal.Channel.ONLINE,
        None,
        Proposal.Status.ACCEPTED,
        3,
        "Aceptada: es la iniciativa 3 de la consulta.",
    ),
    (
        "Información de la Alcaldía en lengua de señas",
        "Videos con interpretación en lengua de señas colombiana de los trámites más usados.",
        Proposal.Channel.IN_PERSON,
        8,
        Proposal.Status.ACCEPTED,
        10,
        "Aceptada: forma parte de la iniciativa 10.",
    ),
    (
        "Internet gratis en todas las veredas",
        "Conectividad gratuita en la zona rural e insular.",
        Proposal.Channel.IN_PERSON,
        22,
        Proposal.Status.REJECTED,
        None,
        "No aceptada en este plan: la conectividad rural no depende de la Alcaldía sino del Ministerio TIC; "
        "se trasladó a la Oficina TI. La alfabetización digital para el control social sí se recogió en la "
        "iniciativa 12.",
    ),
]

# How many ballots each initiative received (by number); the selected one wins.
TALLY = [71, 58, 46, 33, 29, 27, 22, 19, 16, 14, 11, 8]
AGE_BANDS = ["18-28", "29-40", "41-60", "60+"]
SECTORS = ["civil_society", "academia", "population", "communal", "political"]


@transaction.atomic
def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    plan = ActionPlan.objects.get(slug=plans_demo.PLAN_SLUG)
    _working_tables(plan)
    _initiatives(plan)
    _committee(plan)
    process = _process(plan)
    _tables(plan)
    _proposals(plan, process)
    _consultation(plan, process)
    _dialogue(plan)


def _working_tables(plan: ActionPlan) -> None:
    for number, (name, sector, group) in enumerate(TABLES, start=1):
        WorkingTable.objects.update_or_create(
            plan=plan,
            number=number,
            defaults={
                "name": name,
                "sector": sector,
                "group": group,
                "held_on": datetime.date(2022, 9, 5) + datetime.timedelta(days=2 * (number - 1)),
                "place": "Cartagena de Indias",
                "is_example": True,
            },
        )


def _initiatives(plan: ActionPlan) -> None:
    first = Commitment.objects.get(plan=plan, code="COCDI0001")
    for number, title in enumerate(INITIATIVES, start=1):
        Initiative.objects.update_or_create(
            plan=plan,
            number=number,
            defaults={
                "title": title,
                "shortlisted": True,
                "selected": number == 1,
                "commitment": first if number == 1 else None,
                "is_example": True,
            },
        )


def _committee(plan: ActionPlan) -> None:
    for (name, _sector), number in zip(plans_demo.COMMITTEE, COMMITTEE_TABLES, strict=True):
        table = WorkingTable.objects.get(plan=plan, number=number)
        CommitteeMember.objects.filter(plan=plan, name=name).update(working_table=table)


def _process(plan: ActionPlan) -> Process:
    process, _ = Process.objects.update_or_create(
        plan=plan,
        defaults={
            "title": "Co-creación del plan de acción 2022–2023",
            "description": (
                "23 mesas de trabajo presenciales entre septiembre y octubre de 2022, análisis de las "
                "propuestas y una semana de consulta ciudadana en noviembre de 2022."
            ),
            "tables_from": TABLES_FROM,
            "analysis_from": ANALYSIS_FROM,
            "consultation_from": CONSULTATION_FROM,
            "results_from": RESULTS_FROM,
            "is_example": True,
        },
    )
    for order, (name, description, weight) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            process=process,
            name=name,
            defaults={"description": description, "weight": weight, "max_score": 5, "order": order},
        )
    return process


def _tables(plan: ActionPlan) -> None:
    for number, (population, territory, facilitator, counts) in TABLE_DETAILS.items():
        table = WorkingTable.objects.filter(plan=plan, number=number).first()
        if table is None:
            continue
        table.population = population
        table.territory = territory
        table.facilitator = facilitator
        table.attendance = sum(counts.values())
        table.is_example = True
        table.save(update_fields=["population", "territory", "facilitator", "attendance", "is_example"])
        for group, count in counts.items():
            TableAttendance.objects.update_or_create(table=table, group=group, defaults={"count": count})


def _proposals(plan: ActionPlan, process: Process) -> None:
    tables = {t.number: t for t in plan.working_tables.all()}
    initiatives = {i.number: i for i in plan.initiatives.all()}
    created: dict[str, Proposal] = {}
    for title, body, channel, table, status, initiative, answer in PROPOSALS:
        proposal, _ = Proposal.objects.update_or_create(
            process=process,
            title=title + EXAMPLE,
            defaults={
                "body": body,
                "channel": channel,
                "table": tables.get(table) if table else None,
                "status": status,
                "initiative": initiatives.get(initiative) if initiative else None,
                "answer": answer,
            },
        )
        created[title] = proposal
    merged = created["Veedurías comunales con acompañamiento de la Alcaldía"]
    merged.merged_into = created["Capacitar a las JAC para vigilar los contratos de su barrio"]
    merged.save(update_fields=["merged_into"])


def _winner(plan: ActionPlan) -> Initiative | None:
    initiatives = plan.initiatives.all()
    return (
        initiatives.filter(selected=True).first()
        or initiatives.filter(commitment__code__in=["COCDI0001", "COCDI0002"]).order_by("number").first()
        or initiatives.first()
    )


def _consultation(plan: ActionPlan, process: Process) -> None:
    consultation, _ = Consultation.objects.update_or_create(
        process=process,
        defaults={
            "question": "¿Cuál de estas iniciativas debe ser un compromiso del plan de acción? (ejemplo)",
            "opens_at": CONSULTATION_FROM,
            "closes_at": RESULTS_FROM,
            "max_choices": 1,
        },
    )
    if consultation.ballots.exists():
        return  # ballots are written once: a second run changes nothing
    numbers = list(plan.initiatives.order_by("number").values_list("number", flat=True))
    if not numbers:
        return
    winner = _winner(plan)
    # The winner gets the highest tally, the rest follow in their own order.
    others = [n for n in numbers if winner is None or n != winner.number]
    ordered = ([winner.number] if winner else []) + others
    rng = random.Random(2022)  # noqa: S311 - example data, not security
    days = (RESULTS_FROM.date() - CONSULTATION_FROM.date()).days
    choices: list[int] = []
    for number, count in zip(ordered, TALLY, strict=False):
        choices += [number] * count
    rng.shuffle(choices)
    voters: list[Voter] = []
    ballots: list[Ballot] = []
    for number in choices:
        voters.append(Voter(consultation=consultation, document_hash=secrets.token_hex(32)))
        ballots.append(
            Ballot(
                consultation=consultation,
                receipt_hash=secrets.token_hex(32),
                choices=[number],
                channel=Ballot.Channel.WEB if rng.random() < 0.7 else Ballot.Channel.IN_PERSON,
                cast_on=CONSULTATION_FROM.date() + datetime.timedelta(days=rng.randrange(days)),
                age_band=rng.choice(AGE_BANDS) if rng.random() < 0.6 else "",
                sector=rng.choice(SECTORS) if rng.random() < 0.5 else "",
                territory=rng.choice(Territory.values) if rng.random() < 0.5 else "",
            )
        )
    # Shuffled apart so that neither table's order says which voter cast which ballot.
    rng.shuffle(voters)
    Voter.objects.bulk_create(voters)
    Ballot.objects.bulk_create(ballots)


PAST_SLUG = "hablemos-contratacion-barrios-2023"
UPCOMING_SLUG = "hablemos-rendicion-de-cuentas"

# (question, status, answer, answered by, commitment code)
PAST_QUESTIONS: list[tuple[str, str, str, str, str]] = [
    (
        "¿Cómo puede una Junta de Acción Comunal saber qué contratos se están ejecutando en su barrio?",
        Question.Status.ANSWERED,
        "Todos los contratos están en SECOP II. Con el compromiso COCDI0001 formamos a los dignatarios "
        "de las JAC para buscarlos por barrio y hacerles seguimiento; los códigos QR de las vallas de obra "
        "llevan directamente a los datos del contrato.",
        "Jefe del Grupo Asesor de Transparencia y Anticorrupción (ejemplo)",
        "COCDI0001",
    ),
    (
        "¿Cuándo se hará la rendición de cuentas en la localidad Industrial y de la Bahía?",
        Question.Status.ANSWERED,
        "La estrategia #CartagenaCuenta 2023 prevé diálogos en las tres localidades entre marzo y "
        "septiembre; las fechas se publican en este sitio con un mes de anticipación.",
        "Secretaria de Participación y Desarrollo Social (ejemplo)",
        "COCDI0002",
    ),
    (
        "¿Qué pasa si denuncio una irregularidad en una obra? ¿Queda mi nombre registrado?",
        Question.Status.ANSWERED,
        "Puede denunciar de forma anónima en el canal de denuncias de este sitio. Si da su nombre, solo lo "
        "conoce el equipo que tramita la denuncia.",
        "Jefe del Grupo Asesor de Transparencia y Anticorrupción (ejemplo)",
        "",
    ),
]

UPCOMING_QUESTIONS = [
    ("¿Cuánto avanzó el compromiso de formar a las Juntas de Acción Comunal?", Question.Status.SHORTLISTED),
    ("¿Dónde puedo ver el presupuesto de las obras de mi Unidad Comunera de Gobierno?", Question.Status.PUBLISHED),
    ("¿Van a repetir la consulta ciudadana para el próximo plan de acción?", Question.Status.PUBLISHED),
]


def _dialogue(plan: ActionPlan) -> None:
    past, _ = DialogueSession.objects.update_or_create(
        slug=PAST_SLUG,
        defaults={
            "plan": plan,
            "topic": "Hablemos con Transparencia: la contratación en los barrios",
            "description": (
                "Conversación abierta con la ciudadanía sobre la contratación pública en los barrios y el "
                "seguimiento que pueden hacer las Juntas de Acción Comunal."
            ),
            "starts_at": _at(2023, 3, 15, 9, 0),
            "place": "Plaza de la Aduana, Cartagena",
            "stream_url": "https://www.cartagena.gov.co/transparencia/ogp",
            "officials": (
                "Jefe del Grupo Asesor de Transparencia y Anticorrupción (ejemplo)\n"
                "Secretaria de Participación y Desarrollo Social (ejemplo)"
            ),
            "minutes": (
                "Acta de ejemplo. Asistieron 64 personas y 212 siguieron la transmisión. Se recibieron 18 "
                "preguntas, se publicaron 15 y se respondieron 3 en la sesión; las demás se responden por "
                "escrito en esta página.\n\nCompromisos de la Alcaldía: publicar el calendario de los diálogos "
                "por localidad y abrir un ciclo de formación para las JAC en abril."
            ),
            "questions_open": False,
            "is_example": True,
        },
    )
    commitments = {c.code: c for c in Commitment.objects.filter(plan=plan)}
    for text, status, answer, answered_by, code in PAST_QUESTIONS:
        Question.objects.update_or_create(
            session=past,
            text=text,
            defaults={
                "status": status,
                "answer": answer,
                "answered_by": answered_by,
                "anonymous": True,
                "commitment": commitments.get(code),
            },
        )
    # The upcoming session is dated once, a month after the first load, and then left alone.
    upcoming, _ = DialogueSession.objects.get_or_create(
        slug=UPCOMING_SLUG,
        defaults={
            "plan": plan,
            "topic": "Hablemos con Transparencia: ¿cómo va el plan de acción?",
            "description": "Las oficinas responsables cuentan el avance de los compromisos y responden preguntas.",
            "starts_at": (timezone.now() + datetime.timedelta(days=30))
            .astimezone(BOGOTA)
            .replace(hour=9, minute=0, second=0, microsecond=0),
            "place": "Centro de Convenciones Cartagena de Indias",
            "stream_url": "https://www.cartagena.gov.co/transparencia/ogp",
            "officials": "Jefe del Grupo Asesor de Transparencia y Anticorrupción (ejemplo)",
            "questions_open": True,
            "is_example": True,
        },
    )
    for text, status in UPCOMING_QUESTIONS:
        Question.objects.get_or_create(session=upcoming, text=text, defaults={"status": status, "anonymous": True})
