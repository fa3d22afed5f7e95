"""The admin site, arranged by task rather than by app.

Django lists models per app in code-point order: one app (心得知识库) of some twenty
models, then 组, 标签 and 登录限制. An office works by task, so the index (and the
sidebar of every admin page) groups them: 审核, 学习专题, 内容, 同事与单位, 系统, with
the moderation queues' pending counts on the index. Whatever a role cannot use is
left out, as Django leaves out models without a view permission: a group with no
model the viewer may open is not shown at all.

Installed in place of ``django.contrib.admin`` (``KbAdminConfig`` in settings), so
every ``@admin.register`` lands here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.template.response import TemplateResponse

# (key, heading, models as "app_label.ObjectName"), in the order the index shows them.
TASKS: list[tuple[str, Any, list[str]]] = [
    (
        "review",
        _("审核"),
        [
            "experiences.PendingReflection",
            "experiences.PendingReply",
            "experiences.FlaggedReflection",
            "experiences.FlaggedReply",
            "experiences.Flag",
            "experiences.ModerationLog",
        ],
    ),
    ("study", _("学习专题"), ["experiences.StudyTopic", "experiences.StudyReminderRequest"]),
    (
        "content",
        _("内容"),
        [
            "experiences.Reflection",
            "experiences.Reply",
            "experiences.Essay",
            "experiences.Principle",
            "experiences.Quotation",
            "taggit.Tag",
        ],
    ),
    ("people", _("同事与单位"), ["experiences.User", "experiences.Unit", "auth.Group"]),
    # Everything else lands here (drafts, notifications, dead letters, login limits).
    ("system", _("系统"), []),
]


class KbAdminSite(admin.AdminSite):
    site_header = _("基层心得知识库 · 管理")
    site_title = _("基层心得知识库")
    index_title = _("管理首页")
    # An empty cell said "-", which read as a value. (Lazy: translated when shown.)
    empty_value_display = _("未填")  # type: ignore[assignment]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        if app_label is not None:
            return super().get_app_list(request, app_label)
        models = [
            model for app in self._build_app_dict(request).values() for model in app["models"]
        ]
        placed = {name: key for key, _heading, names in TASKS for name in names}
        order = {name: index for _key, _heading, names in TASKS for index, name in enumerate(names)}
        groups: list[dict[str, Any]] = []
        for key, heading, _names in TASKS:
            members = [model for model in models if placed.get(_label(model), "system") == key]
            if not members:
                continue  # nothing this role may open here
            members.sort(key=lambda model: (order.get(_label(model), 99), str(model["name"])))
            groups.append(
                {
                    "name": heading,
                    "app_label": f"task-{key}",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": members,
                }
            )
        return groups

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        from experiences.flags.selectors import review_counts

        app_list = self.get_app_list(request)
        counts = review_counts(user=request.user)
        if counts is not None:
            by_model = {
                "experiences.PendingReflection": counts["reflections"],
                "experiences.PendingReply": counts["replies"],
                "experiences.FlaggedReflection": counts["flagged_reflections"],
                "experiences.FlaggedReply": counts["flagged_replies"],
            }
            for group in app_list:
                for model in group["models"]:
                    model["pending"] = by_model.get(_label(model))
        context = {"app_list": app_list, "review_counts": counts, **(extra_context or {})}
        return super().index(request, context)


def _label(model: dict[str, Any]) -> str:
    return f"{model['model']._meta.app_label}.{model['object_name']}"


class KbAdminConfig(AdminConfig):
    """django.contrib.admin, with the site above as ``admin.site``."""

    default_site = "experiences.admin_site.KbAdminSite"
