"""python manage.py restore FILE [--force] [--dry-run] [--database ALIAS]

Puts a backup made by `manage.py backup` back into the configured database.
The database must be empty (created, not migrated): one that has tables is
refused, with a non-zero exit, unless --force is given. Then every cached page
and fact is forgotten: a serving site shows the restored data on its next request.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from experiences.core.backups import (
    BackupError,
    backup_restore,
    backup_vendor,
    database_describe,
    database_tables,
    vendor_name,
)
from experiences.core.caching import caches_flush

COMMA = "\uff0c"


class Command(BaseCommand):
    help = "把 backup 命令做的备份恢复到空数据库" + COMMA + "非空数据库需加 --force。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup file (.pgdump or .sqlite3)")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that is not empty"
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would be done")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, file, force, dry_run, database, **options):
        path = Path(file)
        connection = connections[database]
        vendor, settings_dict = connection.vendor, connection.settings_dict
        described = database_describe(vendor, settings_dict)
        # Our own connection must not hold the database (SQLite file, pg_restore's locks).
        connection.close()
        started = time.monotonic()
        try:
            if dry_run:
                if not path.is_file():
                    raise BackupError(f"找不到备份文件\uff1a{path}")
                found = backup_vendor(path)
                tables = database_tables(vendor, settings_dict)
                state = f"已有 {len(tables)} 张表" if tables else "空的"
                self.stdout.write(
                    f"将把 {vendor_name(found)} 备份 {path} 恢复到{described}"
                    + f"\uff08目前是{state}\uff09。"
                )
                if tables and not force:
                    self.stdout.write("数据库不是空的\uff1a不加 --force 将拒绝恢复。未写入。")
                else:
                    self.stdout.write("未写入。")
                return
            backup_restore(path, vendor, settings_dict, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not caches_flush():
            raise CommandError(
                "数据库已恢复，但缓存没有应答，未能清空："
                "Redis 恢复后请再运行一次本命令，否则页面可能仍显示恢复前的内容。"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已把 {path} 恢复到{described}"
                f"\uff08用时 {time.monotonic() - started:.1f} 秒\uff09。"
            )
        )
