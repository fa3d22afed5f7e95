"""The mail queue's worker (`make worker`): rq's, with a scheduler that recovers by itself.

rq's worker forks its scheduler (which moves retries due later back onto the queue).
A fault drill found two ways to lose it: a Redis restart raised in the scheduler's
loop and ended its process, and the worker restarted it only at its next maintenance,
ten minutes later; and after kill -9 of the worker the scheduler lived on, orphaned,
holding the scheduler lock. Here the scheduler waits for Redis and carries on, it
stops when its worker is gone, and the worker checks it every 15 seconds (a
replacement started while the orphan still held the lock took over a minute later).

Mail no longer depends on the scheduler (the outbox's sweep retries it); the
学习专题 jobs' retries still do.
"""

from __future__ import annotations

import os
import time
from typing import Any

import redis
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.scheduler import RQScheduler
from rq.worker import Worker

SCHEDULER_CHECK_SECONDS = 15
REDIS_WAIT_SECONDS = 2.0


class WorkerBoundScheduler(RQScheduler):
    """rq's scheduler that outlives neither a Redis restart's errors nor its worker."""

    worker_pid: int | None = None

    def start(self) -> Any:
        self.worker_pid = os.getpid()  # called in the worker, just before the fork
        return super().start()

    def worker_gone(self) -> bool:
        return self.worker_pid is not None and os.getppid() != self.worker_pid

    def heartbeat(self) -> None:
        if self.worker_gone():
            # Orphaned (the worker was killed): stop, and let go of the lock, so the
            # worker's replacement schedules instead.
            self.log.warning("Scheduler: its worker %s is gone, stopping", self.worker_pid)
            self.request_stop()
            return
        super().heartbeat()

    def work(self) -> None:
        while True:
            try:
                super().work()
                return
            except (redis.exceptions.ConnectionError, redis.exceptions.NoScriptError) as error:
                # Redis restarting (or restarted: its scripts forgotten): wait for it;
                # the heartbeat takes the lock again.
                self.log.warning("Scheduler: Redis unavailable (%s), retrying", error)
                if self._stop_requested:
                    return
                time.sleep(REDIS_WAIT_SECONDS)


class MailWorker(Worker):
    """rq's worker with the scheduler above, checked every SCHEDULER_CHECK_SECONDS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", SCHEDULER_CHECK_SECONDS)
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        # The check runs between waits for a job, and rq waits worker_ttl - 15 s (405 s
        # with rqworker's default): an idle worker checked only when a job came (the
        # sweep's, a minute later). So it waits SCHEDULER_CHECK_SECONDS at most.
        return min(super().dequeue_timeout, SCHEDULER_CHECK_SECONDS)

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = "INFO",
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        """rq's own (rq 2.12), with WorkerBoundScheduler in place of RQScheduler."""
        self.scheduler = WorkerBoundScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            if burst:
                try:
                    self.scheduler.register_birth()
                    self.scheduler.enqueue_scheduled_jobs()
                finally:
                    self.scheduler.release_locks()
                    self.scheduler.register_death()
            else:
                self.scheduler.start()
