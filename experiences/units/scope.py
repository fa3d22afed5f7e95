"""Who may see and manage which units: the one scope rule, used by every page and admin list.

A viewer's scope is a list of unit paths (subtree roots); ``None`` means the
whole tree. Only superusers and users granted ``experiences.view_all_units``
have the whole tree; an organiser (组织员) with a unit has that unit's
subtree; everyone else, ``is_staff`` or not, has nothing. Being staff only
opens the admin: it is not a scope. The units pages and admin, and the study
domain's topics, reports and dashboard (study/access.py), all ask here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from experiences.units.models import WHOLE_TREE_PERMISSION, Unit
from experiences.units.roles import ORGANISERS_GROUP

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
    """The subtree roots the user may see and manage; None for the whole tree.

    The whole tree needs superuser or the explicit permission: a moderator,
    editor or former organiser who is still staff gets an empty scope.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser or user.has_perm(WHOLE_TREE_PERMISSION):
        return None
    if user.org_unit_id is None or not is_organiser(user):
        return []
    path = Unit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()
    return [path] if path else []


def scope_q(scope: list[str] | None, prefix: str = "") -> Q:
    """Rows whose unit (``<prefix>path``) lies in the scope; nothing for an empty scope."""
    if scope is None:
        return Q()
    condition = Q(pk__in=[])
    for root in scope:
        condition |= Q(**{f"{prefix}path__startswith": root})
    return condition


def path_within(path: str, scope: list[str] | None) -> bool:
    return scope is None or any(path.startswith(root) for root in scope)


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
