"""/accounts/data/: a colleague downloads everything the site holds about them, as one ZIP."""

import io
import json
import zipfile

import pytest
from axes.models import AccessLog
from django.test import Client
from django.urls import reverse

from experiences.accounts import data_export
from experiences.accounts.data_export import (
    SectionNameInvalid,
    data_export_write,
    json_file,
    register_section,
)
from experiences.core.markdown import markdown_render
from experiences.reflections.models import ModerationLog, Reflection
from experiences.reflections.moderation import reflection_reject
from experiences.reflections.services import like_set
from experiences.replies.moderation import reply_reject
from tests.factories import ReflectionFactory, ReplyFactory

pytestmark = pytest.mark.django_db


def download(client) -> zipfile.ZipFile:
    response = client.post(reverse("data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="kb-data-')
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def author_with_data(user, other_user, principle, moderator):
    user.unit = "城关镇"
    user.save()
    mine = ReflectionFactory(
        author=user, principle=principle, title="走访心得", body="**入户**走访。", tags=["走访"]
    )
    rejected = ReflectionFactory(author=user, principle=principle, title="被驳回的")
    reflection_reject(reflection=rejected, reason="离题了", moderator=moderator)
    theirs = ReflectionFactory(author=other_user, principle=principle, title="老李的心得")
    like_set(user=user, reflection=theirs, liked=True)
    AccessLog.objects.create(
        username="xiaowang", ip_address="203.0.113.5", user_agent="Firefox", path_info="/login/"
    )
    AccessLog.objects.create(
        username="laoli", ip_address="198.51.100.5", user_agent="Edge", path_info="/login/"
    )
    return {"mine": mine, "rejected": rejected, "theirs": theirs}


def test_the_page_needs_a_signed_in_colleague(client):
    for method in (client.get, client.post):
        response = method(reverse("data_export"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_page_says_what_the_zip_holds_and_posts_with_csrf(client, user):
    client.force_login(user)
    page = client.get(reverse("data_export")).content.decode()
    assert "<h1>我的数据</h1>" in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("data_export")).status_code == 403


def test_the_zip_holds_profile_reflections_likes_logins_and_moderation(
    client, user, author_with_data
):
    client.force_login(user)
    archive = download(client)
    names = set(archive.namelist())
    mine, rejected = author_with_data["mine"], author_with_data["rejected"]
    assert {
        "说明.txt",
        "profile/profile.json",
        f"reflections/{mine.pk:06d}-走访心得.md",
        f"reflections/{rejected.pk:06d}-被驳回的.md",
        "likes/likes.json",
        "logins/logins.json",
        "moderation/moderation.json",
    } <= names
    assert not any("老李" in name for name in names)

    profile = json.loads(archive.read("profile/profile.json"))
    assert profile["username"] == "xiaowang"
    assert profile["display_name"] == "小王"
    assert profile["unit"] == "城关镇"

    markdown = archive.read(f"reflections/{mine.pk:06d}-走访心得.md").decode()
    front, body = markdown.split("\n---\n\n", 1)
    assert front.startswith("---\n")
    assert 'title: "走访心得"' in front
    assert f'principle: "{mine.principle}"' in front
    assert 'status: "已发布"' in front
    assert 'tags: ["走访"]' in front
    assert "created: " in front and "published: " in front
    assert body == "**入户**走访。\n"
    rejected_md = archive.read(f"reflections/{rejected.pk:06d}-被驳回的.md").decode()
    assert 'status: "已驳回"' in rejected_md and 'rejection_reason: "离题了"' in rejected_md

    likes = json.loads(archive.read("likes/likes.json"))
    assert [like["title"] for like in likes] == ["老李的心得"]

    logins = json.loads(archive.read("logins/logins.json"))
    addresses = [row["ip_address"] for row in logins["successful_logins"]]
    # force_login is a sign-in too (django-axes records it, without an address).
    assert "203.0.113.5" in addresses and "198.51.100.5" not in addresses

    moderation = json.loads(archive.read("moderation/moderation.json"))
    (entry,) = moderation["about_my_reflections"]
    assert entry["action"] == "驳回" and entry["reason"] == "离题了"
    assert moderation["my_moderation_actions"] == []


def test_a_moderator_gets_their_own_actions(client, moderator, author_with_data):
    client.force_login(moderator)
    moderation = json.loads(download(client).read("moderation/moderation.json"))
    assert [entry["action"] for entry in moderation["my_moderation_actions"]] == ["驳回"]
    assert moderation["about_my_reflections"] == []


def test_a_front_matter_value_cannot_break_out_of_its_line(client, user, principle):
    ReflectionFactory(author=user, principle=principle, title='引号"\n---\nstatus: 伪造')
    client.force_login(user)
    archive = download(client)
    (name,) = [n for n in archive.namelist() if n.startswith("reflections/")]
    front = archive.read(name).decode().split("\n---\n\n", 1)[0]
    assert front.count("\nstatus: ") == 1
    assert "/" not in name.removeprefix("reflections/")


def test_domains_plug_in_their_own_sections(client, user, monkeypatch):
    monkeypatch.setattr(data_export, "_sections", dict(data_export._sections))

    def bookmarks(who):
        yield "bookmarks.json", json_file([{"owner": who.username}])

    register_section("bookmarks", bookmarks)
    client.force_login(user)
    archive = download(client)
    assert json.loads(archive.read("bookmarks/bookmarks.json")) == [{"owner": "xiaowang"}]
    assert "bookmarks/" in archive.read("说明.txt").decode()


def test_a_section_cannot_write_outside_its_folder(user, monkeypatch):
    monkeypatch.setattr(data_export, "_sections", {})
    with pytest.raises(SectionNameInvalid):
        register_section("../up", lambda who: [])
    register_section("evil", lambda who: [("../../etc/passwd", "x")])
    with pytest.raises(SectionNameInvalid):
        data_export_write(user=user, file=io.BytesIO())


def test_downloads_are_throttled(client, user, settings):
    settings.KB_DATA_EXPORTS_PER_HOUR = 2
    client.force_login(user)
    download(client)
    download(client)
    response = client.post(reverse("data_export"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("data_export")
    assert "一小时内导出次数过多\uff0c请稍后再试。" in response.content.decode()


def test_a_thousand_reflections_in_a_bounded_number_of_queries(
    client, user, principle, django_assert_max_num_queries
):
    html = markdown_render("正文")
    Reflection.objects.bulk_create(
        Reflection(author=user, principle=principle, title=f"第{n}条", body="正文", body_html=html)
        for n in range(1000)
    )
    ModerationLog.objects.create(actor=None, action="approve", subject="x")
    client.force_login(user)
    with django_assert_max_num_queries(40):
        archive = download(client)
    assert sum(name.startswith("reflections/") for name in archive.namelist()) == 1000


def test_the_privacy_page_says_what_export_and_deletion_do(client, settings):
    settings.KB_IP_RETENTION_DAYS = 9
    page = client.get(reverse("privacy")).content.decode()
    assert "<h2" in page and "下载你的数据" in page and "注销账号" in page
    assert "已注销用户" in page and "ZIP" in page
    assert "IP 地址保存 9 天后截短为网段" in page


def test_own_page_links_to_data_and_leaving(client, user, other_user):
    client.force_login(user)
    own = client.get(reverse("experiences:user_detail", args=["xiaowang"])).content.decode()
    assert f'href="{reverse("data_export")}"' in own
    assert f'href="{reverse("account_delete")}"' in own
    other = client.get(reverse("experiences:user_detail", args=["laoli"])).content.decode()
    assert reverse("account_delete") not in other


def test_failed_logins_under_my_name_come_without_the_other_partys_address(client, user):
    # Someone else, elsewhere, typed this colleague's name with a wrong password.
    stranger = Client()
    stranger.post(
        reverse("login"),
        {"username": user.username, "password": "guess"},
        REMOTE_ADDR="198.51.100.77",
        HTTP_USER_AGENT="StrangerBrowser/1.0",
    )
    client.force_login(user)
    archive = download(client)
    raw = archive.read("logins/logins.json").decode()
    assert "198.51.100.77" not in raw and "StrangerBrowser" not in raw
    logins = json.loads(raw)
    (counter,) = logins["failed_login_counters"]
    assert counter["failures_since_start"] == 1 and counter["attempt_time"]
    assert "ip_address" not in counter and "user_agent" not in counter
    for row in logins["failed_logins"]:
        assert set(row) == {"attempt_time", "path_info", "locked_out"}


def test_another_colleagues_rejected_reply_stays_out_of_the_authors_export(
    client, user, other_user, principle, moderator
):
    mine = ReflectionFactory(author=user, principle=principle, title="走访心得")
    reply = ReplyFactory(reflection=mine, author=other_user, body="只给版主看的气话")
    reply_reject(reply=reply, reason="人身攻击", moderator=moderator)
    reflection_reject(reflection=mine, reason="离题了", moderator=moderator)
    client.force_login(user)
    archive = download(client)
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "只给版主看的气话" not in everything
    assert "人身攻击" not in everything
    moderation = json.loads(archive.read("moderation/moderation.json"))
    # What was done to the reflection itself is still there.
    assert [entry["reason"] for entry in moderation["about_my_reflections"]] == ["离题了"]

    # The reply's author has it: their reply, its status and the reason.
    client.force_login(other_user)
    reply_md = download(client).read(f"replies/{reply.pk:06d}.md").decode()
    assert "只给版主看的气话" in reply_md and 'rejection_reason: "人身攻击"' in reply_md
