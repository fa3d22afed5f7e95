"""Signals the flags domain sends, for other domains (notifications) to hear.

``flag_resolved``: sent with ``sender=Flag``, ``flag=<Flag>`` and ``outcome=<one of
Flag.Outcome: "kept", "removed" or "deleted">`` once for every open flag that a
moderator's review ("kept": the item stays; "removed": it was rejected) or the
item's deletion ("deleted") closes, so each reader who flagged learns the outcome.
It is sent inside the resolving transaction; a receiver that sends mail should
queue it with ``transaction.on_commit``. Until notifications exist, readers see the
outcome on 我的举报 (/flags/).
"""

from django.dispatch import Signal

flag_resolved = Signal()
