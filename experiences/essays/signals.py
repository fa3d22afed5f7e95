"""Signals of the essays domain, for the domains above it that keep state derived from essays.

Sent where essays cannot call them in the open: search sits above essays (it
indexes their text), so the importer announces its writes and search listens
(search/receivers.py).
"""

from django.dispatch import Signal

# Sent after ``essay_import`` stored a changed essay (its principles, quotations and
# readings written in bulk, without their models' save signals): ``essay``.
essay_imported = Signal()
