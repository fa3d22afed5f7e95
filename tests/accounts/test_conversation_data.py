"""Replies, 举报 and notifications in a colleague's data export, and when they leave."""

import io
import json
import zipfile

import pytest

from experiences.accounts.data_export import data_export_write
from experiences.accounts.deletion import account_delete
from experiences.flags.models import Flag
from experiences.flags.services import flag_create
from experiences.notifications.models import Notification
from experiences.reflections.models import Reflection
from experiences.replies.services import reply_create
from tests.factories import (
    BookmarkFactory,
    DraftFactory,
    PrincipleReadFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def replier():
    person = UserFactory(username="xiaowang", display_name="小王")
    ReflectionFactory(author=person)  # trusted: replies publish at once
    return person


def export_of(user) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    data_export_write(user=user, file=buffer)
    return zipfile.ZipFile(buffer)


def test_export_holds_replies_flags_and_notifications(replier):
    reflection = ReflectionFactory(title="原则要守")
    reply_create(author=replier, reflection=reflection, body="我的**回复**原文")
    flag_create(reporter=replier, item=ReflectionFactory(), reason=Flag.Reason.OTHER, detail="广告")
    reply_create(author=reflection.author, reflection=reflection, body="作者的回复")
    archive = export_of(replier)
    names = archive.namelist()
    reply_files = [name for name in names if name.startswith("replies/")]
    assert len(reply_files) == 1
    text = archive.read(reply_files[0]).decode()
    assert "我的**回复**原文" in text and "原则要守" in text
    flags = json.loads(archive.read("flags/flags.json"))
    assert flags[0]["detail"] == "广告"
    mine = export_of(reflection.author)
    notifications = json.loads(mine.read("notifications/notifications.json"))
    assert "小王" in notifications[0]["text"]


def test_leaving_recounts_replies_and_unnames_the_notification(replier):
    reflection = ReflectionFactory()
    reply_create(author=replier, reflection=reflection, body="将被删除的回复")
    assert Reflection.objects.get(pk=reflection.pk).reply_count == 1
    account_delete(user=replier, keep_reflections=True)
    assert Reflection.objects.get(pk=reflection.pk).reply_count == 0
    notification = Notification.objects.get(recipient=reflection.author)
    assert "小王" not in notification.text
    assert "已注销用户" in notification.text
    assert notification.detail == ""


def test_export_holds_drafts_bookmarks_and_reading(user):
    DraftFactory(author=user, body="没写完的**草稿**")
    BookmarkFactory(user=user)
    PrincipleReadFactory(user=user)
    archive = export_of(user)
    names = archive.namelist()
    drafts = [name for name in names if name.startswith("drafts/")]
    assert "没写完的**草稿**" in archive.read(drafts[0]).decode()
    assert len(json.loads(archive.read("reading/bookmarks.json"))) == 1
    assert len(json.loads(archive.read("reading/principles_read.json"))) == 1
    # Someone else's export holds none of it.
    assert not any(
        name.startswith(("drafts/", "reading/")) for name in export_of(UserFactory()).namelist()
    )
