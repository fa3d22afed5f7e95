"""Signals of the tagging domain, for the domains that keep state derived from tags."""

from django.dispatch import Signal

# Sent after tags were merged into ``target``: ``source_names`` (gone),
# ``tagged`` ((content type id, object id) of every item touched), ``moderator``.
tags_merged = Signal()
