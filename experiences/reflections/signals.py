"""Signals of the reflections domain, for domains that react to what happens to a reflection.

Notifications (and whatever comes later) listen here, so reflections never import them.
"""

from django.dispatch import Signal

# Sent inside the moderating transaction after a moderator approved (``approved=True``)
# or rejected (``approved=False``, ``reason``) ``reflection``; ``moderator`` may be None.
reflection_moderated = Signal()

# Sent inside the liking transaction when ``user`` newly liked ``reflection``.
reflection_liked = Signal()
