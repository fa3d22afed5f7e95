"""python manage.py study_remind [--dry-run] [--date YYYY-MM-DD]: who is due a study reminder.

Lists the members of open 学习专题 due within STUDY_REMIND_DAYS days who have
not submitted. Without --dry-run it records one reminder request per topic and
delivers it as notifications, here in the command's own process (run daily,
e.g. from cron); a request already sent is not sent again.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from experiences.core.dates import cn_date
from experiences.study.daily import study_reminders_send
from experiences.study.selectors import study_reminders_due


class Command(BaseCommand):
    help = "列出\uff08并记录\uff09需要提醒提交学习心得的成员。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list, record nothing")
        parser.add_argument("--date", help="the day to check, YYYY-MM-DD (default: today)")

    def handle(self, *args, dry_run, date, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"日期格式不对\uff1a{date}\uff08应为 YYYY-MM-DD\uff09") from error
        pairs = study_reminders_due(today=today)
        topics = {}
        for member, topic in pairs:
            topics[topic.pk] = topic
            self.stdout.write(
                f"{topic.title}\t{member.username}\t{member}\t截止 {cn_date(topic.due_date)}"
            )
        if dry_run:
            self.stdout.write(f"预览\uff1a{len(topics)} 个专题\uff0c{len(pairs)} 人待提醒。")
            return
        topics_told, sent = study_reminders_send(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"已发送提醒\uff1a{topics_told} 个专题\uff0c{sent} 人。")
        )
