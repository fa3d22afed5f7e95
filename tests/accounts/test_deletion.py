"""/accounts/delete/: leaving, with the password again; what stays, what goes, who is named."""

import io
import json
import zipfile

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from experiences.accounts.deletion import account_delete
from experiences.accounts.models import User
from experiences.moderation.models import PostingRecord
from experiences.reflections.exports import reflections_csv, reflections_json
from experiences.reflections.models import Like, ModerationLog, Reflection
from experiences.reflections.moderation import reflection_reject
from experiences.reflections.services import like_set
from experiences.search.models import SearchDocument
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

WORDS = "村口老槐树下开会"
WRONG_PASSWORD = "密码不正确\uff0c账号没有注销。"


@pytest.fixture
def leaving(user, other_user, principle, moderator):
    """小王 (xiaowang), with a published and a rejected reflection, a 点赞 and a login record."""
    user.unit = "城关镇"
    user.save()
    published = ReflectionFactory(
        author=user, principle=principle, title="槐树下的会", body=WORDS, tags=["槐树会"]
    )
    rejected = ReflectionFactory(author=user, principle=principle, title="小王的草稿")
    reflection_reject(reflection=rejected, reason="请补充", moderator=moderator)
    theirs = ReflectionFactory(author=other_user, principle=principle, title="老李的心得")
    like_set(user=user, reflection=theirs, liked=True)
    like_set(user=other_user, reflection=published, liked=True)
    PostingRecord.objects.create(author=user)
    AccessLog.objects.create(username="xiaowang", ip_address="203.0.113.5", user_agent="x")
    return {"published": published, "rejected": rejected, "theirs": theirs}


def delete_account(client, user, **data):
    client.force_login(user)
    return client.post(
        reverse("account_delete"),
        {"password": "correct-horse-battery", "reflections": "keep", **data},
    )


def public_text(client, reflection_pk: int) -> str:
    """Everything an anonymous reader can get that could show the reflection."""
    client.logout()
    pages = [
        reverse("experiences:reflection_list"),
        reverse("experiences:feed_reflections"),
        reverse("experiences:search") + "?q=老槐树",
        reverse("experiences:tag_detail", kwargs={"name": "槐树会"}),
    ]
    detail = client.get(reverse("experiences:reflection_detail", args=[reflection_pk]))
    texts = [detail.content.decode() if detail.status_code == 200 else ""]
    texts += [client.get(url).content.decode() for url in pages]
    reflections = Reflection.objects.all()
    texts.append(reflections_json(reflections).decode())
    texts.append(reflections_csv(reflections).decode("utf-8-sig"))
    return "\n".join(texts)


def test_the_page_needs_a_signed_in_colleague_and_csrf(client, user):
    response = client.post(reverse("account_delete"), {"password": "x", "reflections": "keep"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("account_delete"), {"password": "x"}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_the_page_asks_for_the_password_and_the_choice(client, user):
    client.force_login(user)
    page = client.get(reverse("account_delete")).content.decode()
    assert "<h1>注销账号</h1>" in page
    assert 'type="password"' in page and 'name="reflections"' in page
    assert 'value="keep"' in page and 'value="delete"' in page


def test_a_wrong_password_deletes_nothing(client, user, leaving):
    response = delete_account(client, user, password="not-my-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert WRONG_PASSWORD in page
    assert 'value="keep" required id="id_reflections_0" checked' in page  # kept
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert Reflection.objects.filter(author=user).count() == 2
    assert Like.objects.filter(user=user).exists()
    assert client.get(reverse("profile_edit")).status_code == 200  # still signed in


def test_without_a_choice_nothing_is_deleted(client, user, leaving):
    response = delete_account(client, user, reflections="")
    assert "请选择如何处理已发布的心得。" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_wrong_passwords_are_throttled(client, user, settings):
    settings.KB_ACCOUNT_DELETE_TRIES_PER_HOUR = 2
    for _ in range(2):
        delete_account(client, user, password="guess")
    response = delete_account(client, user)  # even the right one, until the hour is over
    assert "尝试次数过多\uff0c请一小时后再试。" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_kept_reflections_show_as_deleted_user_with_no_link(client, user, leaving):
    published = leaving["published"]
    client.logout()
    assert "小王" in client.get(reverse("experiences:reflection_list")).content.decode()

    response = delete_account(client, user)
    assert response.status_code == 302 and response["Location"] == reverse("experiences:home")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=user.pk).exists()

    published.refresh_from_db()
    tombstone = published.author
    assert tombstone.is_deleted and not tombstone.is_active
    assert tombstone.username.startswith("已注销用户#")
    assert not tombstone.has_usable_password() and tombstone.email == ""
    assert str(tombstone) == "已注销用户"
    assert SearchDocument.objects.get(reflection=published).owner == tombstone

    text = public_text(client, published.pk)
    assert WORDS in text  # the reflection is still there (page, list, feed, search, exports)
    assert "已注销用户" in text
    for gone in ("小王", "xiaowang", "城关镇", "小王的草稿", tombstone.username):
        assert gone not in text
    detail = client.get(published.get_absolute_url()).content.decode()
    assert '<span class="author-deleted">已注销用户</span>' in detail
    assert "/users/" not in detail[detail.index('class="meta"') :][:400]
    assert client.get(reverse("experiences:user_detail", args=["xiaowang"])).status_code == 404


def test_reflections_that_go_leave_no_trace(client, user, leaving):
    published = leaving["published"]
    delete_account(client, user, reflections="delete")
    assert not Reflection.objects.filter(pk=published.pk).exists()
    text = public_text(client, published.pk)
    for gone in (WORDS, "槐树下的会", "小王", "xiaowang"):
        assert gone not in text
    assert client.get(published.get_absolute_url()).status_code == 404
    tag_page = client.get(reverse("experiences:tag_detail", kwargs={"name": "槐树会"}))
    assert tag_page.status_code == 404
    assert not SearchDocument.objects.filter(body__contains="老槐树").exists()


def test_everything_personal_goes(client, user, leaving):
    theirs = leaving["theirs"]
    assert Reflection.objects.get(pk=theirs.pk).like_count == 1
    delete_account(client, user)
    assert Reflection.objects.get(pk=theirs.pk).like_count == 0
    assert not Like.objects.filter(reflection=theirs).exists()
    assert not Reflection.objects.filter(pk=leaving["rejected"].pk).exists()
    assert not AccessLog.objects.filter(username__iexact="xiaowang").exists()
    assert not User.objects.filter(username="xiaowang").exists()
    assert PostingRecord.objects.count() == 0
    # Others' 点赞 on the kept reflection stay.
    assert Reflection.objects.get(pk=leaving["published"].pk).like_count == 1


def test_cached_pages_follow_at_once(client, user, leaving):
    client.logout()
    url = reverse("experiences:reflection_list")
    assert "小王" in client.get(url).content.decode()  # cached now
    delete_account(client, user, reflections="delete")
    client.logout()
    assert "槐树下的会" not in client.get(url).content.decode()


def test_the_moderation_log_names_a_pseudonym(client, user, leaving, moderator):
    log = ModerationLog.objects.get(reflection=leaving["rejected"])
    assert "小王" in log.subject
    tombstone = account_delete(user=user, keep_reflections=True)
    log.refresh_from_db()
    assert "小王" not in log.subject and "小王的草稿" not in log.subject
    assert log.subject == f"心得 #{leaving['rejected'].pk}\uff08{tombstone.username}\uff09"
    assert log.reason == "请补充"  # the moderator's own words stay
    assert log.actor == moderator


def test_a_moderators_and_an_editors_actions_stay_attributable_to_the_role(
    admin_client, leaving, moderator, principle, roles
):
    moderator.groups.add(Group.objects.get(name="版主"))
    editor = UserFactory(username="bianji", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    principle.body = "改过的段落。"
    principle._history_user = editor
    principle.save()
    assert principle.history.latest("history_date").history_user == editor

    moderator_stone = account_delete(user=moderator, keep_reflections=False)
    editor_stone = account_delete(user=editor, keep_reflections=False)

    log = ModerationLog.objects.get(action="reject")
    assert log.actor == moderator_stone
    assert moderator_stone.deleted_roles == "版主"
    assert log.actor.pseudonym == f"{moderator_stone.username}\uff08版主\uff09"
    assert principle.history.latest("history_date").history_user == editor_stone
    assert editor_stone.deleted_roles == "编辑\u3001管理员"
    page = admin_client.get(reverse("admin:experiences_moderationlog_changelist")).content
    assert f"{moderator_stone.username}\uff08版主\uff09" in page.decode()
    history = admin_client.get(
        reverse("admin:experiences_principle_history", args=[principle.pk])
    ).content.decode()
    assert "已注销用户" in history and "bianji" not in history
    tombstone_page = admin_client.get(
        reverse("admin:experiences_user_change", args=[editor_stone.pk])
    ).content.decode()
    assert editor_stone.username in tombstone_page and "编辑\u3001管理员" in tombstone_page


def test_the_username_can_be_registered_again_without_inheriting_anything(client, user, leaving):
    delete_account(client, user)
    response = client.post(
        reverse("signup"),
        {
            "username": "xiaowang",
            "display_name": "新小王",
            "password1": "Ganbu-2026-jiceng",
            "password2": "Ganbu-2026-jiceng",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="xiaowang")
    page = client.get(reverse("experiences:user_detail", args=["xiaowang"])).content.decode()
    assert "新小王" in page and "槐树下的会" not in page
    assert not Reflection.objects.filter(author=newcomer).exists()


@pytest.mark.parametrize("field", ["username", "display_name"])
def test_no_one_may_take_the_deleted_label(client, field):
    data = {
        "username": "somebody",
        "display_name": "某人",
        "password1": "Ganbu-2026-jiceng",
        "password2": "Ganbu-2026-jiceng",
        "privacy_consent": "on",
        field: "已注销用户",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert "名字里不能包含它" in response.content.decode()
    assert not User.objects.filter(username=data["username"]).exists()


def test_a_second_submit_finds_no_account(client, user, leaving):
    delete_account(client, user)
    response = client.post(
        reverse("account_delete"), {"password": "correct-horse-battery", "reflections": "keep"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert User.objects.filter(deleted_at__isnull=False).count() == 1


def test_an_export_after_leaving_has_nothing_of_them(client, other_user, user, leaving):
    delete_account(client, user, reflections="delete")
    client.force_login(other_user)
    response = client.post(reverse("data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = json.dumps([archive.read(n).decode() for n in archive.namelist()], ensure_ascii=False)
    assert "老李" in text  # their own data is there
    assert "小王" not in text and WORDS not in text


def test_domains_plug_in_their_own_deletion_steps(user, monkeypatch):
    from experiences.accounts import deletion

    monkeypatch.setattr(deletion, "_steps", {})
    seen = []

    def drafts_forget(*, user, tombstone, keep_reflections):
        seen.append((user.username, tombstone.is_deleted, keep_reflections))

    deletion.register_deletion_step("drafts", drafts_forget)
    account_delete(user=user, keep_reflections=False)
    assert seen == [("xiaowang", True, False)]


def test_a_racing_second_deletion_finds_no_one(client, user, leaving):
    from experiences.accounts.deletion import AccountAlreadyDeleted

    stale = User.objects.get(pk=user.pk)  # what a second, racing request loaded
    account_delete(user=user, keep_reflections=True)
    with pytest.raises(AccountAlreadyDeleted):
        account_delete(user=stale, keep_reflections=False)
    assert Reflection.objects.filter(pk=leaving["published"].pk).exists()
    assert User.objects.filter(deleted_at__isnull=False).count() == 1
