"""Viewer state versions: what shared pages know of a viewer, besides the content version.

A signed-in page shared by colleagues (core/shared_pages.py) keeps, per viewer and page,
whether the page is theirs to share and their bits (点赞, 已学, 收藏). Those depend on
rows no page shows to everyone — a draft, a 已学 mark, a group, a 学习专题, a unit — so
their writes bump a *state version*: the viewer's own, or everyone's. Which models do is
declared in ``apps.py`` (``viewer_state_from``), as ``caching.pages_show`` declares what
bumps the content version; this module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
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


# Model -> the viewer a row belongs to (None: it concerns every viewer); apps.py fills it.
_state_sources: dict[type[Model], Callable[[Model], object] | None] = {}


def viewer_state_from(model: type[Model], viewer: Callable[[Any], object] | None) -> None:
    """Declare that rows of ``model`` change what is known about ``viewer(row)`` (or all)."""
    _state_sources[model] = viewer


def viewer_state_receiver(sender: Any, **kwargs: Any) -> None:
    """post_save, post_delete and m2m_changed receiver for the models declared above.

    An m2m change is told by the instance whose relation changed (a user's groups:
    that user; a group's members or permissions, a topic's units: everyone).
    """
    instance = kwargs.get("instance")
    if instance is None or getattr(instance, "_meta", None) is None:
        return
    concrete = instance._meta.concrete_model
    if concrete not in _state_sources:
        return
    if not kwargs.get("action", "post").startswith("post"):  # m2m: once, after the change
        return
    viewer = _state_sources[concrete]
    viewer_state_changed(user_ids=None if viewer is None else [viewer(instance)])


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
