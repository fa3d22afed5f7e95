"""Which 学习专题 a viewer may open and change, and who may use the dashboard.

Built on the units' scope rule (units/scope.py: a viewer's subtree roots, ``None``
for the whole tree), used by every study page, export and admin list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

from experiences.study.models import StudyTopic
from experiences.units.models import WHOLE_TREE_PERMISSION
from experiences.units.roles import ORGANISERS_GROUP
from experiences.units.scope import path_within, scope_q, viewer_scope

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from experiences.accounts.models import User


def may_use_dashboard(user: User | AnonymousUser) -> bool:
    """Whether viewer_scope is not []: an organiser with a unit, or the whole tree.

    Every home page asks, so it is one query rather than the organiser check plus
    the two of loading the user's permissions; the permission is looked up as
    ModelBackend (the only backend granting permissions) would.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, codename = WHOLE_TREE_PERMISSION.split(".")
    granted = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    organiser = Q(groups__name=ORGANISERS_GROUP, org_unit__isnull=False)
    return get_user_model().objects.filter(granted | organiser, pk=user.pk).exists()


def topics_visible(user: User | AnonymousUser, scope: list[str] | None) -> QuerySet[StudyTopic]:
    """Topics whose pages (report, exports, admin) the user may open, given their ``scope``.

    Whole tree: every topic. Organisers: the topics they organise or created,
    and those organised by someone in their subtree. Nobody else: none.
    """
    topics = StudyTopic.objects.all()
    if scope is None:
        return topics
    if not scope:
        return topics.none()
    mine = Q(organisers=user) | Q(created_by=user) | scope_q(scope, "organisers__org_unit__")
    return topics.filter(pk__in=StudyTopic.objects.filter(mine).values("pk"))


def topic_visible_to(topic: StudyTopic, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    scope = viewer_scope(user)
    return scope is None or topics_visible(user, scope).filter(pk=topic.pk).exists()


def topic_editable_with(target_paths: Iterable[str], scope: list[str] | None) -> bool:
    """Whether a viewer with ``scope`` may change a topic with these targets.

    Only when the scope covers every target: an organiser of one 乡镇 must not
    rename, narrow or take over a topic the county (or another town) set.
    """
    if scope is None:
        return True
    paths = list(target_paths)
    return bool(scope) and all(path_within(path, scope) for path in paths)
