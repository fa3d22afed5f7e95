"""Who may see what in 学习专题: organisers see their own subtree, other staff everything.

A viewer's scope is a list of unit paths (subtree roots); ``None`` means the
whole tree (staff). An organiser without a unit sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from experiences.study.models import ORGANISERS_GROUP, StudyTopic
from experiences.units.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from experiences.accounts.models import User

STEP = Unit.steplen


def is_organiser(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=ORGANISERS_GROUP).exists()
    )


def viewer_scope(user: User | AnonymousUser) -> list[str] | None:
    """The subtree roots the viewer may see; None for the whole tree.

    Superusers and staff who are not organisers see everything. An organiser
    stays scoped to their subtree even when made staff to use the admin.
    """
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    organiser = is_organiser(user)
    if user.is_staff and not organiser:
        return None
    if not organiser or user.org_unit_id is None:
        return []
    unit = Unit.objects.only("path").get(pk=user.org_unit_id)
    return [unit.path]


def may_use_dashboard(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_staff or is_organiser(user)))


def topic_visible_to(topic: StudyTopic, user: User | AnonymousUser) -> bool:
    """Staff, the topic's organisers, and organisers above one of them in the tree."""
    if not user.is_authenticated or not user.is_active:
        return False
    scope = viewer_scope(user)
    if scope is None:
        return True
    if topic.organisers.filter(pk=user.pk).exists():
        return True
    return bool(scope) and topic.organisers.filter(org_unit__path__startswith=scope[0]).exists()


def roots_dedupe(paths: list[str]) -> list[str]:
    """Drop every path inside another one: overlapping targets are counted once."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return kept


def roots_within(targets: list[str], scope: list[str] | None) -> list[str]:
    """The parts of the target subtrees that lie inside the viewer's scope."""
    targets = roots_dedupe(targets)
    if scope is None:
        return targets
    found = []
    for target in targets:
        for root in scope:
            if target.startswith(root):
                found.append(target)
            elif root.startswith(target):
                found.append(root)
    return roots_dedupe(found)


def ancestor_paths(path: str) -> list[str]:
    """The path of the unit and of every unit above it."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]
