"""Receipts: random, 80 bits, forgiving when typed back."""

from __future__ import annotations

import math

from abierta.core import receipts


def test_receipt_has_at_least_80_bits_and_reads_easily() -> None:
    receipt = receipts.new_receipt()
    groups = receipt.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert len(set(receipts.RECEIPT_ALPHABET)) == 32
    assert math.log2(len(receipts.RECEIPT_ALPHABET)) * receipts.RECEIPT_LENGTH >= 80
    assert receipts.RECEIPT_BITS >= 80
    assert not set("ILOU") & set(receipts.RECEIPT_ALPHABET)
    # Random: a thousand receipts are a thousand different ones.
    assert len({receipts.new_receipt() for _ in range(1000)}) == 1000


def test_normalize_receipt_forgives_case_spaces_and_confusable_letters() -> None:
    receipt = "K7QM-2XRT-9HCF-W3PD"
    assert receipts.normalize_receipt("k7qm 2xrt 9hcf w3pd") == receipt
    assert receipts.normalize_receipt("K7QM2XRT9HCFW3PD") == receipt
    assert receipts.normalize_receipt("K7QM-2XRT-9HCF-W3PDX") is None
    assert receipts.normalize_receipt("K7QM-2XRT-9HCF-W3P") is None
    assert receipts.normalize_receipt("") is None
    assert receipts.normalize_receipt("oooo-iiii-llll-0000") == "0000-1111-1111-0000"
