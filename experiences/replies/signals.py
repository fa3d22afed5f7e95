"""Signals the replies domain sends, for other domains (notifications) to hear.

``reply_published``: sent with ``sender=Reply`` and ``reply=<Reply>`` whenever a
reply becomes visible to everyone: when it is created by a trusted author (published
at once) and when a moderator approves a pending one. It is sent inside the writing
transaction, so whatever a receiver stores commits or rolls back with the reply;
a receiver that sends mail should queue it with ``transaction.on_commit``.
Not sent for edits, nor when a reply hidden by 举报 is kept by a moderator (it
was visible before).
"""

from django.dispatch import Signal

reply_published = Signal()
