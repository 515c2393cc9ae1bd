"""Schemathesis checks the JSON API against its own OpenAPI document (/api/v1/openapi.json).

Every operation is called with generated parameters (valid and invalid) against the demonstration
data (``abierta demo``) plus a monitoring report and an unpublished plan; every response must be
free of server errors and match the document: status code declared, content type declared, body
valid against the response schema. The data is loaded once for the module, in a transaction rolled
back at the end, so the rest of the test run never sees it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from abierta.core.models import Institution
from abierta.plans.models import ActionPlan, Commitment, MonitoringReport

# The mark also makes pytest-django create the test database when this module runs alone.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _extra_data() -> None:
    """What the demo lacks: a monitoring report (with a file) and an unpublished plan with objects."""
    monitor = Institution.objects.create(name="Monitor API", slug="monitor-api", kind=Institution.Kind.MONITORING)
    commitment = Commitment.objects.filter(plan__is_published=True).select_related("plan").first()
    assert commitment is not None
    MonitoringReport.objects.create(
        plan=commitment.plan,
        kind=MonitoringReport.Kind.COMMITMENT,
        commitment=commitment,
        title="Evaluación",
        published_on=datetime.date(2025, 1, 31),
        file="reports/evaluacion.pdf",
        institution=monitor,
    )
    hidden = ActionPlan.objects.create(
        slug="oculto", title="Oculto", jurisdiction="X", period_start=2024, period_end=2025, is_published=False
    )
    MonitoringReport.objects.create(
        plan=hidden,
        kind=MonitoringReport.Kind.INITIAL,
        title="Oculto",
        published_on=datetime.date(2025, 1, 31),
        file="reports/oculto.pdf",
        institution=monitor,
    )


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    # The real WSGI handler closes the connection after each request (Django's test Client does
    # not); closing it would end the transaction that holds the data (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
            call_command("demo", "--no-users", stdout=io.StringIO())
            _extra_data()
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case[Any], demo_data: None) -> None:
    """call_and_validate() fails the test on any check (status code and content type declared,
    body valid against the schema, no server error); no server error is also asserted on its own."""
    response = case.call_and_validate()
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
