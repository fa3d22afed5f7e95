"""The worker's scheduler recovers by itself: after a Redis restart, and when its worker dies.

It runs here in a thread of this process (rq forks it in production) against a Redis
of the test's own, which the test kills and starts again.
"""

import datetime
import os
import threading
import time

import django_rq
import pytest
import redis

from experiences.notifications.worker import MailWorker, WorkerBoundScheduler
from tests.servers import OwnRedis


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.kill()


def scheduler_for(server):
    connection = redis.Redis.from_url(server.url)
    queue = django_rq.get_queue("mail", connection=connection)
    return WorkerBoundScheduler([queue], connection=connection, interval=1), queue


def test_the_scheduler_stops_when_its_worker_is_gone(own_redis):
    scheduler, _queue = scheduler_for(own_redis)
    scheduler.acquire_locks()
    scheduler.worker_pid = os.getppid()  # its worker is alive: it carries on
    scheduler.heartbeat()
    assert not scheduler._stop_requested
    scheduler.worker_pid = os.getpid() + 1_000_000  # kill -9: no longer its parent
    scheduler.heartbeat()
    assert scheduler._stop_requested


def test_the_scheduler_carries_on_after_redis_restarts(own_redis, monkeypatch):
    scheduler, queue = scheduler_for(own_redis)
    monkeypatch.setattr(WorkerBoundScheduler, "_install_signal_handlers", lambda self: None)
    monkeypatch.setattr("experiences.notifications.worker.REDIS_WAIT_SECONDS", 0.2)
    scheduler.acquire_locks()
    thread = threading.Thread(target=scheduler.work, daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # a few rounds of its loop
        own_redis.kill()
        time.sleep(1.5)  # down across a round of its loop
        own_redis.start()
        queue.enqueue_in(datetime.timedelta(seconds=0), "builtins.print", "retry")
        for _ in range(100):  # until the scheduler moves the due job onto the queue
            if queue.count == 1 or not thread.is_alive():
                break
            time.sleep(0.1)
        assert thread.is_alive()
        assert queue.count == 1
    finally:
        scheduler.request_stop()
        thread.join(timeout=10)


def test_the_worker_checks_its_scheduler_well_within_the_minute_a_retry_may_wait(own_redis):
    # A replacement worker that started while its killed predecessor's scheduler still
    # held the lock takes it at its next check: the fault drill allows 60 s for that.
    # rqworker passes its own worker_ttl (420 s: a wait of 405 s for a job).
    worker = MailWorker(["mail"], connection=redis.Redis.from_url(own_redis.url), worker_ttl=420)
    assert worker.maintenance_interval <= 15
    # ...which runs between waits for a job: an idle worker waits no longer than that.
    assert worker.dequeue_timeout <= 15
