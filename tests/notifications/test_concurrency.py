"""点赞 arriving at once are gathered into one unread notification that counts them all."""

import threading

import pytest

from experiences.notifications.models import Notification
from experiences.reflections.services import like_set
from tests.factories import ReflectionFactory, UserFactory
from tests.reflections.test_concurrency import WORKERS, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_likes_make_one_notification_counting_each():
    reflection = ReflectionFactory()
    likers = UserFactory.create_batch(WORKERS)
    lock = threading.Lock()

    def like_next():
        with lock:
            user = likers.pop()
        like_set(user=user, reflection=reflection, liked=True)

    assert run_at_once(like_next) == []
    notification = Notification.objects.get(recipient=reflection.author)
    assert notification.count == WORKERS
    assert notification.text.startswith(f"{WORKERS} 位同事赞了你的心得")
