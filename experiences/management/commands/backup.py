"""python manage.py backup [--dry-run] [--dir DIR] [--keep N] [--database ALIAS]

A consistent snapshot of the whole database into KB_BACKUP_DIR, named by the
time in UTC (kb-20260101T020000Z.pgdump or .sqlite3): pg_dump's custom format
for PostgreSQL, the online backup API for SQLite. Then only the newest
KB_BACKUP_KEEP backups are kept. `manage.py restore FILE` puts one back.
The directory is 0700 and every backup 0600: a dump holds everyone's data.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from experiences.core.backups import (
    BackupError,
    backup_path_new,
    backup_write,
    backups_to_prune,
    database_describe,
)

COMMA = "\uff0c"


class Command(BaseCommand):
    help = "备份整个数据库到 KB_BACKUP_DIR" + COMMA + "只保留最近 KB_BACKUP_KEEP 份。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be done")
        parser.add_argument("--dir", help="directory of backups (default: KB_BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, help="how many backups to keep (default: KB_BACKUP_KEEP)"
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, dry_run, dir, keep, database, **options):
        directory = Path(dir) if dir else Path(settings.KB_BACKUP_DIR)
        keep = settings.KB_BACKUP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError("--keep 至少为 1。")
        connection = connections[database]
        described = database_describe(connection.vendor, connection.settings_dict)
        try:
            path = backup_path_new(directory, connection.vendor, timezone.now())
        except BackupError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            # The new backup counts among the kept ones.
            pruned = backups_to_prune(directory, keep - 1) if keep > 1 else []
            self.stdout.write(f"将备份{described}\uff1a写入 {path}。")
            self.stdout.write(
                f"将保留最近 {keep} 份备份" + COMMA + f"删除 {len(pruned)} 份旧备份。未写入。"
            )
            for old in pruned:
                self.stdout.write(f"  将删除 {old}")
            return
        started = time.monotonic()
        try:
            loose = backup_write(connection, path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for other in loose:
            self.stderr.write(
                self.style.WARNING(
                    f"无法把 {other} 设为仅本用户可读写"
                    "\uff08不属于当前用户或是共享目录\uff09\uff1b"
                    "请把备份放在专用目录里。"
                )
            )
        size = path.stat().st_size / (1024 * 1024)
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份{described}\uff1a{path}\uff08{size:.1f} MB"
                + COMMA
                + f"用时 {time.monotonic() - started:.1f} 秒\uff09。"
            )
        )
        for old in backups_to_prune(directory, keep):
            old.unlink()
            self.stdout.write(f"已删除旧备份\uff1a{old}")
