"""What counts as one mailbox for the limits on mail (S3)."""

from __future__ import annotations

import pytest

from abierta.core.mailboxes import mailbox_key


@pytest.mark.parametrize(
    ("typed", "mailbox"),
    [
        (" V.Ictim+obra@GoogleMail.com ", "victim@gmail.com"),
        ("victim+1@gmail.com", "victim@gmail.com"),
        ("ana.perez+x@example.org", "ana.perez@example.org"),
        ("Ana@Example.ORG", "ana@example.org"),
        ("sin-arroba", "sin-arroba"),
    ],
)
def test_mailbox_key(typed: str, mailbox: str) -> None:
    """S3: +tags go everywhere, Gmail dots and googlemail.com too; other dots stay."""
    assert mailbox_key(typed) == mailbox
