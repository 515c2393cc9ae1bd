"""The staff home's registry: each app's links function counts once, and empty groups are dropped."""

from __future__ import annotations

from typing import Any

from abierta.core import staffhome
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink


def test_groups_come_in_registration_order_without_empty_ones(monkeypatch: Any) -> None:
    monkeypatch.setattr(staffhome, "_REGISTRY", [])

    def first(user: Any) -> list[StaffGroup]:
        return [StaffGroup("A", (StaffLine((StaffLink("a", "/a/"),)),)), StaffGroup("Empty", ())]

    def second(user: Any) -> list[StaffGroup]:
        return [StaffGroup("B", (StaffLine((StaffLink(f"b for {user}", "/b/"),)),))] if user == "ana" else []

    staffhome.register(first)
    staffhome.register(second)
    staffhome.register(first)
    assert [g.heading for g in staffhome.groups_for("ana")] == ["A", "B"]
    assert [g.heading for g in staffhome.groups_for("bruno")] == ["A"]
