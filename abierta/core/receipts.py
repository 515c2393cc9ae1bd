"""Receipts: the codes a person keeps to come back anonymously (a complaint, a consultation ballot).

A receipt is 16 symbols of Crockford's base32 in four groups, e.g. ``K7QM-2XRT-9HCF-W3PD``: 80 bits
from the OS's CSPRNG, no I, L, O or U, so it cannot be misread or spell words.
"""

from __future__ import annotations

import secrets

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LEN = 4
RECEIPT_LENGTH = RECEIPT_GROUPS * RECEIPT_GROUP_LEN
# 16 symbols of 32 = 80 bits of entropy.
RECEIPT_BITS = RECEIPT_LENGTH * 5

_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_receipt() -> str:
    """A fresh receipt, e.g. ``K7QM-2XRT-9HCF-W3PD`` (80 bits from the OS's CSPRNG)."""
    symbols = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(symbols[i : i + RECEIPT_GROUP_LEN] for i in range(0, RECEIPT_LENGTH, RECEIPT_GROUP_LEN))


def normalize_receipt(typed: str) -> str | None:
    """The receipt as issued, from what a person typed (any case, spaces or dashes, O for 0), or None."""
    compact = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(compact) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in compact):
        return None
    return "-".join(compact[i : i + RECEIPT_GROUP_LEN] for i in range(0, RECEIPT_LENGTH, RECEIPT_GROUP_LEN))
