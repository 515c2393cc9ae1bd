"""The demonstration's offices: the seven of Cartagena's 2022–2023 action plan, its independent
monitoring body and a civil society organisation. Idempotent.

``abierta demo`` (abierta/site/management/commands/demo.py) creates them first and passes them to
every app's ``demo.load(offices=..., users=...)``, keyed by slug.
"""

from __future__ import annotations

from abierta.core.models import Institution

# The offices that lead the action plan: (slug, name, short name).
OFFICES = [
    ("transparencia", "Grupo Asesor de Transparencia y Anticorrupción", "Transparencia"),
    ("tic", "Oficina Asesora de Informática y Tecnologías de la Información", "Oficina TI"),
    ("cooperacion", "Oficina de Cooperación Internacional", "Cooperación Internacional"),
    ("comunicaciones", "Oficina Asesora de Comunicaciones", "Comunicaciones"),
    ("participacion", "Secretaría de Participación y Desarrollo Social", "Participación"),
    ("planeacion", "Secretaría de Planeación", "Planeación"),
    ("escuela-gobierno", "Escuela de Gobierno y Liderazgo", "Escuela de Gobierno"),
]
# Bodies outside the Alcaldía that take part: (slug, name, short name, kind).
OTHERS = [
    (
        "uniandes-gobierno",
        "Universidad de los Andes – Escuela de Gobierno Alberto Lleras Camargo",
        "Uniandes",
        Institution.Kind.MONITORING,
    ),
    ("funcicar", "Funcicar", "Funcicar", Institution.Kind.CIVIL_SOCIETY),
]


def offices() -> dict[str, Institution]:
    """Create or update the demo's offices and bodies; returns them by slug."""
    found = {
        slug: Institution.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "kind": Institution.Kind.GOVERNMENT}
        )[0]
        for slug, name, short in OFFICES
    }
    found["transparencia"].email = "transparenciayanticorrupcion@cartagena.gov.co"
    found["transparencia"].save(update_fields=["email"])
    for slug, name, short, kind in OTHERS:
        found[slug] = Institution.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "kind": kind}
        )[0]
    return found
