"""One form per mailbox, for limits that count what reaches a person rather than what was typed."""

from __future__ import annotations

GMAIL_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(email: str) -> str:
    """``Ana.Perez+obra@GoogleMail.com`` is ``anaperez@gmail.com``.

    An address is lower-cased and loses its ``+tag`` (plus-addressing delivers every tag to one
    mailbox at Gmail, Outlook, Proton, Fastmail and others); at Gmail dots do not count either. Only
    for counting: mail still goes to the address as typed.
    """
    value = email.strip().lower()
    local, _at, domain = value.rpartition("@")
    if not _at:
        return value
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        domain = GMAIL_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
