"""Public statistics (placeholder until it lands)."""

from abierta.complaints.views import _missing

public_stats = _missing
