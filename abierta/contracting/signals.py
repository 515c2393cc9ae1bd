"""Signals other apps listen to, so that contracting never imports them."""

from django.dispatch import Signal

# Sent at the end of a contracts import that created or changed contracts, with ``run`` (the
# ``core.ImportRun``). Annual procurement plans match their lines to the new contracts on it.
contracts_imported = Signal()
