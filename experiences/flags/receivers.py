"""Signal receivers of the flags domain: a deleted item closes its open flags.

Authors delete through views, moderators through the admin, and a reflection's
deletion cascades to its replies; listening for the deletion itself covers every
path, so no reader waits forever on 我的举报 for an item that no longer exists.
"""

from django.db.models.signals import pre_delete

from experiences.flags.services import flags_item_deleted
from experiences.reflections.models import Reflection
from experiences.replies.models import Reply


def item_deleting(sender, instance, **kwargs) -> None:
    # No sender filter: the admin's queue deletes through proxy models.
    if isinstance(instance, (Reflection, Reply)) and instance.pk is not None:
        flags_item_deleted(item=instance)


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    pre_delete.connect(item_deleting, dispatch_uid="flags-item-deleting")
