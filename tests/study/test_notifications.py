"""学习专题 reach members as notifications: assigned on save, reminded before the due date."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from experiences.notifications.models import Notification
from experiences.study.models import StudyReminderRequest, StudyTopic
from experiences.study.services import study_topic_save
from tests.study.conftest import member_in

pytestmark = pytest.mark.django_db(transaction=True)


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_saving_a_topic_tells_the_members_it_newly_covers(tree, town_organiser):
    member_in(tree["东一村"], username="east")
    member_in(tree["西一村"], username="west")
    today = timezone.localdate()
    topic = study_topic_save(
        topic=StudyTopic(),
        title="坚定原则",
        description="",
        start_date=today,
        due_date=today + datetime.timedelta(days=7),
        principles=[],
        target_units=[tree["东乡镇"]],
        organisers=[town_organiser],
    )
    assert told(Notification.Kind.STUDY_ASSIGNED) == {"east", town_organiser.username}
    notification = Notification.objects.get(recipient__username="east")
    assert "坚定原则" in notification.text
    assert notification.url.endswith(f"?study_topic={topic.pk}")
    # Widening the targets tells only those not told before.
    study_topic_save(
        topic=topic,
        title=topic.title,
        description="",
        start_date=topic.start_date,
        due_date=topic.due_date,
        principles=[],
        target_units=[tree["城关县"]],
        organisers=[town_organiser],
    )
    kinds = Notification.objects.filter(kind=Notification.Kind.STUDY_ASSIGNED)
    assert sorted(kinds.values_list("recipient__username", flat=True)) == sorted(
        ["east", "west", town_organiser.username]
    )


def test_organiser_reminder_is_delivered_once(client, tree, topic, town_organiser):
    member_in(tree["东二村"], username="waiting")
    member_in(tree["西一村"], username="other-town")
    client.force_login(town_organiser)
    url = reverse("experiences:study_remind", args=[topic.pk])
    client.post(url)
    assert told(Notification.Kind.STUDY_DUE) == {"waiting", town_organiser.username}
    assert StudyReminderRequest.objects.get().sent_at is not None
    client.post(url)  # a later click finds everyone told: nobody hears twice
    assert Notification.objects.filter(kind=Notification.Kind.STUDY_DUE).count() == 2


def test_daily_command_delivers(tree, topic, capsys):
    member_in(tree["东二村"], username="waiting")
    call_command("study_remind")
    assert "waiting" in told(Notification.Kind.STUDY_DUE)
    assert "已发送提醒" in capsys.readouterr().out
    assert StudyReminderRequest.objects.get().sent_at is not None


def test_the_queue_runs_the_daily_reminders_once_a_day(tree, topic):
    from django_rq.cron import DjangoCronScheduler

    from experiences.exports.services import export_jobs_prune_task
    from experiences.notifications.tasks import outgoing_mail_sweep
    from experiences.study.daily import study_reminders_daily_task

    member_in(tree["东二村"], username="waiting")
    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("experiences.study.cron")  # what `make cron` runs
    jobs = {job.func: job for job in scheduler.get_jobs()}
    job = jobs[study_reminders_daily_task]
    assert (job.func, job.cron, job.queue_name) == (study_reminders_daily_task, "0 0 * * *", "mail")
    # The same scheduler sweeps the mail outbox every minute.
    sweep = jobs[outgoing_mail_sweep]
    assert (sweep.interval, sweep.queue_name) == (60, "mail")
    # And hourly, expired export files are deleted (experiences/exports).
    assert jobs[export_jobs_prune_task].cron == "17 * * * *" and len(jobs) == 3
    assert study_reminders_daily_task() == 2  # "waiting" and the 东乡镇 organiser
    assert "waiting" in told(Notification.Kind.STUDY_DUE)
    assert study_reminders_daily_task() == 0  # the day's request is already sent
