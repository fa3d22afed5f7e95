"""The caching rules, enforced here rather than stated in comments (core/caching.py).

- Every model whose rows a page could show is declared: written by a path of
  tests/site/test_side_effects.py's WRITE_PATHS, which proves that path moves the
  content version (``pages_changed``) or the viewer's state version
  (``viewer_state_changed``), or listed below as shown on no cached page, with the reason.
- Each mechanism can be turned off (KB_CACHING, for `make bench-http --without`), and
  pages stay correct and fresh without it.
- The unread count kept with a viewer's facts follows every write of a notification.
"""

import pytest
from django.apps import apps
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from experiences.notifications.services import (
    notification_create,
    notification_mark_read,
    notifications_mark_all_read,
)
from experiences.reflections.models import Like
from experiences.reflections.moderation import reflection_publish
from experiences.reflections.services import like_set
from tests.factories import ReflectionFactory, UserFactory
from tests.site.test_side_effects import PAGES, WRITE_PATHS

pytestmark = pytest.mark.django_db

# Model name -> why no cached page or viewer fact depends on its rows.
NOT_SHOWN = {
    "HistoricalEssay": "revision history, shown only in the admin",
    "HistoricalPrinciple": "revision history, shown only in the admin",
    "HistoricalQuotation": "revision history, shown only in the admin",
    "Repair": "importer repairs, shown only to editors in the admin",
    "ExportJob": "a colleague's export, on their own uncached page",
    "PostingRecord": "the posting limit's count, never shown",
    "ReplyPostingRecord": "the posting limit's count, never shown",
    "ModerationLog": "shown only in the admin",
    "Flag": "hiding a reflection saves the reflection (flag_hidden), which pages show",
    "Notification": "its services move the recipient's viewer state (the unread count)",
    "FailedTask": "the task queue's dead letters, admin only",
    "OutgoingMail": "the mail outbox, never shown",
    "SearchDocument": "search results follow the rows indexed, which pages show",
    "SearchWord": "the index's vocabulary, derived from rows pages show",
    "RosterBatch": "organisers' roster uploads, on uncached pages",
    "Enrolment": "sign-in links, on uncached organiser pages",
    "StudyReminderRequest": "reminder requests, sent as notifications",
}


def written_by_a_path(*, effect: str | None = None) -> set[type]:
    return {
        model
        for write in WRITE_PATHS
        if effect is None or effect in write.effects
        for model in write.models
    }


def test_every_model_is_declared_shown_or_not():
    models = [
        model for model in apps.get_app_config("experiences").get_models() if not model._meta.proxy
    ]
    shown = written_by_a_path()
    undecided = [
        model.__name__
        for model in [*models, Tag, TaggedItem]
        if (model in shown) == (model.__name__ in NOT_SHOWN)
    ]
    assert undecided == [], (
        "add a write path of each to tests/site/test_side_effects.py (its service calling "
        "pages_changed or viewer_state_changed) or add it to NOT_SHOWN with the reason; not both"
    )


def test_what_pages_show_includes_tags_reflections_and_likes():
    for model in (Tag, TaggedItem, ReflectionFactory._meta.model, Like):
        assert model in written_by_a_path(effect=PAGES)


# ---- KB_CACHING: each mechanism off, pages correct and fresh.


def test_without_pages_no_anonymous_page_is_cached_and_each_is_fresh(client, settings, principle):
    settings.KB_CACHING = "shared,facts"
    pending = ReflectionFactory(principle=principle, title="无缓存时通过的心得", status="pending")
    url = principle.get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and "X-Page-Cache" not in response
    reflection_publish(reflection=pending)
    assert "无缓存时通过的心得" in client.get(url).text


def test_without_shared_signed_in_pages_are_rendered_per_viewer(client, settings, principle):
    settings.KB_CACHING = "pages,facts"
    card = ReflectionFactory(principle=principle)
    viewer = UserFactory()
    client.force_login(viewer)
    url = principle.get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        assert "X-Page-Cache" not in response
        assert viewer.get_absolute_url() in response.text
    like_set(user=viewer, reflection=card, liked=True)
    assert "已赞" in client.get(url).text
    client.logout()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"  # the anonymous cache still runs


def test_without_facts_each_shared_hit_looks_the_viewer_up(
    client, settings, principle, django_assert_max_num_queries
):
    settings.KB_CACHING = "pages,shared"
    card = ReflectionFactory(principle=principle)
    viewer = UserFactory()
    client.force_login(viewer)
    url = reverse("experiences:reflection_list")
    client.get(url)
    with django_assert_max_num_queries(10) as hit:
        response = client.get(url)
    assert response["X-Page-Cache"] == "shared-hit"
    # The session and the user, whether the viewer shares the page, their 点赞, the count.
    assert len(hit.captured_queries) > 2
    like_set(user=viewer, reflection=card, liked=True)
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "shared-hit" and "已赞" in response.text


# ---- The unread count on shared pages: a viewer fact, moved by every notification write.


def unread_on_shared_hit(client) -> str:
    response = client.get(reverse("experiences:reflection_list"))
    assert response["X-Page-Cache"] == "shared-hit"
    text = response.text
    marker = '<span class="notifications-unread">'
    return text.split(marker, 1)[1].split("<", 1)[0] if marker in text else "0"


def test_the_unread_count_follows_every_write_on_shared_pages(client, principle):
    viewer = UserFactory()
    client.force_login(viewer)
    client.get(reverse("experiences:reflection_list"))
    assert unread_on_shared_hit(client) == "0"
    first = notification_create(recipient=viewer, kind="study_due", text="学习专题将到期")
    assert unread_on_shared_hit(client) == "1"
    notification_create(recipient=viewer, kind="study_due", text="另一个专题将到期")
    assert unread_on_shared_hit(client) == "2"
    notification_mark_read(user=viewer, notification_id=first.pk)
    assert unread_on_shared_hit(client) == "1"
    notifications_mark_all_read(user=viewer)
    assert unread_on_shared_hit(client) == "0"
