"""The 汇编 of a large topic, built in the task queue (experiences/exports).

The job is built with the scope its owner has when it runs (``viewer_scope``),
so an organiser who lost a unit meanwhile does not receive its reflections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from experiences.exports.services import export_job_progress, export_job_run
from experiences.study.access import topic_visible_to
from experiences.study.docx_export import study_docx
from experiences.study.models import StudyTopic
from experiences.study.selectors import published_for_export, report_rows
from experiences.units.models import Unit
from experiences.units.scope import roots_within, viewer_scope

if TYPE_CHECKING:
    from experiences.exports.models import ExportJob

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def full_names(rows) -> dict[str, str]:
    """Each listed unit's path → its name with the listed units above it (乡镇 / 村)."""
    names = {row.unit.path: row.unit.name for row in rows}
    step = Unit.steplen
    return {
        path: " / ".join(
            names[path[:end]] for end in range(step, len(path) + 1, step) if path[:end] in names
        )
        for path in names
    }


def scope_label(rows) -> str:
    """The top units the viewer's figures cover, for the export's cover or title rows."""
    return "、".join(row.unit.name for row in rows if row.level == 0) or _("\uff08无\uff09")


def study_docx_build(*, topic: StudyTopic, roots: list[str], progress=None) -> bytes:
    """The 汇编 of what ``roots`` (the viewer's part of the targets) hold."""
    rows, _total = report_rows(topic=topic, roots=roots)
    return study_docx(
        topic=topic,
        scope_label=scope_label(rows),
        reflections=published_for_export(topic=topic, roots=roots),
        unit_paths=full_names(rows),
        progress=progress,
    )


def study_roots(topic: StudyTopic, viewer) -> list[str]:
    targets = list(topic.target_units.values_list("path", flat=True))
    return roots_within(targets, viewer_scope(viewer))


def docx_filename(topic: StudyTopic) -> str:
    return f"{topic.title}-心得体会汇编.docx"


def _build(job: ExportJob) -> tuple[bytes, str, str]:
    topic = StudyTopic.objects.filter(pk=job.params.get("topic")).first()
    if topic is None or not topic_visible_to(topic, job.owner):
        raise LookupError("the topic went, or its owner may no longer read it")
    content = study_docx_build(
        topic=topic,
        roots=study_roots(topic, job.owner),
        progress=lambda done, total: export_job_progress(job=job, percent=done * 100 // total),
    )
    return content, docx_filename(topic), DOCX


def study_docx_job_task(job_id: int) -> bool:
    return export_job_run(job_id=job_id, build=_build)
