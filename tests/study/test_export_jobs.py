"""Large exports are built in the task queue (issue 28, item 5): the 汇编 of a large topic
and a colleague's data ZIP show 正在生成 with progress, then a download for the owner only;
files expire. Small ones still download at once. KB_TASKS_IMMEDIATE runs jobs inline."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from experiences.exports.models import ExportJob
from experiences.exports.services import export_jobs_prune, export_jobs_prune_task
from experiences.study import docx_export
from experiences.study.jobs import study_docx_build, study_docx_job_task, study_roots
from tests.factories import ReflectionFactory
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings, tree, topic):
    """Two published reflections, over a threshold of one."""
    settings.KB_EXPORT_QUEUE_THRESHOLD = 1
    for name, village in (("zhang", "东一村"), ("li", "西一村")):
        ReflectionFactory(
            author=member_in(tree[village], username=name), study_topic=topic, title=f"{name}的体会"
        )
    return topic


def docx_url(topic):
    return reverse("experiences:study_docx", args=[topic.pk])


def test_a_small_hui_bian_still_downloads_at_once(client, topic, county_organiser):
    client.force_login(county_organiser)
    response = client.post(docx_url(topic))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert not ExportJob.objects.exists()


def test_a_large_hui_bian_is_built_in_the_queue_and_downloaded_by_its_owner(
    client, large, county_organiser, town_organiser, django_capture_on_commit_callbacks
):
    client.force_login(county_organiser)
    # GET (an old link) only offers the button: nothing is started by a GET.
    page = client.get(docx_url(large)).content.decode()
    assert "开始生成" in page and not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(docx_url(large))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.owner == county_organiser and job.status == ExportJob.Status.DONE
    assert job.progress == 100 and job.expires_at > timezone.now() + datetime.timedelta(hours=23)
    page = client.get(job.get_absolute_url()).content.decode()
    download = reverse("experiences:export_job_download", args=[job.pk])
    assert download in page and "http-equiv" not in page
    response = client.get(download)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    texts = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "zhang的体会" in texts and "li的体会" in texts
    # Only its owner: another organiser of the same topic learns nothing.
    client.force_login(town_organiser)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(download).status_code == 404


def test_the_page_says_zheng_zai_sheng_cheng_with_progress_and_refreshes(
    client, large, county_organiser
):
    client.force_login(county_organiser)
    response = client.post(docx_url(large))  # the queue has not run it yet
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.PENDING
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=40)
    page = client.get(response["Location"]).content.decode()
    assert "正在生成" in page and "40%" in page and 'value="40"' in page
    assert '<meta http-equiv="refresh"' in page
    assert client.get(reverse("experiences:export_job_download", args=[job.pk])).status_code == 404
    # Asking again while it is built gives the same job, not a second one.
    assert client.post(docx_url(large))["Location"] == response["Location"]
    assert ExportJob.objects.count() == 1


def test_progress_is_told_as_reflections_are_written(monkeypatch, large, county_organiser):
    monkeypatch.setattr(docx_export, "PROGRESS_EVERY", 1)
    heard = []
    study_docx_build(
        topic=large,
        roots=study_roots(large, county_organiser),
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard == [(1, 2), (2, 2)]


def test_files_expire(client, large, county_organiser, django_capture_on_commit_callbacks):
    client.force_login(county_organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(docx_url(large))
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    download = reverse("experiences:export_job_download", args=[job.pk])
    assert client.get(download).status_code == 404
    assert "已过期" in client.get(job.get_absolute_url()).content.decode()
    assert export_jobs_prune_task() == 1 and not ExportJob.objects.exists()
    assert export_jobs_prune() == 0


def test_a_job_whose_topic_went_fails_and_says_so(client, large, county_organiser):
    client.force_login(county_organiser)
    client.post(docx_url(large))
    job = ExportJob.objects.get()
    large.delete()
    assert study_docx_job_task(job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "生成失败" in client.get(job.get_absolute_url()).content.decode()
    assert study_docx_job_task(job.pk) is False  # taken once: a retry builds nothing


def test_a_large_data_zip_is_a_job_too(
    client, settings, user, other_user, principle, django_capture_on_commit_callbacks
):
    settings.KB_DATA_EXPORT_QUEUE_THRESHOLD = 1
    ReflectionFactory.create_batch(2, author=user, principle=principle)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("data_export"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == ExportJob.Kind.DATA_ZIP and job.status == ExportJob.Status.DONE
    response = client.get(reverse("experiences:export_job_download", args=[job.pk]))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "说明.txt" in names and any(name.startswith("reflections/") for name in names)
    client.force_login(other_user)
    assert client.get(job.get_absolute_url()).status_code == 404
