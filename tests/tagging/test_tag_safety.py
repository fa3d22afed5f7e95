"""Tags cannot leak or impersonate: private until published, one spelling for look-alikes.

A tag only a pending or rejected reflection carries is unknown everywhere a
visitor looks (tag page, feed, search) and becomes public when the reflection
is published. Names that display the same are the same tag.
"""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from taggit.models import Tag

from experiences.reflections.models import Reflection
from experiences.reflections.moderation import reflection_publish, reflection_reject
from experiences.reflections.services import reflection_create, reflection_update
from experiences.search.models import SearchDocument
from experiences.search.query import query_parse, search_run
from experiences.tagging.services import TAG_SEPARATORS, tag_key, tag_name_normalise, tags_parse
from tests.admin_forms import tag_form
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "内部线索"


def tag_urls(name=SECRET):
    return [
        reverse("experiences:tag_detail", kwargs={"name": name}),
        reverse("experiences:feed_tag", kwargs={"name": name}),
    ]


def tag_found(name=SECRET, user=None) -> bool:
    results = search_run(query=query_parse(name), user=user)
    return any(doc.kind == SearchDocument.Kind.TAG and doc.title == name for doc in results)


@pytest.fixture
def pending(db):
    newcomer = UserFactory(username="xinren")
    reflection, _ = reflection_create(
        author=newcomer, principle=None, title="", body="新人的体会。", tags=[SECRET]
    )
    assert reflection.status == Reflection.Status.PENDING
    return reflection


class TestPrivateTags:
    def test_a_pending_reflections_tag_is_unknown(self, client, pending):
        for url in tag_urls():
            assert client.get(url).status_code == 404, url
        assert not tag_found()
        response = client.get(reverse("experiences:search"), {"q": SECRET})
        assert f"tag:{SECRET}" not in response.content.decode()
        assert SECRET not in client.get(reverse("experiences:tag_list")).content.decode()
        # Nor for a signed-in colleague, nor for the author's own search of tags.
        assert not tag_found(user=UserFactory())
        assert not tag_found(user=pending.author)

    def test_publishing_makes_it_public_and_rejecting_hides_it_again(self, client, pending):
        reflection_publish(reflection=pending)
        for url in tag_urls():
            assert client.get(url).status_code == 200, url
        assert tag_found()
        reflection_reject(reflection=pending, reason="不合适")
        for url in tag_urls():
            assert client.get(url).status_code == 404, url
        assert not tag_found()

    def test_taking_the_tag_off_or_deleting_hides_it(self, client, user):
        published = ReflectionFactory(author=user)
        reflection_update(
            reflection=published, principle=None, title="", body="正文。", tags=[SECRET]
        )
        assert tag_found()
        reflection_update(reflection=published, principle=None, title="", body="正文。", tags=[])
        assert not tag_found()
        assert client.get(tag_urls()[0]).status_code == 404
        reflection_update(
            reflection=published, principle=None, title="", body="正文。", tags=[SECRET]
        )
        assert tag_found()
        published.delete()
        assert not tag_found()
        assert client.get(tag_urls()[0]).status_code == 404

    def test_a_tag_on_a_published_principle_is_public(self, client, seed_essay):
        seed_essay.principles.first().tags.add(SECRET)
        assert client.get(tag_urls()[0]).status_code == 200
        assert tag_found()

    def test_unknown_tag_is_still_404(self, client, db):
        for url in tag_urls("从没有过"):
            assert client.get(url).status_code == 404


LOOKALIKES = [
    "群众工作\u200c",  # zero-width non-joiner
    "群众工作\u200d",  # zero-width joiner
    "群众\u2060工作",  # word joiner
    "群众\u00ad工作",  # soft hyphen
    "群众工作\ufe0f",  # variation selector
    "群众工作\u202e",  # a trailing right-to-left override
    "\u200b群众工作\ufeff",
]


class TestLookalikeTags:
    @pytest.mark.parametrize("typed", LOOKALIKES)
    def test_invisible_characters_are_dropped(self, typed):
        assert tag_name_normalise(typed) == "群众工作"
        assert tags_parse(typed) == ["群众工作"]

    def test_reversed_text_after_an_override_no_longer_looks_the_same(self):
        # "\u202e作工众群" displays as 群众工作; without the override it reads as stored.
        assert tag_name_normalise("\u202e作工众群") == "作工众群"

    def test_full_width_letters_and_digits_are_the_ascii_ones(self):
        assert tag_name_normalise("\uff21\uff22\uff23") == "ABC"
        assert tag_key("\uff21\uff22\uff23") == tag_key("abc")
        assert tags_parse("\uff21\uff22\uff23, abc") == ["ABC"]
        assert tag_name_normalise("\uff11\uff12\uff13\u53f7\u6587\u4ef6") == "123号文件"

    def test_cyrillic_and_greek_lookalikes_are_latin(self):
        assert tag_name_normalise("p\u0430rty") == "party"  # Cyrillic а
        assert tag_name_normalise("\u0420\u0420\u0422") == "PPT"  # Cyrillic Р, Т
        assert tag_name_normalise("\u03bfk") == "ok"  # Greek omicron
        assert tags_parse("party, p\u0430rty, PARTY") == ["party"]

    def test_separators_hold_ascii_and_full_width_code_points(self):
        pattern = TAG_SEPARATORS.pattern
        for character in (",", "\uff0c", "\u3001", ";", "\uff1b"):
            assert character in pattern, hex(ord(character))
        assert tags_parse("群众工作\uff0c党性原则\uff1b沟通\u3001心态") == [
            "群众工作",
            "党性原则",
            "沟通",
            "心态",
        ]

    def test_lookalikes_typed_into_the_form_share_one_tag(self, client, user):
        client.force_login(user)
        url = reverse("experiences:reflection_create")
        for index, typed in enumerate(["群众工作", *LOOKALIKES[:3], "\uff21\uff22\uff23"]):
            response = client.post(
                url,
                {"body": f"第{index}条体会。", "tags": typed, "submission_token": ""},
            )
            assert response.status_code == 302
        assert sorted(Tag.objects.values_list("name", flat=True)) == ["ABC", "群众工作"]

    def test_the_service_normalises_names_it_is_given(self, user):
        reflection, _ = reflection_create(
            author=user,
            principle=None,
            title="",
            body="体会。",
            tags=["群众工作\u200d", "群众工作"],
        )
        assert list(reflection.tags.names()) == ["群众工作"]

    def test_admin_rename_is_normalised_and_refuses_a_twin(self, admin_client):
        Tag.objects.create(name="群众工作", slug="qzgz")
        other = Tag.objects.create(name="沟通", slug="gt")
        url = reverse("admin:taggit_tag_change", args=[other.pk])
        response = admin_client.post(url, tag_form(other, name="群众工作\u200d"))
        assert response.status_code == 200
        assert "已有同名标签" in response.content.decode()
        response = admin_client.post(url, tag_form(other, name="\u200b沟通\uff01"))
        assert response.status_code == 302
        other.refresh_from_db()
        assert other.name == "沟通!"


def test_migration_merges_existing_lookalikes(user, other_user):
    first = ReflectionFactory(author=user)
    second = ReflectionFactory(author=other_user)
    # Stored apart, as they were before names were normalised.
    plain = Tag.objects.create(name="群众工作", slug="a")
    joiner = Tag.objects.create(name="群众工作\u200d", slug="b")
    wide = Tag.objects.create(name="\uff21\uff22\uff23", slug="c")
    first.tags.add(plain, joiner)
    second.tags.add(joiner, wide)
    migration = importlib.import_module("experiences.migrations.0007_tag_names_normalise")
    migration.tags_merge_lookalikes(apps, None)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["ABC", "群众工作"]
    assert sorted(first.tags.names()) == ["群众工作"]
    assert sorted(second.tags.names()) == ["ABC", "群众工作"]
    assert Tag.objects.get(name="群众工作").pk == plain.pk


TRAVERSAL = "../../accounts/delete"


class TestPathLikeNames:
    """A tag's page is /tags/<name>/: no name may make a link that leaves /tags/."""

    @pytest.mark.parametrize(
        "typed", [TRAVERSAL, "..", ".", "a\\..\\b", "党建/工作", "\uff0e\uff0e"]
    )
    def test_the_form_refuses_them_and_keeps_what_was_typed(self, client, user, principle, typed):
        client.force_login(user)
        response = client.post(
            reverse("experiences:reflection_create"),
            {
                "principle": principle.pk,
                "title": "我的体会",
                "body": "和群众打成一片。",
                "tags": f"群众工作,{typed}",
                "submission_token": "",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "标签不能含有" in page
        assert "和群众打成一片。" in page
        assert not Reflection.objects.exists()
        assert not Tag.objects.exists()

    def test_no_service_stores_them(self, user):
        with pytest.raises(ValidationError):
            reflection_create(
                author=user, principle=None, title="", body="正文。", tags=["..", "群众工作"]
            )
        assert not Tag.objects.exists()

    def test_the_admin_refuses_renaming_a_tag_so(self, admin_client):
        tag = Tag.objects.create(name="沟通", slug="gt")
        url = reverse("admin:taggit_tag_change", args=[tag.pk])
        for name in (TRAVERSAL, ".."):
            response = admin_client.post(url, tag_form(tag, name=name))
            assert response.status_code == 200
            assert "标签不能含有" in response.content.decode()
        tag.refresh_from_db()
        assert tag.name == "沟通"

    @pytest.mark.parametrize("name", [TRAVERSAL, "..", ".", "a/./b", "x/.."])
    def test_a_stored_one_is_linked_inside_tags_and_still_opens(self, client, user, name):
        # Stored before such names were refused (taggit's add() does not parse).
        ReflectionFactory(author=user, tags=[name])
        url = reverse("experiences:tag_detail", kwargs={"name": name})
        assert url.startswith("/tags/") and url.endswith("/")
        segments = url.removeprefix("/tags/").removesuffix("/").split("/")
        assert not {".", ".."} & set(segments), url
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["tag"].name == name
        listing = client.get(reverse("experiences:tag_list")).content.decode()
        assert f'href="{url}"' in listing
        assert 'href="/tags/../' not in listing and 'href="/tags/./' not in listing
        assert client.get(reverse("experiences:feed_tag", kwargs={"name": name})).status_code == 200

    def test_names_with_a_slash_but_no_dot_segment_keep_their_link(self, user):
        assert reverse("experiences:tag_detail", kwargs={"name": "a/b"}) == "/tags/a/b/"
        assert reverse("experiences:tag_detail", kwargs={"name": "..."}) == "/tags/.../"
