"""One visibility rule for reflections (issue 26): ``Reflection.objects.visible_to``.

Every page that lists reflections asks the model's rule, so a moderator, an author
and another colleague each see exactly the same reflections on the principle page,
the list, the search, the feed, their 收藏 and the author's page. The principle page once had
its own rule, under which a moderator did not see other colleagues' pending and
rejected reflections there while the reflection pages showed them.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from experiences.reflections.models import Reflection
from tests.factories import BookmarkFactory, ReflectionFactory, UserFactory

LINKED = re.compile(r"/reflections/(\d+)/")
Status = Reflection.Status


def shown(client: Client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {int(pk) for pk in LINKED.findall(response.content.decode())}


@pytest.fixture
def writings(principle, moderator):
    author, colleague, stranger = UserFactory(), UserFactory(), UserFactory()
    made = {
        "public": ReflectionFactory(principle=principle, author=stranger),
        "own pending": ReflectionFactory(principle=principle, author=author, status=Status.PENDING),
        "own rejected": ReflectionFactory(
            principle=principle, author=author, status=Status.REJECTED
        ),
        "own public": ReflectionFactory(principle=principle, author=author),
        "hidden by 举报": ReflectionFactory(principle=principle, author=stranger, flag_hidden=True),
        "someone's pending": ReflectionFactory(
            principle=principle, author=stranger, status=Status.PENDING
        ),
    }
    return {"moderator": moderator, "author": author, "colleague": colleague}, made


def pages(principle, author) -> dict[str, str]:
    return {
        "principle page": principle.get_absolute_url(),
        "list": reverse("experiences:reflection_list") + f"?principle={principle.pk}",
        "search": reverse("experiences:search") + "?q=坚持原则&kind=reflection",
        "feed": reverse("experiences:feed_principle", kwargs={"pk": principle.pk}),
    }


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (
            "moderator",
            {
                "public",
                "own pending",
                "own rejected",
                "own public",
                "hidden by 举报",
                "someone's pending",
            },
        ),
        ("author", {"public", "own pending", "own rejected", "own public"}),
        ("colleague", {"public", "own public"}),
        ("visitor", {"public", "own public"}),
    ],
)
def test_every_list_shows_what_the_model_rule_shows(principle, writings, viewer, expected):
    viewers, made = writings
    client = Client()
    user = viewers.get(viewer)
    if user is not None:
        client.force_login(user)
    wanted = {made[name].pk for name in expected}
    if user is not None:  # the rule itself, as the pages ask it
        assert (
            set(
                Reflection.objects.visible_to(user)
                .filter(principle=principle)
                .values_list("pk", flat=True)
            )
            == wanted
        )
    for name, url in pages(principle, viewers["author"]).items():
        assert shown(client, url) == wanted, name
    if user is not None:  # 收藏: what they bookmarked and may still see
        for reflection in made.values():
            BookmarkFactory(user=user, principle=None, reflection=reflection)
        assert shown(client, reverse("experiences:bookmark_list")) == wanted
    # The author's own page: the same rule, limited to what they wrote.
    own = {made[name].pk for name in expected if name.startswith("own")}
    author_page = reverse("experiences:user_detail", args=[viewers["author"].username])
    assert shown(client, author_page) == own
