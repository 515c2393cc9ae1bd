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
