"""Load Cartagena's OGP Local action plan 2022–2023 as demonstration data. Idempotent.

Source: the plan as published on OGP's site (shared/seed in the development repository). What the
source does not give (milestones, progress, names of the tables, the 12 initiatives, committee
members) is invented to show the platform and is marked ``is_example``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from abierta.accounts.models import User
from abierta.complaints import demo as complaints_demo
from abierta.contracting import demo as contracting_demo
from abierta.core import history
from abierta.core.models import Institution
from abierta.gestion import demo as gestion_demo
from abierta.participation import demo as participation_demo
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    ProgressUpdate,
)
from abierta.procurement import demo as procurement_demo
from abierta.works import demo as works_demo
from abierta.works.models import Work

D = datetime.date
PLAN_SLUG = "cartagena-2022-2023"

OFFICES = [
    ("transparencia", "Grupo Asesor de Transparencia y Anticorrupción", "Transparencia"),
    ("tic", "Oficina Asesora de Informática y Tecnologías de la Información", "Oficina TI"),
    ("cooperacion", "Oficina de Cooperación Internacional", "Cooperación Internacional"),
    ("comunicaciones", "Oficina Asesora de Comunicaciones", "Comunicaciones"),
    ("participacion", "Secretaría de Participación y Desarrollo Social", "Participación"),
    ("planeacion", "Secretaría de Planeación", "Planeación"),
    ("escuela-gobierno", "Escuela de Gobierno y Liderazgo", "Escuela de Gobierno"),
]

FOREWORD = """El Gobierno Abierto compromiso de la Alcaldía Distrital de Cartagena está enfocada en generar confianza en sus ciudadanos, a partir de la lucha contra la corrupción y el desarrollo de inclusión y participación ciudadana.

Para la Administración de Salvemos Juntos a Cartagena es importante enfrentar los desafíos de la ciudad, por lo que es fundamental tener un diálogo directo y permanente que nos permita establecer redes de colaboración y construir ciudad, así como informar a la ciudadanía sobre los procesos implementados."""

VISION = """La visión de largo plazo de la actual Administración, el gobierno de Salvemos Juntos a Cartagena, consiste en generar transformación en la gestión a través de procesos más transparentes que permitan fortalecer la confianza de los ciudadanos hacia las instituciones y aumentar la participación ciudadana en los asuntos públicos.

La transparencia y el acceso a la información son pilares para generar confianza que permitan diseñar y co-crear instrumentos/herramientas innovadoras con un alto porcentaje de impacto en el gobierno local, donde el ciudadano es parte central de la esfera pública."""

ACHIEVEMENTS = """Códigos QR: se implementaron códigos QR en las vallas de obras públicas que se construyen en todos los sectores de la ciudad. Cualquier ciudadano puede escanearlos para conocer los datos contractuales de la obra, darle seguimiento y comunicar las irregularidades que identifique.

Hablemos con Transparencia: un escenario que fomenta una conversación abierta y directa de cara a la ciudad en torno a los problemas que afectan su desarrollo.

Feria de la Transparencia: una estrategia que permite a la ciudadanía conocer cómo se invierten los recursos públicos, exponiendo de manera directa los planes de contratación vigentes de la Alcaldía.

Canales virtuales de recepción de denuncias de posibles actos de corrupción, de forma directa o anónima.

Plataformas de Gobierno Abierto: Gestión Abierta y Contratación Abierta."""

CHALLENGES = """Uno de los grandes retos en materia de gobierno abierto es generar apropiación y uso de las herramientas que se diseñen, tanto al interior de la entidad como por parte de sus ciudadanos. Los desafíos que esto representa se traducen en el uso de las TIC para implementar acciones participativas y colaborativas, tanto presenciales como virtuales.

Otro desafío que enfrenta la entidad es modernizar los procesos de atención al ciudadano, a través de la digitalización de estos; los trámites deben ser más transparentes, rápidos y de manera virtual en su totalidad."""

GOALS = """– Transparencia, fortalecimiento institucional y acceso a la información: visibilidad y uso de la información como instrumento para promover y fortalecer la participación ciudadana y el control social.
– Cultura ciudadana anticorrupción: participación, pertenencia y apropiación de lo público.
– Prevención de la corrupción: anticipación de riesgos de corrupción y reinserción."""

CONTRIBUTION = """El plan de acción permite a la Alcaldía Distrital de Cartagena implementar y fortalecer acciones enfocadas en uno de los pilares del Plan de Desarrollo 2020-2023, Cartagena Transparente, que tiene como objetivo visibilizar la información a través de procesos que promuevan la transparencia."""

COORDINATION = """Cada una de las acciones desarrolladas para la elaboración del Plan de Acción de Gobierno Abierto 2023 fue liderada por el Grupo Asesor de Transparencia y Anticorrupción, en coordinación con la Secretaría de Planeación, la Secretaría de Participación, la Escuela de Gobierno y Liderazgo, la Oficina de Cooperación Internacional, la Oficina de Tecnologías de la Información y la Oficina de Comunicaciones. Se decidió contar con mesas de trabajo periódicas que permitan la coordinación interna de actividades y la toma de decisiones respecto al plan de acción."""

CO_CREATION = """La metodología se basó en la co-creación entre el gobierno y la ciudadanía, en dos etapas. En la fase presencial de co-creación participaron ciudadanos de 7 grupos de sectores y poblaciones: sociedad civil organizada; academia; grupos poblacionales (personas mayores, juventudes, mujeres, comunidades étnicas, poblaciones de identidades diversas, personas con discapacidad, migrantes); sector comunal (barrios de las 15 Unidades Comuneras de Gobierno y 3 áreas rurales); y sector político. Se realizaron 23 mesas de trabajo entre septiembre y octubre de 2022 y se recogieron más de 120 propuestas ciudadanas, con el apoyo de Funcicar y del Programa Juntos por la Transparencia de USAID.

En la fase de consulta virtual, durante una semana de noviembre de 2022, la ciudadanía eligió entre 12 iniciativas previamente analizadas y evaluadas, en un micrositio de la Alcaldía. En cada mesa se eligieron democráticamente representantes para el Comité Ciudadano de Seguimiento."""

MONITORING = """Tras la consulta e invitación a varias universidades del país, un equipo de la Escuela de Gobierno de la Universidad de los Andes aceptó actuar como ente de seguimiento independiente, en tres instancias: (1) un informe inicial sobre el grado y la calidad del proceso de co-creación; (2) la evaluación de los compromisos una vez implementados, con un informe final; (3) un ejercicio final de aprendizaje. Sus informes se publican en esta página."""

ENDORSEMENTS = [
    ("Eliana Salas", "Sociedad Civil"),
    ("Eugenia Mier", "Sociedad Civil"),
    ("Odelys Salcedo", "Academia"),
    ("Edilson Bello Ospino", "Academia"),
    ("Kevin Zabaleta", "Grupos de población"),
    ("Diana Guerrero", "Grupos de población"),
    ("Alejandro Vásquez", "Comuna 1"),
    ("Edilberto Licona", "Municipio Comunal 1"),
    ("Victoria Daza", "Municipio Comunal 3"),
    ("Luz Maide Ávila", "Municipio 3"),
    ("Luz Dary Moreno", "Comuna 2"),
    ("Marco Pertuz", "Comuna 2"),
]

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


class Command(BaseCommand):
    help = "Load Cartagena's 2022–2023 OGP Local action plan as demonstration data (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo accounts.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        offices = {
            slug: Institution.objects.update_or_create(
                slug=slug, defaults={"name": name, "short_name": short, "kind": Institution.Kind.GOVERNMENT}
            )[0]
            for slug, name, short in OFFICES
        }
        offices["transparencia"].email = "transparenciayanticorrupcion@cartagena.gov.co"
        offices["transparencia"].save(update_fields=["email"])
        uniandes = Institution.objects.update_or_create(
            slug="uniandes-gobierno",
            defaults={
                "name": "Universidad de los Andes – Escuela de Gobierno Alberto Lleras Camargo",
                "short_name": "Uniandes",
                "kind": Institution.Kind.MONITORING,
            },
        )[0]
        Institution.objects.update_or_create(
            slug="funcicar",
            defaults={"name": "Funcicar", "short_name": "Funcicar", "kind": Institution.Kind.CIVIL_SOCIETY},
        )
        plan, created = ActionPlan.objects.update_or_create(
            slug=PLAN_SLUG,
            defaults={
                "title": "Plan de acción – Cartagena de Indias, Colombia, 2022 – 2023",
                "jurisdiction": "Cartagena de Indias, Colombia",
                "period_start": 2022,
                "period_end": 2023,
                "submitted_on": D(2022, 11, 29),
                "ends_on": D(2023, 12, 31),
                "foreword": FOREWORD,
                "vision": VISION,
                "achievements": ACHIEVEMENTS,
                "challenges": CHALLENGES,
                "goals": GOALS,
                "contribution": CONTRIBUTION,
                "coordination": COORDINATION,
                "co_creation": CO_CREATION,
                "monitoring_body": MONITORING,
                "ogp_url": "https://www.opengovpartnership.org/es/members/cartagena-de-indias-colombia/",
                "microsite_url": "https://www.cartagena.gov.co/transparencia/ogp",
            },
        )
        plan.lead_institutions.set(offices.values())
        if created:
            history.record(plan, actor=None, before=None)

        for order, (name, sector) in enumerate(ENDORSEMENTS):
            Endorsement.objects.update_or_create(plan=plan, name=name, defaults={"sector": sector, "order": order})

        tables = []
        for number, (name, sector, group) in enumerate(TABLES, start=1):
            held = D(2022, 9, 5) + datetime.timedelta(days=2 * (number - 1))
            tables.append(
                WorkingTable.objects.update_or_create(
                    plan=plan,
                    number=number,
                    defaults={
                        "name": name,
                        "sector": sector,
                        "group": group,
                        "held_on": held,
                        "place": "Cartagena de Indias",
                        "is_example": True,
                    },
                )[0]
            )

        c1 = self._commitment(
            plan,
            offices,
            code="COCDI0001",
            order=1,
            title="Fortalecer las Juntas de Acción Comunal en el seguimiento a la contratación pública",
            start=D(2023, 1, 1),
            end=D(2023, 11, 1),
            lead="transparencia",
            supporting=["participacion", "escuela-gobierno"],
            completion=Commitment.Completion.COMPLETE,
            values=("value_access_to_information", "value_civic_participation", "value_public_accountability"),
            description=(
                "Formar y acompañar a las Juntas de Acción Comunal (JAC) para que conozcan, consulten "
                "y vigilen la contratación pública de la Alcaldía en sus barrios."
            ),
        )
        c2 = self._commitment(
            plan,
            offices,
            code="COCDI0002",
            order=2,
            title="#CartagenaCuenta 2023: estrategia de rendición de cuentas",
            start=D(2023, 1, 1),
            end=D(2023, 12, 1),
            lead="transparencia",
            supporting=["comunicaciones", "planeacion", "participacion"],
            completion=Commitment.Completion.SUBSTANTIAL,
            values=(
                "value_access_to_information",
                "value_civic_participation",
                "value_public_accountability",
                "value_technology",
            ),
            description=(
                "Una estrategia de rendición de cuentas permanente durante 2023, con espacios de diálogo "
                "con la ciudadanía y publicación de la información de la gestión."
            ),
        )
        for number, title in enumerate(INITIATIVES, start=1):
            Initiative.objects.update_or_create(
                plan=plan,
                number=number,
                defaults={
                    "title": title,
                    "shortlisted": True,
                    "selected": number == 1,
                    "commitment": c1 if number == 1 else None,
                    "is_example": True,
                },
            )
        participation_demo.load(plan=plan)

        self._milestones(
            c1,
            offices,
            [
                (
                    "Diagnóstico de conocimientos de las JAC sobre contratación pública",
                    D(2023, 1, 15),
                    D(2023, 3, 15),
                    "participacion",
                    Milestone.Status.COMPLETED,
                ),
                (
                    "Ciclo de formación a dignatarios de JAC en SECOP II y control social",
                    D(2023, 3, 15),
                    D(2023, 7, 31),
                    "escuela-gobierno",
                    Milestone.Status.COMPLETED,
                ),
                (
                    "Acompañamiento a veedurías comunales en obras de su territorio",
                    D(2023, 6, 1),
                    D(2023, 10, 31),
                    "transparencia",
                    Milestone.Status.COMPLETED,
                ),
                (
                    "Informe público de resultados",
                    D(2023, 10, 1),
                    D(2023, 11, 30),
                    "transparencia",
                    Milestone.Status.COMPLETED,
                ),
            ],
        )
        self._milestones(
            c2,
            offices,
            [
                (
                    "Diseño de la estrategia #CartagenaCuenta 2023",
                    D(2023, 1, 15),
                    D(2023, 2, 28),
                    "planeacion",
                    Milestone.Status.COMPLETED,
                ),
                (
                    "Diálogos ciudadanos en las tres localidades",
                    D(2023, 3, 1),
                    D(2023, 9, 30),
                    "participacion",
                    Milestone.Status.COMPLETED,
                ),
                (
                    "Audiencia pública de rendición de cuentas",
                    D(2023, 10, 1),
                    D(2023, 11, 30),
                    "comunicaciones",
                    Milestone.Status.IN_PROGRESS,
                ),
                (
                    "Informe de evaluación de la estrategia",
                    D(2023, 11, 1),
                    D(2023, 12, 31),
                    "transparencia",
                    Milestone.Status.NOT_STARTED,
                ),
            ],
        )
        first = c1.milestones.order_by("order").first()
        if first is not None:
            ProgressUpdate.objects.get_or_create(
                milestone=first,
                date=D(2023, 3, 10),
                defaults={
                    "text": "Se aplicó una encuesta de diagnóstico a dignatarios de JAC de las tres localidades.",
                    "evidence_url": "https://www.cartagena.gov.co/transparencia/ogp",
                    "institution": offices["participacion"],
                    "is_example": True,
                },
            )

        start = D(2023, 2, 1)
        for i, (table, sector) in enumerate(
            [
                (tables[0], "Sociedad civil organizada"),
                (tables[1], "Academia"),
                (tables[3], "Juventudes"),
                (tables[9], "Sector comunal"),
            ]
        ):
            CommitteeMember.objects.update_or_create(
                plan=plan,
                name=f"Integrante {i + 1} del comité (ejemplo)",
                defaults={"sector": sector, "working_table": table, "start_date": start, "is_example": True},
            )
        CommitteeMeeting.objects.get_or_create(
            plan=plan,
            date=D(2023, 3, 2),
            defaults={
                "place": "Plaza de la Aduana, Cartagena",
                "is_example": True,
                "summary": "Instalación del Comité Ciudadano de Seguimiento y revisión del cronograma de los compromisos.",
            },
        )

        # Gestión Abierta: an example excerpt of the development plan, linked to COCDI0001/0002.
        development_plan = gestion_demo.load(offices=offices)

        # Public works with their SECOP II contracts, and the Alcaldía's annual procurement plan
        # matched against those contracts (after them).
        contracting_demo.load(offices=offices, users={})
        works_demo.load(offices=offices, users={})
        works = list(Work.objects.filter(name__in=[spec.name for spec in works_demo.WORKS]).order_by("pk"))
        procurement_plan = procurement_demo.load_demo()

        if not options["no_users"] and not settings.PRODUCTION:
            self._users(offices, uniandes)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {plan.title}"))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {development_plan.title}"))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {len(works)} public works; {procurement_plan}"))
        if works:
            self.stdout.write(f"The page behind a work's QR code: {settings.SITE_URL}{works[0].get_absolute_url()}")

    def _commitment(
        self,
        plan: ActionPlan,
        offices: dict[str, Institution],
        *,
        code: str,
        order: int,
        title: str,
        start: datetime.date,
        end: datetime.date,
        lead: str,
        supporting: list[str],
        completion: str,
        values: tuple[str, ...],
        description: str,
    ) -> Commitment:
        defaults: dict[str, Any] = {
            "plan": plan,
            "order": order,
            "title": title,
            "start_month": start,
            "end_month": end,
            "lead_institution": offices[lead],
            "completion": completion,
            "description": description,
            "verifiable": True,
            "potential": Commitment.Potential.SUBSTANTIAL,
        }
        for name in (
            "value_access_to_information",
            "value_civic_participation",
            "value_public_accountability",
            "value_technology",
        ):
            defaults[name] = name in values
        commitment, created = Commitment.objects.get_or_create(code=code, defaults=defaults)
        commitment.supporting_institutions.set([offices[s] for s in supporting])
        if created:
            history.record(commitment, actor=None, before=None)
        return commitment

    def _milestones(
        self,
        commitment: Commitment,
        offices: dict[str, Institution],
        rows: list[tuple[str, datetime.date, datetime.date, str, str]],
    ) -> None:
        for order, (title, start, end, office, status) in enumerate(rows, start=1):
            milestone, created = Milestone.objects.get_or_create(
                commitment=commitment,
                order=order,
                defaults={
                    "title": title,
                    "start_date": start,
                    "end_date": end,
                    "responsible": offices[office],
                    "status": status,
                    "is_example": True,
                },
            )
            if created:
                history.record(milestone, actor=None, before=None)

    def _users(self, offices: dict[str, Institution], uniandes: Institution) -> None:
        password = "abierta-demo-2023"  # noqa: S105 - documented demo password, never in production
        R = User.Role
        people = [
            ("admin@demo.abierta.local", "Ana", "Administradora", R.ADMIN, offices["tic"]),
            ("transparencia@demo.abierta.local", "Tomás", "Transparencia", R.TRANSPARENCY, offices["transparencia"]),
            ("editor@demo.abierta.local", "Elena", "Editora", R.EDITOR, offices["transparencia"]),
            ("monitor@demo.abierta.local", "Mario", "Monitor", R.MONITOR, uniandes),
            ("comite@demo.abierta.local", "Carla", "Comité", R.COMMITTEE, None),
            ("ciudadana@demo.abierta.local", "Camila", "Ciudadana", R.CITIZEN, None),
        ]
        for email, first, last, role, institution in people:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "role": role,
                    "institution": institution,
                    "email_verified": True,
                },
            )
            if created:
                user.set_password(password)
                user.save()
        self.stdout.write(f"Demo accounts ({password}): " + ", ".join(p[0] for p in people))
        receipt = complaints_demo.load(password=password)
        if receipt:
            self.stdout.write(f"Demo complaint: follow it up at /denuncias/seguimiento/ with the receipt {receipt}")
