"""A colleague's own pending or rejected reflection on the principle page: shown to them only."""

import pytest

from experiences.reflections.models import Reflection
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

EMPTY = "还没有人写下对这条原则的心得"


def test_author_sees_own_pending_reflection_marked(client, user, principle):
    ReflectionFactory(
        author=user, principle=principle, title="我的待审心得", status=Reflection.Status.PENDING
    )
    client.force_login(user)
    page = client.get(principle.get_absolute_url()).content.decode()
    assert "我的待审心得" in page
    assert "badge-pending" in page and "待审核" in page
    assert "只有你和版主能看到" in page
    assert EMPTY not in page


def test_author_sees_rejection_reason_on_the_card(client, user, principle):
    ReflectionFactory(
        author=user,
        principle=principle,
        title="被驳回的心得",
        status=Reflection.Status.REJECTED,
        rejection_reason="请补充具体事例",
    )
    client.force_login(user)
    page = client.get(principle.get_absolute_url()).content.decode()
    assert "被驳回的心得" in page and "已驳回" in page
    assert "未通过审核\uff0c驳回理由\uff1a请补充具体事例" in page


@pytest.mark.parametrize("who", ["visitor", "other"])
def test_nobody_else_sees_them(client, user, other_user, principle, who):
    ReflectionFactory(
        author=user, principle=principle, title="我的待审心得", status=Reflection.Status.PENDING
    )
    ReflectionFactory(
        author=user,
        principle=principle,
        title="被驳回的心得",
        status=Reflection.Status.REJECTED,
        rejection_reason="请补充具体事例",
    )
    if who == "other":
        client.force_login(other_user)
    page = client.get(principle.get_absolute_url()).content.decode()
    assert "我的待审心得" not in page and "被驳回的心得" not in page
    assert "请补充具体事例" not in page
    assert EMPTY in page


def test_other_principles_pending_not_shown(client, user, seed_essay):
    first, second = seed_essay.principles.order_by("position")[:2]
    ReflectionFactory(
        author=user, principle=second, title="别处的心得", status=Reflection.Status.PENDING
    )
    client.force_login(user)
    assert "别处的心得" not in client.get(first.get_absolute_url()).content.decode()


def test_query_count_constant_signed_in(client, user, principle, django_assert_max_num_queries):
    client.force_login(user)
    ReflectionFactory(author=user, principle=principle, status=Reflection.Status.PENDING)
    # The session and the user, the header's unread count, the study/draft/已学 parts, and
    # whether the page is this viewer's own (core/shared_pages.py,
    # essays.views.PrincipleDetailView.viewer_shares_page).
    with django_assert_max_num_queries(17) as first:
        client.get(principle.get_absolute_url())
    for index in range(8):
        ReflectionFactory(
            author=user,
            principle=principle,
            status=Reflection.Status.PENDING,
            tags=[f"标签{index}"],
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(principle.get_absolute_url()).status_code == 200
