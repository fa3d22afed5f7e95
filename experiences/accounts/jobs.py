"""A colleague's data ZIP, built in the task queue when they have written a great deal.

Small exports still stream from the request (data_views.py); a large one is an
export job (experiences/exports): 正在生成 with progress, then a download only
its owner can fetch, deleted when it expires.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone

from experiences.accounts.data_export import data_export_write
from experiences.exports.services import export_job_progress, export_job_run

if TYPE_CHECKING:
    from experiences.exports.models import ExportJob

ZIP = "application/zip"


def data_export_filename() -> str:
    return f"kb-data-{timezone.localtime():%Y%m%d-%H%M}.zip"


def _build(job: ExportJob) -> tuple[bytes, str, str]:
    buffer = io.BytesIO()
    data_export_write(
        user=job.owner,
        file=buffer,
        progress=lambda done, total: export_job_progress(job=job, percent=done * 100 // total),
    )
    return buffer.getvalue(), data_export_filename(), ZIP


def data_export_job_task(job_id: int) -> bool:
    return export_job_run(job_id=job_id, build=_build)
