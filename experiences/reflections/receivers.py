"""Signal receivers of the reflections domain: the moderation log hears of tag merges.

Tags are their own domain and know nothing of the log; merging is a moderator's
act, so it is logged here when the tagging domain announces it.
"""

from experiences.reflections.models import ModerationLog
from experiences.reflections.moderation import moderation_log
from experiences.tagging.signals import tags_merged


def tags_were_merged(sender, target, source_names, moderator=None, **kwargs) -> None:
    if moderator is None:
        return
    moderation_log(
        actor=moderator,
        action=ModerationLog.Action.MERGE_TAGS,
        subject=f"标签 {'、'.join(source_names)} → {target.name}",
    )


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    tags_merged.connect(tags_were_merged, dispatch_uid="reflections-log-tags-merged")
