"""Red flags on contracts and processes. (Being written: see docs/decisions/0008.)"""

from __future__ import annotations

from collections.abc import Iterable


def refresh_flags(contract_ids: Iterable[int] | None = None) -> None:
    """Recompute ``Contract.flags`` for these contracts (all when None). Called by the importers."""
    return None
