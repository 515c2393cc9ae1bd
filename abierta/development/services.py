"""Operations on Gestión Abierta. Forms validate; these write atomically and keep the public history."""

from __future__ import annotations

from django.db import transaction

from abierta.accounts.models import User
from abierta.core import history
from abierta.development.models import Measurement


@transaction.atomic
def measurement_record(*, measurement: Measurement, actor: User) -> Measurement:
    """Save a new measurement (filled in by its form) and write it in the goal's public history."""
    measurement.created_by = actor
    measurement.save()
    history.record(measurement, actor=actor, before=None)
    return measurement
