"""Signal receivers of the reflections domain: the moderation log hears of tag merges,
and signing in completes a visitor's 点赞.

Tags are their own domain and know nothing of the log; merging is a moderator's
act, so it is logged here when the tagging domain announces it. A visitor who taps
点赞 is sent to the login page; whichever way they then sign in (login, sign-up),
Django announces it with ``user_logged_in``, so the 点赞 is completed here. Drafts'
autosave asks whether a form was posted already: reflections answer (drafts sit below).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _

from experiences.drafts.services import posted_check_register
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import moderation_log
from experiences.reflections.services import LIKE_AFTER_LOGIN, OwnLikeRefused, like_after_login
from experiences.tagging.signals import tags_merged


def tags_were_merged(sender, target, source_names, moderator=None, **kwargs) -> None:
    if moderator is None:
        return
    moderation_log(
        actor=moderator,
        action=ModerationLog.Action.MERGE_TAGS,
        subject=f"标签 {'、'.join(source_names)} → {target.name}",
    )


def like_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    try:
        reflection = like_after_login(
            user=user, reflection_id=request.session.pop(LIKE_AFTER_LOGIN, None)
        )
    except OwnLikeRefused:
        messages.info(request, _("这条心得是你自己写的\uff0c不能给自己点赞。"))
        return
    if reflection is not None:
        messages.success(
            request,
            _("已为\u201c%(title)s\u201d点赞。") % {"title": reflection.display_title},
        )


def reflection_was_posted(author_id: int, token: uuid.UUID) -> bool:
    """For drafts' autosave (drafts/services.py): a form posted already keeps no draft."""
    return Reflection.objects.filter(author_id=author_id, submission_token=token).exists()


def receivers_connect() -> None:
    """Called once from the app's ``ready``."""
    posted_check_register(reflection_was_posted)
    user_logged_in.connect(like_on_login, dispatch_uid="reflections-like-on-login")
    tags_merged.connect(tags_were_merged, dispatch_uid="reflections-log-tags-merged")
