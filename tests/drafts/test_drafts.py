"""Drafts (草稿): autosave, 存草稿 without JavaScript, restore, 我的草稿, posting deletes it."""

import pytest
from django.urls import reverse

from experiences.core.limits import BODY_MAX_LENGTH
from experiences.drafts.models import DRAFT_BODY_MAX_LENGTH, Draft
from experiences.reflections.models import Reflection
from tests.factories import DraftFactory, EssayFactory, PrincipleFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = reverse("experiences:draft_autosave")
CREATE = reverse("experiences:reflection_create")
LIST = reverse("experiences:draft_list")


def autosave(client, **fields):
    return client.post(AUTOSAVE, fields, HTTP_ACCEPT="application/json")


class TestPermissions:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, principle):
        draft = DraftFactory(principle=principle)
        assert client.get(LIST).url.startswith(reverse("login"))
        response = client.post(reverse("experiences:draft_delete", args=[draft.pk]))
        assert response.url.startswith(reverse("login"))
        response = autosave(client, principle=principle.pk, body="匿名")
        assert response.status_code == 401 and "login_url" in response.json()
        response = client.post(CREATE, {"principle": principle.pk, "body": "x", "save_draft": "1"})
        assert response.url.startswith(reverse("login"))
        assert Draft.objects.count() == 1

    def test_someone_elses_draft_is_a_404_and_never_shown(
        self, client, user, other_user, principle
    ):
        theirs = DraftFactory(author=other_user, principle=principle, body="老李的秘密草稿")
        client.force_login(user)
        delete = reverse("experiences:draft_delete", args=[theirs.pk])
        assert client.post(delete).status_code == 404
        assert Draft.objects.filter(pk=theirs.pk).exists()
        assert "老李的秘密草稿" not in client.get(LIST).content.decode()
        assert "老李的秘密草稿" not in client.get(principle.get_absolute_url()).content.decode()
        page = client.get(CREATE, {"principle": principle.pk}).content.decode()
        assert "老李的秘密草稿" not in page and "已恢复" not in page

    def test_delete_is_post_only(self, client, user, principle):
        draft = DraftFactory(author=user, principle=principle)
        client.force_login(user)
        assert client.get(reverse("experiences:draft_delete", args=[draft.pk])).status_code == 405
        assert client.get(AUTOSAVE).status_code == 405
        assert Draft.objects.filter(pk=draft.pk).exists()


class TestAutosave:
    def test_saves_and_updates_one_draft_per_principle(self, client, user, principle):
        client.force_login(user)
        response = autosave(client, principle=principle.pk, title="标题", body="第一版", tags="甲")
        assert response.status_code == 200 and response.json()["saved"] is True
        assert "草稿已保存" in response.json()["message"]
        # The same draft again (a double submit, two tabs): still one row, updated.
        autosave(client, principle=principle.pk, title="标题", body="第二版", tags="甲")
        autosave(client, principle=principle.pk, title="标题", body="第二版", tags="甲")
        draft = Draft.objects.get()
        assert (draft.author, draft.principle, draft.body) == (user, principle, "第二版")
        # A general reflection's draft is another draft.
        autosave(client, principle="", body="通用的")
        assert Draft.objects.filter(author=user, principle=None).get().body == "通用的"
        assert Draft.objects.count() == 2

    def test_cleans_control_and_invisible_characters(self, client, user, principle):
        client.force_login(user)
        autosave(
            client,
            principle=principle.pk,
            title="标\x00题\u202e",
            body="第一行\r\n第二\x07行\u200b",
            tags="甲\x1b,乙",
        )
        draft = Draft.objects.get()
        assert draft.title == "标题"
        assert draft.body == "第一行\n第二行"
        assert draft.tags == "甲,乙"

    def test_an_empty_form_keeps_no_draft(self, client, user, principle):
        DraftFactory(author=user, principle=principle)
        client.force_login(user)
        response = autosave(client, principle=principle.pk, title=" ", body="\x00\n", tags="")
        assert response.status_code == 200 and response.json()["saved"] is False
        assert not Draft.objects.exists()

    def test_too_long_to_post_is_still_kept(self, client, user, principle):
        client.force_login(user)
        body = "长" * (BODY_MAX_LENGTH + 500)
        assert autosave(client, principle=principle.pk, body=body).status_code == 200
        assert Draft.objects.get().body == body

    def test_beyond_the_draft_bound_is_refused_with_a_message(self, client, user, principle):
        DraftFactory(author=user, principle=principle, body="原来的")
        client.force_login(user)
        body = "长" * (DRAFT_BODY_MAX_LENGTH + 1)
        response = autosave(client, principle=principle.pk, body=body)
        assert response.status_code == 400 and "草稿太长" in response.json()["error"]
        assert Draft.objects.get().body == "原来的"

    @pytest.mark.parametrize("bad", ["abc", "999999", "1 OR 1=1", "\x00"])
    def test_a_bad_principle_is_refused(self, client, user, bad):
        client.force_login(user)
        response = autosave(client, principle=bad, body="正文")
        assert response.status_code == 400 and response.json()["error"]
        assert not Draft.objects.exists()

    def test_an_unpublished_principle_is_refused(self, client, user):
        hidden = PrincipleFactory(essay=EssayFactory(status="draft"))
        client.force_login(user)
        assert autosave(client, principle=hidden.pk, body="正文").status_code == 400


class TestWithoutJavaScript:
    def test_save_draft_button_saves_and_the_form_comes_back_restored(
        self, client, user, principle
    ):
        client.force_login(user)
        response = client.post(
            CREATE,
            {"principle": principle.pk, "title": "半截", "body": "写到一半", "save_draft": "1"},
        )
        assert response.status_code == 302
        assert response.url == f"{CREATE}?principle={principle.pk}"
        assert not Reflection.objects.exists()
        page = client.get(response.url).content.decode()
        assert "草稿已保存" in page and "已恢复" in page
        assert "写到一半" in page and 'value="半截"' in page

    def test_save_draft_keeps_an_over_long_body_and_posting_still_refuses_it(
        self, client, user, principle
    ):
        client.force_login(user)
        body = "长" * (BODY_MAX_LENGTH + 1)
        client.post(CREATE, {"principle": principle.pk, "body": body, "save_draft": "1"})
        assert Draft.objects.get().body == body
        response = client.post(CREATE, {"principle": principle.pk, "body": body})
        assert response.status_code == 200 and "正文最多" in response.content.decode()
        assert not Reflection.objects.exists() and Draft.objects.exists()

    def test_a_draft_beyond_the_bound_shows_the_form_with_everything_typed(
        self, client, user, principle
    ):
        client.force_login(user)
        body = "长" * (DRAFT_BODY_MAX_LENGTH + 1)
        response = client.post(
            CREATE, {"principle": principle.pk, "title": "留着", "body": body, "save_draft": "1"}
        )
        page = response.content.decode()
        assert response.status_code == 200 and "草稿太长" in page
        assert 'value="留着"' in page and body in page
        assert not Draft.objects.exists()

    def test_an_empty_form_saves_nothing(self, client, user):
        client.force_login(user)
        response = client.post(
            CREATE, {"principle": "", "body": "", "save_draft": "1"}, follow=True
        )
        assert "没有可保存的草稿" in response.content.decode()
        assert not Draft.objects.exists()


class TestRestoreAndPost:
    def test_principle_page_and_writing_page_restore_the_draft(self, client, user, principle):
        DraftFactory(author=user, principle=principle, title="我的草稿标题", body="恢复我")
        client.force_login(user)
        for url in (principle.get_absolute_url(), f"{CREATE}?principle={principle.pk}"):
            page = client.get(url).content.decode()
            assert "已恢复" in page and "恢复我" in page and "我的草稿标题" in page
        # Another principle's form is empty.
        other = principle.essay.principles.get(position=2)
        assert "恢复我" not in client.get(other.get_absolute_url()).content.decode()

    def test_the_edit_form_has_no_draft(self, client, user, principle):
        from tests.factories import ReflectionFactory

        reflection = ReflectionFactory(author=user, principle=principle)
        DraftFactory(author=user, principle=principle, body="草稿里的")
        client.force_login(user)
        page = client.get(reverse("experiences:reflection_update", args=[reflection.pk]))
        text = page.content.decode()
        assert "草稿里的" not in text and "save_draft" not in text

    def test_posting_deletes_the_draft(self, client, user, principle):
        DraftFactory(author=user, principle=principle)
        general = DraftFactory(author=user, principle=None)
        client.force_login(user)
        response = client.post(CREATE, {"principle": principle.pk, "body": "发表了"})
        assert response.status_code == 302
        assert Reflection.objects.get().body == "发表了"
        assert list(Draft.objects.all()) == [general]

    def test_a_refused_post_keeps_the_draft(self, client, user, principle, settings):
        settings.REFLECTIONS_PER_HOUR = 0
        DraftFactory(author=user, principle=principle)
        client.force_login(user)
        response = client.post(CREATE, {"principle": principle.pk, "body": "太频繁"})
        assert response.status_code == 200 and "发布太频繁" in response.content.decode()
        assert Draft.objects.exists() and not Reflection.objects.exists()

    def test_draft_and_reflection_share_one_transaction(self, user, principle, monkeypatch):
        """A failure after the draft is discarded rolls both back: the draft survives."""
        from experiences.reflections import services

        DraftFactory(author=user, principle=principle)
        real_discard = services.draft_discard

        def discard_then_fail(**kwargs):
            real_discard(**kwargs)
            assert not Draft.objects.exists()  # it was deleted, inside the transaction
            raise RuntimeError("the database went away")

        monkeypatch.setattr(services, "draft_discard", discard_then_fail)
        with pytest.raises(RuntimeError):
            services.reflection_create(
                author=user, principle=principle, title="", body="正文", tags=[]
            )
        assert Draft.objects.exists() and not Reflection.objects.exists()


class TestMyDrafts:
    def test_lists_own_drafts_with_links_and_deletes_one(self, client, user, other_user, principle):
        mine = DraftFactory(author=user, principle=principle, title="第一份")
        DraftFactory(author=user, principle=None, title="通用的那份")
        DraftFactory(author=other_user, principle=principle, title="别人的")
        client.force_login(user)
        page = client.get(LIST).content.decode()
        assert "第一份" in page and "通用的那份" in page and "别人的" not in page
        assert f"?principle={principle.pk}" in page
        # Linked from the nav and from the colleague's own page.
        assert LIST in client.get("/").content.decode()
        assert LIST in client.get(user.get_absolute_url()).content.decode()
        response = client.post(reverse("experiences:draft_delete", args=[mine.pk]), follow=True)
        assert "草稿已删除" in response.content.decode()
        assert not Draft.objects.filter(pk=mine.pk).exists()
        # Deleting twice (a double click) is a 404, not an error.
        assert client.post(reverse("experiences:draft_delete", args=[mine.pk])).status_code == 404

    def test_paginated_and_constant_in_queries(
        self, client, user, seed_essay, django_assert_max_num_queries
    ):
        client.force_login(user)
        for principle in seed_essay.principles.all()[:2]:
            DraftFactory(author=user, principle=principle)
        with django_assert_max_num_queries(5):
            assert client.get(LIST).status_code == 200
        for _ in range(25):
            DraftFactory(author=user)
        with django_assert_max_num_queries(5):
            page = client.get(LIST).content.decode()
        assert "第 1 / 2 页" in page
        assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_the_database_refuses_a_second_draft_for_the_same_principle(user, principle):
    from django.db import IntegrityError

    DraftFactory(author=user, principle=principle)
    with pytest.raises(IntegrityError):
        DraftFactory(author=user, principle=principle)


def test_the_database_refuses_an_empty_draft(user, principle):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Draft.objects.create(author=user, principle=principle)


def test_an_autosave_arriving_after_the_post_does_not_bring_the_draft_back(client, user, principle):
    import uuid

    token = str(uuid.uuid4())
    client.force_login(user)
    client.post(CREATE, {"principle": principle.pk, "body": "发表了", "submission_token": token})
    assert Reflection.objects.count() == 1
    response = autosave(client, principle=principle.pk, body="发表了", submission_token=token)
    assert response.json()["saved"] is False and not Draft.objects.exists()
    # A fresh form (a new token), or a garbled one, saves as usual.
    for other in (str(uuid.uuid4()), "garbled\x00"):
        autosave(client, principle=principle.pk, body="新的", submission_token=other)
    assert Draft.objects.get().body == "新的"
