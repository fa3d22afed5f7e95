"""Viewer state versions: what shared pages know of a viewer, besides the content version.

A signed-in page shared by colleagues (core/shared_pages.py) keeps, per viewer and page,
whether the page is theirs to share and their bits (点赞, 已学, 收藏). Those depend on
rows no page shows to everyone — a draft, a 已学 mark, a group, a 学习专题, a unit — so
their writes bump a *state version*: the viewer's own, or everyone's. Each service that
writes such a row calls ``viewer_state_changed`` in the open; a receiver remains only
for Django's groups and permissions (``apps.py``). This module knows no domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from experiences.core.caching import counter_bump, counter_value

# Everyone's: groups' permissions, 学习专题, the unit tree.
VIEWER_STATE_ALL = "viewer-state:all"


def viewer_state_key(user_id: object) -> str:
    return f"viewer-state:{user_id}"


def viewer_state_changed(*, user_ids: Iterable[object] | None = None) -> None:
    """Forget what is known about these viewers (``None``: every viewer) on every page.

    Now, and again once the transaction commits: a request that looked between the
    two kept what it saw under a state version already gone.
    """
    keys = [VIEWER_STATE_ALL] if user_ids is None else [viewer_state_key(u) for u in user_ids]

    def bump() -> None:
        for key in keys:
            counter_bump(key)

    bump()
    transaction.on_commit(bump)


def viewer_state_receiver(sender: Any, **kwargs: Any) -> None:
    """Receiver for Django's auth models, written by Django's admin (connected in apps.py).

    A user's groups or permissions: that user (the instance told by m2m_changed); a
    group, a permission or a group's members: every viewer.
    """
    if not kwargs.get("action", "post").startswith("post"):  # m2m: once, after the change
        return
    instance = kwargs.get("instance")
    user_model = get_user_model()
    if isinstance(instance, user_model) and not kwargs.get("reverse", False):
        viewer_state_changed(user_ids=[instance.pk])
    else:
        viewer_state_changed()


def viewer_state_keys(viewer_id: object) -> list[str]:
    """The keys ``viewer_stamp`` reads, to be fetched with the caller's own in one round trip."""
    return [viewer_state_key(viewer_id), VIEWER_STATE_ALL]


def viewer_stamp(got: dict[str, Any], viewer_id: object) -> tuple[object, object, int]:
    """(the viewer's state version, everyone's, the day) from ``got`` (the keys above)."""
    return (
        counter_value(viewer_state_key(viewer_id), got.get(viewer_state_key(viewer_id))),
        counter_value(VIEWER_STATE_ALL, got.get(VIEWER_STATE_ALL)),
        # Topics open and close with the day.
        timezone.localdate().toordinal(),
    )
