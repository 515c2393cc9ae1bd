"""Every phase × role rule of the co-creation, one predicate at a time (access.py).

The process is put in each phase by placing ``now`` between its dates; each persona is a real
account signed in as the real login would (staff with a verified second factor).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.participation import access
from abierta.participation.models import Consultation, DialogueSession, PollingTable, Process
from factories import World, make_user

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2022, 9, 1, tzinfo=datetime.UTC)
PHASE_NOW: dict[str, datetime.datetime] = {
    Process.Phase.BEFORE: T0 - datetime.timedelta(days=1),
    Process.Phase.TABLES: T0 + datetime.timedelta(days=5),
    Process.Phase.ANALYSIS: T0 + datetime.timedelta(days=35),
    Process.Phase.CONSULTATION: T0 + datetime.timedelta(days=63),
    Process.Phase.RESULTS: T0 + datetime.timedelta(days=90),
}
PHASES = list(PHASE_NOW)
ROLES = ["anonymous", "unverified", "citizen", "editor", "transparency", "monitor", "committee", "admin", "no2fa"]


@pytest.fixture
def process(world: World) -> Process:
    return Process.objects.create(
        plan=world.plan,
        title="Co-creación",
        tables_from=T0,
        analysis_from=T0 + datetime.timedelta(days=30),
        consultation_from=T0 + datetime.timedelta(days=60),
        results_from=T0 + datetime.timedelta(days=67),
    )


@pytest.fixture
def consultation(process: Process) -> Consultation:
    return Consultation.objects.create(
        process=process,
        question="¿Qué iniciativa prefiere?",
        opens_at=process.consultation_from,
        closes_at=process.results_from,
    )


@pytest.fixture
def persona(world: World) -> Callable[[str], Any]:
    """The user object a view would see as ``request.user`` for each role."""

    def make(role: str) -> Any:
        if role == "anonymous":
            return AnonymousUser()
        if role == "unverified":
            return make_user("sinconfirmar@example.org", verified_email=False)
        if role == "no2fa":
            return make_user("sin2fa@example.org", User.Role.TRANSPARENCY, world.own_office)
        user = make_user(f"{role}@example.org", role if role != "editor" else User.Role.EDITOR, world.own_office)
        if user.is_staff_role:
            device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
            # What django_otp's middleware sets once the second factor is verified.
            setattr(user, "otp_device", device)  # noqa: B010
            setattr(user, "is_verified", lambda: True)  # noqa: B010
        else:
            setattr(user, "is_verified", lambda: False)  # noqa: B010
        return user

    return make


def _expect(rule: dict[str, set[str]], role: str, phase: str) -> bool:
    return phase in rule.get(role, set())


EVERYONE_VERIFIED = {"citizen", "editor", "transparency", "monitor", "committee", "admin", "no2fa"}
ORGANISERS = {"editor", "transparency", "admin"}
ALL_PHASES: set[str] = set(PHASES)


def _rule(roles: set[str], phases: set[str]) -> dict[str, set[str]]:
    return dict.fromkeys(roles, phases)


CASES: list[tuple[str, Callable[..., bool], dict[str, set[str]]]] = [
    ("may_propose", access.may_propose, _rule(EVERYONE_VERIFIED, {"tables"})),
    ("may_support_proposal", access.may_support_proposal, _rule(EVERYONE_VERIFIED, {"tables", "analysis"})),
    ("may_manage_tables", access.may_manage_tables, _rule(ORGANISERS, ALL_PHASES - {"results"})),
    ("may_transcribe", access.may_transcribe, _rule(ORGANISERS, {"tables", "analysis"})),
    ("may_evaluate", access.may_evaluate, _rule({"editor", "transparency"}, {"analysis"})),
    ("may_decide", access.may_decide, _rule({"transparency"}, {"analysis"})),
    ("may_adopt_winner", access.may_adopt_winner, _rule({"transparency"}, {"results"})),
    ("may_record_election", access.may_record_election, _rule(ORGANISERS, ALL_PHASES - {"before"})),
]


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "predicate", "rule"), CASES, ids=[c[0] for c in CASES])
def test_process_rules(
    name: str,
    predicate: Callable[..., bool],
    rule: dict[str, set[str]],
    role: str,
    phase: str,
    process: Process,
    persona: Callable[[str], Any],
) -> None:
    assert predicate(persona(role), process, PHASE_NOW[phase]) is _expect(rule, role, phase), (name, role, phase)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_consultation_rules(role: str, phase: str, consultation: Consultation, persona: Callable[[str], Any]) -> None:
    user = persona(role)
    now = PHASE_NOW[phase]
    voting = phase == "consultation"
    # Anyone votes on the web while it is open: identity comes from the document and a code, not an account.
    assert access.may_vote(consultation, now) is voting
    # In-person entry: only a facilitator assigned to a table (an organiser's role is not enough).
    assert access.may_enter_table_votes(user, consultation, now) is False
    table = PollingTable.objects.create(consultation=consultation, number=1, place="Colegio")
    if isinstance(user, User):
        table.facilitators.add(user)
    staff = role in {"editor", "transparency", "monitor", "committee", "admin"}
    assert access.may_enter_table_votes(user, consultation, now) is (voting and staff)
    assert access.may_enter_at_table(user, table, now) is (voting and staff)
    assert access.may_see_results(consultation, now) is (phase == "results")
    # The identity of voters (level, voter roll): transparency and admin with their second factor;
    # the roll until the close, the level only before the opening.
    managers = role in {"transparency", "admin"}
    assert access.may_manage_voter_identity(user, consultation, now) is (managers and phase != "results")
    assert access.may_change_assurance(user, consultation, now) is (
        managers and phase in {"before", "tables", "analysis"}
    )
    closed = phase == "results"
    opened = phase in {"consultation", "results"}
    assert access.may_manage_polling_tables(user, consultation, now) is (
        not closed and role in {"transparency", "admin"}
    )
    assert access.may_record_tally_sheets(user, consultation, now) is (opened and role in {"transparency", "admin"})


@pytest.mark.parametrize("open_", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_dialogue_rules(role: str, open_: bool, world: World, persona: Callable[[str], Any]) -> None:
    session = DialogueSession.objects.create(
        slug="sesion", topic="Contratación", starts_at=timezone.now(), questions_open=open_
    )
    user = persona(role)
    assert access.may_ask(session) is open_
    assert access.may_support_question(user, session) is (open_ and role in EVERYONE_VERIFIED)
    assert access.may_moderate(user) is (role == "transparency")


def test_phase_boundaries_are_half_open(process: Process) -> None:
    assert process.phase(process.tables_from - datetime.timedelta(microseconds=1)) == "before"
    assert process.phase(process.tables_from) == "tables"
    assert process.phase(process.analysis_from) == "analysis"
    assert process.phase(process.consultation_from) == "consultation"
    assert process.phase(process.results_from) == "results"


def test_the_request_user_of_a_real_staff_session_gets_staff_rights(
    persona_client: Callable[[str], Any], process: Process
) -> None:
    """The persona fixture above mirrors the real middleware: check it against a real session."""
    client = persona_client("transparency")
    response = client.get("/")
    request = RequestFactory().get("/")
    request.user = response.wsgi_request.user
    assert access.may_decide(request.user, process, PHASE_NOW["analysis"])
