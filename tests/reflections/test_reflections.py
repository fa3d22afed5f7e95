"""Reflections (心得) as colleagues use them: posting, states, permissions, lists, bad input."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experiences.moderation.models import PostingRecord
from experiences.reflections.models import Reflection
from tests.factories import LikeFactory, PrincipleFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("experiences:reflection_create")


def post_reflection(client, on=None, **fields):
    data = {
        "principle": on.pk if on else "",
        "title": "我的体会",
        "body": "和群众打成一片,更要坚持原则。",
        "tags": "",
        "submission_token": str(uuid.uuid4()),
        **fields,
    }
    return client.post(CREATE_URL, data)


class TestPosting:
    def test_new_account_reflection_waits_for_review(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(client, principle, tags="群众工作,党性原则")
        reflection = Reflection.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reflection.get_absolute_url()
        assert reflection.status == Reflection.Status.PENDING
        assert reflection.author == user and reflection.principle == principle
        assert sorted(reflection.tags.names()) == ["党性原则", "群众工作"]
        page = client.get(reflection.get_absolute_url()).content.decode()
        assert "待审核" in page
        assert "心得已提交\uff0c待审核" in page

    def test_author_with_a_published_reflection_publishes_directly(self, client, user, principle):
        ReflectionFactory(author=user, principle=principle)
        client.force_login(user)
        post_reflection(client, principle, title="第二篇")
        assert Reflection.objects.get(title="第二篇").status == Reflection.Status.PUBLISHED

    def test_staff_publish_directly(self, client, principle):
        client.force_login(UserFactory(is_staff=True))
        post_reflection(client, principle)
        reflection = Reflection.objects.get()
        assert reflection.status == Reflection.Status.PUBLISHED
        assert reflection.published_at is not None

    def test_general_reflection_without_principle(self, client, user, seed_essay):
        client.force_login(user)
        post_reflection(client, None)
        assert Reflection.objects.get().principle is None

    def test_principle_page_offers_the_form_with_the_principle_chosen(
        self, client, user, principle
    ):
        client.force_login(user)
        page = client.get(principle.get_absolute_url()).content.decode()
        assert f'action="{CREATE_URL}"' in page
        assert f'<option value="{principle.pk}" selected>' in page
        assert 'name="submission_token"' in page

    def test_anonymous_visitor_is_asked_to_log_in(self, client, principle):
        page = client.get(principle.get_absolute_url()).content.decode()
        assert "登录后写心得" in page
        response = client.get(CREATE_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        response = post_reflection(client, principle)
        assert response.status_code == 302
        assert not Reflection.objects.exists()

    def test_markdown_is_rendered_and_sanitized_on_save(self, client, user, principle):
        client.force_login(user)
        post_reflection(client, principle, body="**要点**\n\n<script>alert(1)</script>")
        reflection = Reflection.objects.get()
        assert "<strong>要点</strong>" in reflection.body_html
        assert "<script" not in reflection.body_html
        page = client.get(reflection.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page


class TestBadInput:
    @pytest.mark.parametrize("body", ["", "   \n\t  ", "\u3000\u3000"])
    def test_empty_body_keeps_what_was_typed(self, client, user, principle, body):
        client.force_login(user)
        response = post_reflection(client, principle, body=body, title="保留的标题", tags="甲、乙")
        assert response.status_code == 200
        page = response.content.decode()
        assert "请写下心得正文\uff0c不能为空。" in page
        assert 'value="保留的标题"' in page
        assert 'value="甲、乙"' in page
        assert not Reflection.objects.exists()

    def test_body_over_5000_characters(self, client, user, principle):
        client.force_login(user)
        body = "字" * 6000
        response = post_reflection(client, principle, body=body)
        page = response.content.decode()
        assert "正文最多 5000 个字\uff08现在 6000 个\uff09" in page
        assert body in page
        assert not Reflection.objects.exists()

    def test_body_of_exactly_5000_characters_is_fine(self, client, user, principle):
        client.force_login(user)
        post_reflection(client, principle, body="字" * 5000)
        assert Reflection.objects.count() == 1

    def test_title_over_100_characters(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(client, principle, title="题" * 101)
        assert "标题最多 100 个字\uff08现在 101 个\uff09" in response.content.decode()
        assert not Reflection.objects.exists()

    def test_more_than_8_tags(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(client, principle, tags="一,二,三,四,五,六,七,八,九")
        assert "标签最多 8 个\uff0c你填了 9 个" in response.content.decode()
        assert not Reflection.objects.exists()

    def test_tag_over_30_characters(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(client, principle, tags="短," + "长" * 31)
        assert "每个标签不超过 30 个字" in response.content.decode()
        assert not Reflection.objects.exists()

    def test_full_width_commas_and_enumeration_commas_split_tags(self, client, user, principle):
        client.force_login(user)
        post_reflection(client, principle, tags="群众工作,党性原则、沟通, 心态;群众工作")
        reflection = Reflection.objects.get()
        assert sorted(reflection.tags.names()) == sorted(["群众工作", "党性原则", "沟通", "心态"])

    def test_nul_and_control_characters_are_dropped(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(
            client, principle, title="标\x00题", body="正\x00文\x07内容\x1b。"
        )
        assert response.status_code == 302
        reflection = Reflection.objects.get()
        assert reflection.title == "标题"
        assert reflection.body == "正文内容。"

    def test_double_submit_stores_one_reflection(self, client, user, principle):
        client.force_login(user)
        token = str(uuid.uuid4())
        first = post_reflection(client, principle, submission_token=token)
        second = post_reflection(client, principle, submission_token=token)
        assert Reflection.objects.count() == 1
        assert first["Location"] == second["Location"]

    def test_posting_too_fast_is_refused_with_text_kept(self, client, user, principle, settings):
        settings.REFLECTIONS_PER_HOUR = 10
        client.force_login(user)
        for index in range(10):
            assert post_reflection(client, principle, title=f"第{index}条").status_code == 302
        response = post_reflection(client, principle, body="第十一条的内容")
        assert response.status_code == 200
        page = response.content.decode()
        assert "发布太频繁了\uff1a每小时最多 10 条心得" in page
        assert "第十一条的内容" in page
        assert Reflection.objects.count() == 10
        # An hour later the slots are free again.
        PostingRecord.objects.update(created_at=timezone.now() - timedelta(hours=2))
        assert post_reflection(client, principle).status_code == 302

    def test_deleting_a_reflection_does_not_free_a_slot(self, client, user, principle, settings):
        settings.REFLECTIONS_PER_HOUR = 3
        client.force_login(user)
        for index in range(3):
            assert post_reflection(client, principle, title=f"第{index}条").status_code == 302
        for reflection in Reflection.objects.all():
            url = reverse("experiences:reflection_delete", args=[reflection.pk])
            assert client.post(url).status_code == 302
        assert Reflection.objects.count() == 0
        response = post_reflection(client, principle, body="删了再发")
        assert response.status_code == 200
        assert "每小时最多 3 条心得" in response.content.decode()
        assert Reflection.objects.count() == 0

    def test_unknown_principle_is_a_form_error(self, client, user, principle):
        client.force_login(user)
        response = post_reflection(client, None, principle="999999")
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()


class TestVisibility:
    @pytest.mark.parametrize("status", [Reflection.Status.PENDING, Reflection.Status.REJECTED])
    def test_unpublished_only_for_author_and_moderators(
        self, client, user, other_user, moderator, status
    ):
        reflection = ReflectionFactory(
            author=user, status=status, rejection_reason="内容与原则无关"
        )
        url = reflection.get_absolute_url()
        assert client.get(url).status_code == 404
        client.force_login(other_user)
        assert client.get(url).status_code == 404
        client.force_login(moderator)
        assert client.get(url).status_code == 200
        client.force_login(user)
        page = client.get(url).content.decode()
        if status == Reflection.Status.REJECTED:
            assert "驳回理由\uff1a内容与原则无关" in page

    def test_unpublished_never_listed_for_others(self, client, user, principle):
        ReflectionFactory(author=user, principle=principle, title="待审的", status="pending")
        ReflectionFactory(author=user, principle=principle, title="公开的")
        for url in (
            principle.get_absolute_url(),
            reverse("experiences:reflection_list"),
            user.get_absolute_url(),
        ):
            page = client.get(url).content.decode()
            assert "公开的" in page and "待审的" not in page
        client.force_login(user)
        assert "待审的" in client.get(user.get_absolute_url()).content.decode()


class TestEditAndDelete:
    def test_author_edits_with_a_timestamp(self, client, user, principle):
        reflection = ReflectionFactory(author=user, principle=principle, tags=["旧标签"])
        client.force_login(user)
        url = reverse("experiences:reflection_update", args=[reflection.pk])
        form_page = client.get(url).content.decode()
        assert "旧标签" in form_page
        response = client.post(
            url,
            {"principle": principle.pk, "title": "改过的", "body": "新的正文", "tags": "新标签"},
        )
        assert response.status_code == 302
        reflection.refresh_from_db()
        assert reflection.title == "改过的" and reflection.body_html == "<p>新的正文</p>\n"
        assert reflection.edited_at is not None
        assert list(reflection.tags.names()) == ["新标签"]
        assert "已编辑于" in client.get(reflection.get_absolute_url()).content.decode()

    def test_editing_a_rejected_reflection_resubmits_it(self, client, user):
        reflection = ReflectionFactory(author=user, status="rejected", rejection_reason="太短")
        client.force_login(user)
        client.post(
            reverse("experiences:reflection_update", args=[reflection.pk]), {"body": "补充后的正文"}
        )
        reflection.refresh_from_db()
        assert reflection.status == Reflection.Status.PENDING

    def test_bad_edit_keeps_text_and_changes_nothing(self, client, user):
        reflection = ReflectionFactory(author=user, body="原文")
        client.force_login(user)
        response = client.post(
            reverse("experiences:reflection_update", args=[reflection.pk]),
            {"title": "新标题", "body": " "},
        )
        assert response.status_code == 200
        assert 'value="新标题"' in response.content.decode()
        reflection.refresh_from_db()
        assert reflection.body == "原文"

    @pytest.mark.parametrize("action", ["reflection_update", "reflection_delete"])
    def test_nobody_else_can_edit_or_delete(self, client, user, other_user, moderator, action):
        reflection = ReflectionFactory(author=user, body="原文")
        url = reverse(f"experiences:{action}", args=[reflection.pk])
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.post(url, {"body": "篡改"}).status_code == 302
        for intruder in (other_user, moderator):
            client.force_login(intruder)
            assert client.get(url).status_code == 404
            assert client.post(url, {"body": "篡改"}).status_code == 404
        reflection.refresh_from_db()
        assert reflection.body == "原文"

    def test_author_deletes(self, client, user):
        reflection = ReflectionFactory(author=user)
        client.force_login(user)
        url = reverse("experiences:reflection_delete", args=[reflection.pk])
        assert "确定要删除" in client.get(url).content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert not Reflection.objects.exists()


class TestLikes:
    def like_url(self, reflection):
        return reverse("experiences:reflection_like", args=[reflection.pk])

    def test_like_and_unlike_with_the_plain_form(self, client, other_user):
        reflection = ReflectionFactory()
        client.force_login(other_user)
        response = client.post(
            self.like_url(reflection), {"action": "like", "next": "/reflections/"}
        )
        assert response.status_code == 302 and response["Location"] == "/reflections/"
        assert reflection.likes.count() == 1
        client.post(self.like_url(reflection), {"action": "like"})
        assert reflection.likes.count() == 1
        page = client.get(reflection.get_absolute_url()).content.decode()
        assert 'aria-pressed="true"' in page
        client.post(self.like_url(reflection), {"action": "unlike"})
        assert reflection.likes.count() == 0

    def test_json_for_the_enhancement_script(self, client, other_user):
        reflection = ReflectionFactory()
        LikeFactory(reflection=reflection)
        client.force_login(other_user)
        response = client.post(
            self.like_url(reflection), {"action": "like"}, HTTP_ACCEPT="application/json"
        )
        assert response.json() == {"liked": True, "count": 2}

    def test_cannot_like_own_reflection(self, client, user):
        reflection = ReflectionFactory(author=user)
        client.force_login(user)
        response = client.post(self.like_url(reflection), {"action": "like"}, follow=True)
        assert "不能给自己的心得点赞" in response.content.decode()
        assert reflection.likes.count() == 0
        response = client.post(self.like_url(reflection), HTTP_ACCEPT="application/json")
        assert response.status_code == 403

    def test_anonymous_is_sent_to_login_and_brought_back(self, client):
        reflection = ReflectionFactory()
        response = client.post(self.like_url(reflection), {"action": "like"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "next=" in response["Location"] and str(reflection.pk) in response["Location"]
        assert reflection.likes.count() == 0

    def test_get_changes_nothing_and_unpublished_is_404(self, client, other_user):
        published = ReflectionFactory()
        client.force_login(other_user)
        response = client.get(self.like_url(published))
        assert response.status_code == 302
        assert response["Location"] == published.get_absolute_url()
        assert published.likes.count() == 0
        reflection = ReflectionFactory(status="pending")
        assert client.get(self.like_url(reflection)).status_code == 404
        assert client.post(self.like_url(reflection)).status_code == 404

    def test_offsite_next_is_ignored(self, client, other_user):
        reflection = ReflectionFactory()
        client.force_login(other_user)
        response = client.post(self.like_url(reflection), {"next": "https://evil.example/"})
        assert response["Location"] == reflection.get_absolute_url()


class TestLists:
    def test_principle_page_pages_of_20_newest_first(self, client, principle):
        now = timezone.now()
        for index in range(25):
            reflection = ReflectionFactory(principle=principle, title=f"第{index:02d}条")
            Reflection.objects.filter(pk=reflection.pk).update(
                created_at=now - timedelta(minutes=index)
            )
        page = client.get(principle.get_absolute_url()).content.decode()
        assert "第00条" in page and "第19条" in page and "第20条" not in page
        assert page.index("第00条") < page.index("第01条")
        page2 = client.get(principle.get_absolute_url() + "?page=2").content.decode()
        assert "第20条" in page2 and "第24条" in page2

    def test_sort_by_most_likes(self, client, principle):
        plain = ReflectionFactory(principle=principle, title="没人赞")
        popular = ReflectionFactory(principle=principle, title="很多赞")
        LikeFactory.create_batch(3, reflection=popular)
        Reflection.objects.filter(pk=plain.pk).update(
            created_at=timezone.now() + timedelta(hours=1)
        )
        newest = client.get(principle.get_absolute_url()).content.decode()
        assert newest.index("没人赞") < newest.index("很多赞")
        liked = client.get(principle.get_absolute_url() + "?sort=likes").content.decode()
        assert liked.index("很多赞") < liked.index("没人赞")

    def test_featured_first(self, client, principle):
        ReflectionFactory(principle=principle, title="普通的")
        featured = ReflectionFactory(principle=principle, title="精选的", is_featured=True)
        Reflection.objects.filter(pk=featured.pk).update(
            created_at=timezone.now() - timedelta(days=3)
        )
        page = client.get(principle.get_absolute_url()).content.decode()
        assert page.index("精选的") < page.index("普通的")

    @pytest.mark.parametrize("page", ["abc", "999", "-1", "0", "1.5", "9" * 30])
    def test_bad_page_numbers_show_a_page(self, client, principle, page):
        ReflectionFactory.create_batch(3, principle=principle)
        for url in (principle.get_absolute_url(), reverse("experiences:reflection_list")):
            response = client.get(url, {"page": page})
            assert response.status_code == 200

    def test_reflection_list_filters_by_principle_and_tag(self, client, seed_essay):
        first, second = seed_essay.principles.all()[:2]
        ReflectionFactory(principle=first, title="甲", tags=["沟通"])
        ReflectionFactory(principle=second, title="乙", tags=["沟通"])
        ReflectionFactory(principle=second, title="丙")
        url = reverse("experiences:reflection_list")
        by_principle = client.get(url, {"principle": second.pk}).content.decode()
        assert (
            "乙</a>" in by_principle and "丙</a>" in by_principle and "甲</a>" not in by_principle
        )
        by_tag = client.get(url, {"tag": "沟通"}).content.decode()
        assert "甲</a>" in by_tag and "乙</a>" in by_tag and "丙</a>" not in by_tag
        assert client.get(url, {"principle": "abc"}).status_code == 200

    def test_user_page(self, client, user):
        user.unit = "城关镇"
        user.post = "信访办"
        user.years_of_service = 10
        user.save()
        ReflectionFactory(author=user, title="小王的心得")
        page = client.get(user.get_absolute_url()).content.decode()
        assert "小王" in page and "城关镇" in page and "信访办" in page and "工作 10 年" in page
        assert "小王的心得" in page
        assert client.get("/users/nobody/").status_code == 404


class TestQueryCounts:
    def grow(self, principle, count):
        likers = UserFactory.create_batch(3)
        for index in range(count):
            reflection = ReflectionFactory(principle=principle, tags=[f"标签{index}", "共同"])
            for liker in likers:
                LikeFactory(user=liker, reflection=reflection)

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_pages_stay_constant(
        self, client, user, principle, logged_in, django_assert_max_num_queries
    ):
        if logged_in:
            client.force_login(user)
        urls = [
            principle.get_absolute_url(),
            reverse("experiences:reflection_list"),
            reverse("experiences:reflection_list") + "?sort=likes",
        ]
        self.grow(principle, 2)
        ReflectionFactory(author=user, principle=principle, tags=["我的"])
        urls.append(user.get_absolute_url())
        # Signed in: the session and the user, 点赞 state, draft, 收藏, 已学, unread count;
        # on the principle page the permission to preview drafts and whether the page holds
        # anything of the viewer's own (core/shared_pages.py), its 已学/收藏 filled in after
        # the shared render.
        limit = 17 if logged_in else 9
        for url in urls:
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200
        self.grow(principle, 25)
        ReflectionFactory.create_batch(5, author=user, principle=principle)
        for url in urls:
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200

    def test_detail_page(self, client, other_user, django_assert_max_num_queries):
        reflection = ReflectionFactory(tags=["甲", "乙"])
        LikeFactory.create_batch(5, reflection=reflection)
        client.force_login(other_user)
        # 9: the session and the user, the page and its likes and tags, the replies page,
        # and the unread count.
        with django_assert_max_num_queries(9):
            assert client.get(reflection.get_absolute_url()).status_code == 200
        LikeFactory.create_batch(20, reflection=reflection)
        reflection.tags.add(*[f"标签{i}" for i in range(7)])
        with django_assert_max_num_queries(9):
            assert client.get(reflection.get_absolute_url()).status_code == 200


def test_general_reflections_do_not_need_a_principle(client):
    reflection = ReflectionFactory(principle=None, title="通用的")
    assert client.get(reflection.get_absolute_url()).status_code == 200
    assert "通用的" in client.get(reverse("experiences:reflection_list")).content.decode()


def test_deleting_a_principle_keeps_its_reflections_as_general_ones():
    reflection = ReflectionFactory(principle=PrincipleFactory())
    reflection.principle.delete()
    reflection.refresh_from_db()
    assert reflection.principle is None


def test_the_queryset_still_says_whether_it_is_ordered():
    """Found by mypy: a sort method named ``ordered`` hid QuerySet.ordered, a property that
    ``first()`` and the paginator read; every reflection queryset then claimed an order."""
    assert Reflection.objects.order_by().ordered is False
    assert Reflection.objects.all().ordered is True  # Meta.ordering
    assert Reflection.objects.order_by().sorted_by("likes").ordered is True
