"""The reflections domain's part of a colleague's data export (accounts.data_export).

Their reflections in every state, one Markdown file each with front matter
(title, principle, status, dates, tags) and the body exactly as typed; the
点赞 they gave; and the moderation log about their reflections themselves (not
about other colleagues' replies to them) and, for a moderator, their own actions.
Read in chunks: a thousand reflections never sit in memory at once.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from experiences.accounts.data_export import SectionFile, json_file, register_section
from experiences.accounts.deletion import register_deletion_step
from experiences.reflections.leaving import reflections_forget
from experiences.reflections.models import Like, ModerationLog, Reflection
from experiences.reflections.moderation import REFLECTION_SUBJECT_PREFIX

if TYPE_CHECKING:
    from datetime import datetime

    from experiences.accounts.models import User

CHUNK = 200
_UNSAFE_FILENAME = re.compile(r"[^\w\u4e00-\u9fff-]+")


def _yaml(value: object) -> str:
    # A JSON string or list is a valid YAML flow scalar: quoted, escaped, one line.
    return json.dumps(value, ensure_ascii=False)


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def reflection_markdown(reflection: Reflection, tags: list[str]) -> str:
    """One reflection as Markdown with YAML front matter."""
    front = {
        "id": reflection.pk,
        "title": str(reflection.display_title),
        "principle": str(reflection.principle) if reflection.principle else "",
        "status": reflection.get_status_display(),
        "created": _when(reflection.created_at),
        "published": _when(reflection.published_at),
        "edited": _when(reflection.edited_at),
        "tags": tags,
        "likes": reflection.like_count,
        "featured": reflection.is_featured,
    }
    if reflection.rejection_reason:
        front["rejection_reason"] = reflection.rejection_reason
    header = "\n".join(f"{key}: {_yaml(value)}" for key, value in front.items())
    return f"---\n{header}\n---\n\n{reflection.body}\n"


def reflection_filename(reflection: Reflection) -> str:
    """``<id>-<title>.md``: sorted by id, readable, safe on every file system."""
    title = _UNSAFE_FILENAME.sub("-", reflection.title).strip("-")[:40]
    return f"{reflection.pk:06d}-{title}.md" if title else f"{reflection.pk:06d}.md"


def _tag_names_by_reflection(pks: list[int]) -> dict[int, list[str]]:
    # One query per chunk: taggit's prefetch builds a queryset per reflection (slow).
    names: dict[int, list[str]] = defaultdict(list)
    rows = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Reflection), object_id__in=pks
    ).values_list("object_id", "tag__name")
    for object_id, name in rows:
        names[object_id].append(name)
    return names


def reflections_section(user: User) -> Iterable[SectionFile]:
    reflections = (
        Reflection.objects.filter(author=user).select_related("principle__essay").order_by("pk")
    )
    chunk: list[Reflection] = []
    for reflection in reflections.iterator(chunk_size=CHUNK):
        chunk.append(reflection)
        if len(chunk) == CHUNK:
            yield from _chunk_files(chunk)
            chunk = []
    yield from _chunk_files(chunk)


def _chunk_files(chunk: list[Reflection]) -> Iterable[SectionFile]:
    tags = _tag_names_by_reflection([reflection.pk for reflection in chunk])
    for reflection in chunk:
        markdown = reflection_markdown(reflection, sorted(tags.get(reflection.pk, [])))
        yield reflection_filename(reflection), markdown


def likes_section(user: User) -> Iterable[SectionFile]:
    likes = [
        {
            "reflection": like.reflection_id,
            "title": str(like.reflection.display_title),
            "url": like.reflection.get_absolute_url(),
            "liked_at": like.created_at,
        }
        for like in Like.objects.filter(user=user).select_related("reflection").order_by("pk")
    ]
    if likes:
        yield "likes.json", json_file(likes)


def _log_rows(logs) -> list[dict]:
    return [
        {
            "time": log.created_at,
            "action": log.get_action_display(),
            "reflection": log.reflection_id,
            "subject": log.subject,
            "reason": log.reason,
        }
        for log in logs.order_by("created_at", "pk")
    ]


def moderation_section(user: User) -> Iterable[SectionFile]:
    """What moderators did to their reflections, and what they did as a moderator.

    Only what was done to the reflections themselves: replies are logged against
    the reflection they answer, but another colleague's reply (a rejected one, with
    the moderator's reason) is that colleague's, never shown to this author.
    """
    about = ModerationLog.objects.filter(
        reflection__author=user, subject__startswith=REFLECTION_SUBJECT_PREFIX
    )
    own = ModerationLog.objects.filter(actor=user)
    data = {"about_my_reflections": _log_rows(about), "my_moderation_actions": _log_rows(own)}
    if data["about_my_reflections"] or data["my_moderation_actions"]:
        yield "moderation.json", json_file(data)


def sections_register() -> None:
    """Called once from the app's ``ready``."""
    register_section("reflections", reflections_section)
    register_deletion_step("reflections", reflections_forget)
    register_section("likes", likes_section)
    register_section("moderation", moderation_section)
