"""The demonstration contracts: through the real SECOP II mapping, with their red flags."""

from __future__ import annotations

import pytest

from abierta.contracting import demo
from abierta.contracting.models import Contract

pytestmark = pytest.mark.django_db


def test_demo_contracts_come_through_the_secop_mapping() -> None:
    demo.load(offices={}, users={})
    contract = Contract.objects.get(ocid="ocds-k50g02-CO1.PCCNTR.6011201")
    assert contract.source == Contract.Source.SECOP2
    assert contract.buyer_nit == "890480184"
    assert contract.supplier_name == "Consorcio Vías Olaya 2024"
    assert contract.supplier_doc == "901802331"
    assert contract.value == 7_820_000_000
    assert contract.paid == 3_128_000_000
    assert contract.title.endswith("(ejemplo)")
    assert contract.release["parties"][0]["id"] == "CO-NIT-890480184"
    # An addition of 4,400 of 7,150 million (over 50 %) raises the red flag on additions.
    bazurto = Contract.objects.get(ocid="ocds-k50g02-CO1.PCCNTR.6400731")
    assert bazurto.value_added == 4_400_000_000
    assert bazurto.original_value == 7_150_000_000
    assert bazurto.flags, "the addition beyond 50 % should raise a red flag"
