"""Export jobs: start one, tell its progress, hand it its file, forget it when expired.

The domain that builds a file (study/jobs.py, exports/data_zip.py) registers a task
under the job's kind; ``export_job_start`` queues it on commit through the task
queue's enqueue-on-commit helper, so the job exists before the worker looks for it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from experiences.exports.models import ExportJob
from experiences.notifications.tasks import task_enqueue

if TYPE_CHECKING:
    from experiences.accounts.models import User

logger = logging.getLogger(__name__)

# The dotted task that builds each kind of export (strings: the worker imports them).
TASKS = {
    ExportJob.Kind.STUDY_DOCX: "experiences.study.jobs.study_docx_job_task",
    ExportJob.Kind.DATA_ZIP: "experiences.exports.data_zip.data_export_job_task",
}


def export_is_large(count: int, *, setting: str = "KB_EXPORT_QUEUE_THRESHOLD") -> bool:
    """More reflections than the threshold ``setting`` names: build it in the queue."""
    threshold: int = getattr(settings, setting)
    return count > threshold


def export_jobs_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete expired jobs and their files; returns how many went."""
    deleted, _by_model = ExportJob.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def export_jobs_prune_task() -> int:
    """Hourly from the task queue's cron (experiences/study/cron.py)."""
    return export_jobs_prune()


@transaction.atomic
def export_job_start(*, owner: User, kind: str, params: dict[str, Any]) -> ExportJob:
    """The owner's job for this export: the one still being built, else a new one, queued.

    Asking twice while it is being built (a double click, a reload) gives the same job.
    """
    export_jobs_prune()
    working = (
        ExportJob.objects.select_for_update()
        .filter(
            owner=owner,
            kind=kind,
            params=params,
            status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING],
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if working is not None:
        return working
    job = ExportJob.objects.create(
        owner=owner,
        kind=kind,
        params=params,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.KB_EXPORT_KEEP_HOURS),
    )
    task = TASKS[ExportJob.Kind(kind)]
    transaction.on_commit(lambda: task_enqueue(task, job.pk))
    return job


def export_job_claim(*, job_id: int) -> ExportJob | None:
    """The worker takes a pending job (once: a retried task finds it taken)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, progress=0
    )
    return ExportJob.objects.select_related("owner").get(pk=job_id) if claimed else None


def export_job_progress(*, job: ExportJob, percent: int) -> None:
    """Written at once (outside any transaction in the worker): the page polls it."""
    percent = max(0, min(99, percent))
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(progress=percent)


def export_job_finish(*, job: ExportJob, content: bytes, filename: str, content_type: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        content=content,
        filename=filename,
        content_type=content_type,
    )


def export_job_fail(*, job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)


def export_job_run(*, job_id: int, build: Callable[[ExportJob], tuple[bytes, str, str]]) -> bool:
    """Claim the job, ``build(job)`` → (content, filename, content type), store it.

    A failure marks the job 生成失败 for its owner to try again and is logged; it is
    not raised, so the queue does not build the same large file again and again.
    """
    job = export_job_claim(job_id=job_id)
    if job is None:
        return False
    try:
        content, filename, content_type = build(job)
    except Exception:
        logger.exception("export job %s failed", job_id)
        export_job_fail(job=job)
        return False
    export_job_finish(job=job, content=content, filename=filename, content_type=content_type)
    return True
