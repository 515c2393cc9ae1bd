"""The staff home ("Gestión"): every app contributes the links its staff may follow there.

An app registers, in its ``AppConfig.ready()``, a function of its ``access.py`` that decides with
the app's predicates which groups of links a user gets::

    from abierta.core import staffhome

    staffhome.register(access.staff_links)

The staff home (abierta/site/staff.py) shows every app's groups, in the order the apps are
installed. A template never asks for a role: a link is there because a predicate allowed it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StaffLink:
    text: str
    url: str
    hidden: str = ""  # read out after the text by screen readers, to tell repeated links apart
    note: str = ""  # plain text shown after the link


@dataclass(frozen=True)
class StaffLine:
    """One line of a group: an optional label, then its links separated by a middle dot."""

    links: tuple[StaffLink, ...]
    label: str = ""


@dataclass(frozen=True)
class StaffGroup:
    """A heading (none when empty) and its lines."""

    heading: str
    lines: tuple[StaffLine, ...]


StaffLinks = Callable[[Any], Sequence[StaffGroup]]

_REGISTRY: list[StaffLinks] = []


def register(links: StaffLinks) -> StaffLinks:
    """Add an app's links function (idempotent: a function registered twice counts once)."""
    if links not in _REGISTRY:
        _REGISTRY.append(links)
    return links


def groups_for(user: Any) -> list[StaffGroup]:
    """Every registered app's groups for this user, without the empty ones."""
    return [group for links in _REGISTRY for group in links(user) if group.lines]


# ---------------------------------------------------------------- what needs the user (the to-do list)


@dataclass(frozen=True)
class Todo:
    """One kind of pending work and how many wait: "3 comments to review". ``text`` is a full
    sentence with the count in it (ngettext), ``urgent`` marks what is past a legal or published
    date (shown first, with a warning), ``kind`` groups items (``moderation`` for the moderation
    page's list of everything that waits)."""

    text: str
    count: int
    url: str
    urgent: bool = False
    kind: str = ""


StaffTodos = Callable[[Any], Sequence[Todo]]

_TODOS: list[StaffTodos] = []


def register_todos(todos: StaffTodos) -> StaffTodos:
    """Add an app's to-do function (idempotent). It is called on every visit of the staff home, so
    it counts with a bounded number of queries (``COUNT``), never by loading rows."""
    if todos not in _TODOS:
        _TODOS.append(todos)
    return todos


def todos_for(user: Any, kind: str | None = None) -> list[Todo]:
    """What waits for this user, urgent first, only what has a count; of one ``kind`` when given."""
    found = [t for todos in _TODOS for t in todos(user) if t.count > 0 and (kind is None or t.kind == kind)]
    return sorted(found, key=lambda t: not t.urgent)
