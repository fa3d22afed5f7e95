"""Side effects visible at the write: every write path moves the versions it outdates.

Each service, each admin save, delete and bulk delete, each management command that
writes a row a page shows moves the content version (``caching.pages_changed``); each
that writes what shared signed-in pages know of a viewer moves that viewer's state
version, or everyone's (``viewer_state.viewer_state_changed``). The services call
them in the open; no receiver does it for our own models, so a path that forgot its
call fails here.

``WRITE_PATHS`` is also the declaration of what pages show: a model is shown when a
path below writes it (tests/site/test_caching_rules.py checks every model is either
written here or listed there as shown on no cached page).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from experiences.accounts.deletion import account_delete
from experiences.accounts.models import User
from experiences.accounts.services import user_save
from experiences.core.caching import content_version, counter_value
from experiences.core.viewer_state import VIEWER_STATE_ALL, viewer_state_key
from experiences.drafts.models import Draft
from experiences.drafts.services import draft_delete, draft_discard, draft_save
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading
from experiences.essays.services import essays_status_set
from experiences.flags.services import flag_create, flags_review
from experiences.reading.models import Bookmark, PrincipleRead
from experiences.reading.services import (
    bookmark_delete,
    bookmark_set,
    principle_read_mark,
    principle_read_unmark,
)
from experiences.reflections.models import Like, Reflection
from experiences.reflections.moderation import (
    reflection_feature,
    reflection_publish,
    reflection_reject,
)
from experiences.reflections.services import (
    like_counts_recount,
    like_set,
    reflection_create,
    reflection_delete,
    reflection_moderator_edit,
    reflection_update,
)
from experiences.replies.models import Reply
from experiences.replies.moderation import reply_publish, reply_reject
from experiences.replies.services import (
    reply_create,
    reply_delete,
    reply_moderator_edit,
    reply_update,
)
from experiences.search.models import SynonymGroup
from experiences.search.services import synonym_group_save, synonym_groups_delete
from experiences.study.models import StudyTopic
from experiences.study.services import study_topic_save, study_topics_delete
from experiences.tagging.services import tags_merge
from experiences.units.models import Unit
from experiences.units.roles import EDITORS_GROUP, role_grant, role_revoke
from experiences.units.services import (
    unit_create,
    unit_update,
    units_delete,
    units_match_users,
    user_unit_assign,
)
from tests.admin_forms import essay_form, principle_form, tag_form
from tests.factories import (
    BookmarkFactory,
    EssayFactory,
    PrincipleFactory,
    PrincipleReadFactory,
    ReflectionFactory,
    ReplyFactory,
    StudyTopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGES = "pages"  # the content version: every cached anonymous page
VIEWER = "viewer"  # a viewer's state version (the path returns whose; EVERYONE: all)
EVERYONE = "everyone"


@dataclass(frozen=True)
class WritePath:
    name: str
    models: tuple[type, ...]  # what it writes
    effects: tuple[str, ...]
    run: Callable[[Any], Any]


WRITE_PATHS: list[WritePath] = []


def path(name: str, *models: type, effects: tuple[str, ...] = (PAGES,)):
    def register(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        WRITE_PATHS.append(WritePath(name, models, effects, run))
        return run

    return register


def admin_delete(w, model: type[Model], obj) -> None:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
    assert w.admin.post(url, {"post": "yes"}).status_code == 302


def admin_bulk_delete(w, model: type[Model], objects) -> None:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    data = {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"}
    assert w.admin.post(url, data).status_code == 302
    assert not model._default_manager.filter(pk__in=[o.pk for o in objects]).exists()


def admin_change(w, model: type[Model], obj, data: dict) -> None:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = w.admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


# ---- essays, principles, quotations, related reading


@path("essays_status_set", Essay)
def _(w):
    essays_status_set(essays=[w.essay], status=Essay.Status.DRAFT)


@path("essay_import", Essay, Principle, Quotation, RelatedReading)
def _(w):
    essay_import(text=w.seed_text, principle_tags={w.principle.slug: ["新标签"]})


@path("command import_essay", Essay, Principle, Quotation, RelatedReading)
def _(w):
    w.tmp.write_text(w.seed_text, encoding="utf-8")
    tags = w.tmp.with_suffix(".json")
    tags.write_text(json.dumps({w.principle.slug: ["新标签"]}), encoding="utf-8")
    call_command("import_essay", str(w.tmp), "--tags", str(tags))


@path("admin essay change, readings inline", Essay, RelatedReading)
def _(w):
    form = essay_form(w.essay, **{"related_readings-0-title": "改过的延伸阅读"})
    admin_change(w, Essay, w.essay, form)


@path("admin essay action unpublish", Essay)
def _(w):
    url = reverse("admin:experiences_essay_changelist")
    w.admin.post(url, {"action": "unpublish", "_selected_action": [w.essay.pk]})


# Deleting what colleagues' rows hang on (bookmarks, 已学) is refused by the admin:
# the deletes below take rows nothing else refers to.
@path("admin essay delete", Essay)
def _(w):
    admin_delete(w, Essay, w.spare_essays[0])


@path("admin essay bulk delete", Essay)
def _(w):
    admin_bulk_delete(w, Essay, w.spare_essays)


@path("admin principle change, quotations inline", Principle, Quotation)
def _(w):
    principle = w.quotation.principle
    form = principle_form(principle, **{"quotations-0-text": "改过的引语。", "tags": "新标签"})
    admin_change(w, Principle, principle, form)


@path("admin principle delete", Principle)
def _(w):
    admin_delete(w, Principle, w.spare_principles[0])


@path("admin principle bulk delete", Principle)
def _(w):
    admin_bulk_delete(w, Principle, w.spare_principles)


@path("admin quotation change", Quotation)
def _(w):
    quotation = w.quotation
    data = {
        "principle": quotation.principle_id,
        "position": quotation.position,
        "text": "改过的引语。",
        "source": quotation.source,
    }
    admin_change(w, Quotation, quotation, data)


@path("admin quotation delete", Quotation)
def _(w):
    admin_delete(w, Quotation, w.quotation)


@path("admin quotation bulk delete", Quotation)
def _(w):
    admin_bulk_delete(w, Quotation, list(w.quotation.principle.quotations.all()))


# ---- reflections and 点赞


@path("reflection_create", Reflection, TaggedItem, Tag)
def _(w):
    reflection_create(
        author=w.author, principle=w.principle, title="新", body="新心得", tags=["新"]
    )


@path("reflection_update", Reflection, TaggedItem)
def _(w):
    reflection_update(
        reflection=w.reflection, principle=w.principle, title="改", body="改过", tags=["改"]
    )


@path("reflection_moderator_edit", Reflection)
def _(w):
    w.reflection.title = "版主改过"
    reflection_moderator_edit(reflection=w.reflection, moderator=w.moderator, changed=["title"])


@path("reflection_delete", Reflection)
def _(w):
    reflection_delete(reflection=w.reflection)


@path("reflection_publish", Reflection)
def _(w):
    reflection_publish(reflection=w.pending, moderator=w.moderator)


@path("reflection_reject", Reflection)
def _(w):
    reflection_reject(reflection=w.reflection, reason="跑题", moderator=w.moderator)


@path("reflection_feature", Reflection)
def _(w):
    reflection_feature(reflection=w.reflection, featured=True, moderator=w.moderator)


@path("like_set on", Like)
def _(w):
    like_set(user=w.reader, reflection=w.reflection, liked=True)


@path("like_set off", Like)
def _(w):
    like_set(user=w.reader, reflection=w.liked, liked=False)


@path("like_counts_recount", Reflection)
def _(w):
    like_counts_recount()


@path("admin reflection change", Reflection, TaggedItem)
def _(w):
    data = {"principle": "", "title": "版主改过", "body": "改过的正文", "tags": "改过"}
    admin_change(w, Reflection, w.reflection, data)


@path("admin reflection delete", Reflection)
def _(w):
    admin_delete(w, Reflection, w.reflection)


@path("admin reflection bulk delete", Reflection)
def _(w):
    admin_bulk_delete(w, Reflection, [w.reflection, w.spare_reflection])


@path("admin reflection action approve", Reflection)
def _(w):
    url = reverse("admin:experiences_reflection_changelist")
    w.admin.post(url, {"action": "approve", "_selected_action": [w.pending.pk]})
    assert Reflection.objects.get(pk=w.pending.pk).status == Reflection.Status.PUBLISHED


# ---- replies and 举报


@path("reply_create", Reply)
def _(w):
    reply_create(author=w.reader, reflection=w.reflection, body="一条回复")


@path("reply_update", Reply)
def _(w):
    reply_update(reply=w.reply, body="改过的回复")


@path("reply_moderator_edit", Reply)
def _(w):
    reply_moderator_edit(reply=w.reply, moderator=w.moderator, changed=["body"])


@path("reply_delete", Reply)
def _(w):
    reply_delete(reply=w.reply)


@path("reply_publish", Reply)
def _(w):
    reply_publish(reply=w.pending_reply)


@path("reply_reject", Reply)
def _(w):
    reply_reject(reply=w.reply, reason="跑题", moderator=w.moderator)


@path("admin reply change", Reply)
def _(w):
    admin_change(w, Reply, w.reply, {"body": "版主改过的回复"})


@path("admin reply delete", Reply)
def _(w):
    admin_delete(w, Reply, w.reply)


@path("admin reply bulk delete", Reply)
def _(w):
    admin_bulk_delete(w, Reply, [w.reply])


@path("flag_create hides", Reflection)
def _(w):
    flag_create(reporter=w.moderator, item=w.reflection, reason="spam")
    assert Reflection.objects.get(pk=w.reflection.pk).flag_hidden


@path("flags_review keeps (shown again)", Reflection)
def _(w):
    flags_review(item=w.hidden, keep=True, moderator=w.second_moderator)


# ---- tags and synonyms


@path("tags_merge", Tag, TaggedItem)
def _(w):
    tags_merge(sources=[Tag.objects.get(name="甲")], target=Tag.objects.get(name="乙"))


@path("admin tag change", Tag)
def _(w):
    tag = Tag.objects.get(name="甲")
    admin_change(w, Tag, tag, tag_form(tag, name="丙"))


@path("admin tag delete", Tag)
def _(w):
    admin_delete(w, Tag, Tag.objects.get(name="甲"))


@path("admin tag bulk delete", Tag)
def _(w):
    admin_bulk_delete(w, Tag, list(Tag.objects.all()))


@path("admin tag action merge", Tag, TaggedItem)
def _(w):
    url = reverse("admin:taggit_tag_changelist")
    tags = [Tag.objects.get(name=name).pk for name in ("甲", "乙")]
    data = {"action": "merge", "_selected_action": tags, "apply": "1", "target": tags[1]}
    w.admin.post(url, data)
    assert not Tag.objects.filter(name="甲").exists()


@path("synonym_group_save", SynonymGroup)
def _(w):
    synonym_group_save(group=SynonymGroup(), words="群众 老百姓")


@path("synonym_groups_delete", SynonymGroup)
def _(w):
    synonym_groups_delete(groups=[w.synonyms])


@path("admin synonym group add", SynonymGroup)
def _(w):
    url = reverse("admin:experiences_synonymgroup_add")
    assert w.admin.post(url, {"words": "基层 一线", "note": ""}).status_code == 302


@path("admin synonym group delete", SynonymGroup)
def _(w):
    admin_delete(w, SynonymGroup, w.synonyms)


@path("admin synonym group bulk delete", SynonymGroup)
def _(w):
    admin_bulk_delete(w, SynonymGroup, [w.synonyms])


# ---- colleagues: shown on cards and pages, and what shared pages know of them


@path("user_save (the profile form's and the admin's)", User, effects=(PAGES, VIEWER))
def _(w):
    w.author.display_name = "新名字"
    user_save(user=w.author)
    return w.author.pk


@path("profile form", User, effects=(PAGES, VIEWER))
def _(w):
    w.author_client.post(reverse("profile_edit"), {"display_name": "新名字"})
    assert User.objects.get(pk=w.author.pk).display_name == "新名字"
    return w.author.pk


@path("account_delete", User, Reflection, Like, effects=(PAGES, VIEWER))
def _(w):
    account_delete(user=w.reader, keep_reflections=False)
    return w.reader.pk


@path("admin user change", User, effects=(PAGES, VIEWER))
def _(w):
    data = {
        "username": w.author.username,
        "display_name": "新名字",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    admin_change(w, User, w.author, data)
    return w.author.pk


@path("admin user delete", User, effects=(PAGES, VIEWER))
def _(w):
    admin_delete(w, User, w.newcomer)
    return w.newcomer.pk


@path("admin user bulk delete", User, effects=(PAGES, VIEWER))
def _(w):
    admin_bulk_delete(w, User, [w.newcomer])
    return w.newcomer.pk


@path("role_grant", User, Group, effects=(VIEWER,))
def _(w):
    role_grant(user=w.reader, role=EDITORS_GROUP, actor=None)
    return w.reader.pk


@path("role_revoke", User, Group, effects=(VIEWER,))
def _(w):
    role_revoke(user=w.editor, role=EDITORS_GROUP, actor=None)
    return w.editor.pk


@path("command grant_role", User, Group, effects=(VIEWER,))
def _(w):
    call_command("grant_role", w.reader.username, EDITORS_GROUP)
    return w.reader.pk


@path("command revoke_role", User, Group, effects=(VIEWER,))
def _(w):
    call_command("revoke_role", w.editor.username, EDITORS_GROUP)
    return w.editor.pk


@path("user_unit_assign (the admin's unmatched users page)", User, effects=(VIEWER,))
def _(w):
    user_unit_assign(user=w.reader, unit=w.unit)
    return w.reader.pk


@path("units_match_users (after a unit import)", User, effects=(VIEWER,))
def _(w):
    User.objects.filter(pk=w.reader.pk).update(unit="城关县", org_unit=None)
    assert units_match_users() >= 1
    return w.reader.pk


@path("admin group change", Group, Permission, effects=(VIEWER,))
def _(w):
    group = Group.objects.get(name=EDITORS_GROUP)
    data = {"name": group.name, "permissions": [Permission.objects.first().pk]}
    admin_change(w, Group, group, data)
    return EVERYONE


# ---- drafts, 收藏, 已学: the viewer's own


@path("draft_save (a new draft)", Draft, effects=(VIEWER,))
def _(w):
    draft_save(author=w.reader, principle=w.principle, title="", body="草稿", tags="")
    return w.reader.pk


@path("draft_discard", Draft, effects=(VIEWER,))
def _(w):
    draft_discard(author=w.author, principle=w.principle)
    return w.author.pk


@path("draft_delete", Draft, effects=(VIEWER,))
def _(w):
    draft_delete(draft=w.draft)
    return w.author.pk


@path("bookmark_set on", Bookmark, effects=(VIEWER,))
def _(w):
    bookmark_set(user=w.author, principle=w.principle, bookmarked=True)
    return w.author.pk


@path("bookmark_set off", Bookmark, effects=(VIEWER,))
def _(w):
    bookmark_set(user=w.reader, principle=w.principle, bookmarked=False)
    return w.reader.pk


@path("bookmark_delete", Bookmark, effects=(VIEWER,))
def _(w):
    bookmark_delete(bookmark=w.bookmark)
    return w.reader.pk


@path("principle_read_mark", PrincipleRead, effects=(VIEWER,))
def _(w):
    principle_read_mark(user=w.author, principle=w.principle)
    return w.author.pk


@path("principle_read_unmark", PrincipleRead, effects=(VIEWER,))
def _(w):
    principle_read_unmark(user=w.reader, principle=w.principle)
    return w.reader.pk


# ---- 学习专题 and the unit tree: every viewer's


@path("study_topic_save", StudyTopic, effects=(VIEWER,))
def _(w):
    today = timezone.localdate()
    study_topic_save(
        topic=StudyTopic(),
        title="新专题",
        description="",
        start_date=today,
        due_date=today + datetime.timedelta(days=7),
        principles=[w.principle],
        target_units=[w.unit],
        organisers=[],
    )
    return EVERYONE


@path("study_topics_delete", StudyTopic, effects=(VIEWER,))
def _(w):
    study_topics_delete(topics=[w.topic])
    return EVERYONE


@path("admin study topic delete", StudyTopic, effects=(VIEWER,))
def _(w):
    admin_delete(w, StudyTopic, w.topic)
    return EVERYONE


@path("admin study topic bulk delete", StudyTopic, effects=(VIEWER,))
def _(w):
    admin_bulk_delete(w, StudyTopic, [w.topic])
    return EVERYONE


@path("unit_create", Unit, effects=(VIEWER,))
def _(w):
    unit_create(name="新乡", parent=w.unit)
    return EVERYONE


@path("unit_update", Unit, effects=(VIEWER,))
def _(w):
    unit_update(unit=w.unit, name="改名县", code="G", parent=None)
    return EVERYONE


@path("units_delete", Unit, effects=(VIEWER,))
def _(w):
    units_delete(pks=[w.unit.pk])
    return EVERYONE


@path("admin unit add", Unit, effects=(VIEWER,))
def _(w):
    url = reverse("admin:experiences_unit_add")
    assert w.admin.post(url, {"name": "新县", "code": "N", "parent": ""}).status_code == 302
    return EVERYONE


@path("admin unit delete", Unit, effects=(VIEWER,))
def _(w):
    admin_delete(w, Unit, w.unit)
    return EVERYONE


@path("admin unit bulk delete", Unit, effects=(VIEWER,))
def _(w):
    admin_bulk_delete(w, Unit, [w.unit])
    return EVERYONE


@path("command import_units", Unit, effects=(VIEWER,))
def _(w):
    w.tmp.write_text("名称,上级单位,编码\n东乡镇,城关县,D\n", encoding="utf-8")
    call_command("import_units", str(w.tmp))
    return EVERYONE


@pytest.fixture
def w(client, admin_client, seed_essay, seed_text, roles, tmp_path):
    """The rows every path may write, made before the versions are read."""
    principle = seed_essay.principles.get(position=1)
    author, reader = UserFactory(), UserFactory()
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_reflection"))
    second_moderator = UserFactory(is_staff=True)
    second_moderator.groups.add(Group.objects.get(name="版主"))
    editor = UserFactory(is_staff=True)
    role_grant(user=editor, role=EDITORS_GROUP, actor=None)
    reflection = ReflectionFactory(author=author, principle=principle, tags=["甲", "乙"])
    liked = ReflectionFactory(author=author, principle=principle)
    like_set(user=reader, reflection=liked, liked=True)
    hidden = ReflectionFactory(author=author, principle=principle)
    flag_create(reporter=moderator, item=hidden, reason="spam")
    unit = unit_create(name="城关县", code="X")
    client.force_login(author)
    return SimpleNamespace(
        admin=admin_client,
        author_client=client,
        essay=seed_essay,
        seed_text=seed_text,
        principle=principle,
        author=author,
        reader=reader,
        newcomer=UserFactory(),
        quotation=Quotation.objects.filter(principle__essay=seed_essay).first(),
        moderator=moderator,
        second_moderator=second_moderator,
        editor=editor,
        reflection=reflection,
        liked=liked,
        hidden=hidden,
        pending=ReflectionFactory(author=reader, principle=principle, status="pending"),
        reply=ReplyFactory(reflection=reflection, author=reader),
        pending_reply=ReplyFactory(reflection=reflection, author=reader, status="pending"),
        spare_essays=[EssayFactory(), EssayFactory()],
        spare_principles=[PrincipleFactory(), PrincipleFactory()],
        spare_reflection=ReflectionFactory(principle=principle),
        draft=draft_save(author=author, principle=principle, title="", body="草稿", tags=""),
        bookmark=BookmarkFactory(user=reader, principle=principle),
        read=PrincipleReadFactory(user=reader, principle=principle),
        synonyms=synonym_group_save(group=SynonymGroup(), words="乡亲 群众"),
        unit=unit,
        topic=StudyTopicFactory(principles=[principle], target_units=[unit]),
        tmp=tmp_path / "input.txt",
    )


def viewer_versions(user_id: object) -> tuple[object, object]:
    return (
        counter_value(viewer_state_key(user_id)),
        counter_value(VIEWER_STATE_ALL),
    )


@pytest.mark.parametrize("write", WRITE_PATHS, ids=[p.name for p in WRITE_PATHS])
def test_every_write_path_moves_what_it_outdates(w, write, django_capture_on_commit_callbacks):
    pages_before = content_version()
    people = (w.author, w.reader, w.editor, w.newcomer)
    viewers_before = {person.pk: viewer_versions(person.pk) for person in people}
    with django_capture_on_commit_callbacks(execute=True):
        whose = write.run(w)
    if PAGES in write.effects:
        assert content_version() != pages_before, f"{write.name}: cached pages not outdated"
    if VIEWER in write.effects:
        mine, everyone = viewers_before[w.author.pk if whose == EVERYONE else whose]
        now_mine, now_everyone = viewer_versions(w.author.pk if whose == EVERYONE else whose)
        moved = now_everyone != everyone if whose == EVERYONE else now_mine != mine
        assert moved, f"{write.name}: what shared pages know of the viewer not outdated"


def test_a_sign_in_and_a_draft_autosave_move_nothing(client, user, principle):
    """The writes that change nothing shown leave every cached page in place."""
    draft_save(author=user, principle=principle, title="", body="草稿", tags="")
    pages, viewer = content_version(), viewer_versions(user.pk)
    client.force_login(user)  # Django's update_last_login saves the user row
    draft_save(author=user, principle=principle, title="", body="草稿又写了几个字", tags="")
    assert (content_version(), viewer_versions(user.pk)) == (pages, viewer)
