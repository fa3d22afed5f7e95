"""python manage.py import_units units.csv|units.xlsx [--dry-run]: the unit tree from a sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from experiences.units.services import (
    MAX_IMPORT_BYTES,
    UnitImportError,
    units_import,
    units_rows_read,
)


class Command(BaseCommand):
    help = "从 CSV 或 Excel 文件导入单位树\uff08三列\uff1a名称、上级单位、编码\uff09。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv (UTF-8 or GBK) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="show what would change")

    def handle(self, *args, path, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件\uff1a{path}")
        if file.stat().st_size > MAX_IMPORT_BYTES:  # refused before it is read into memory
            raise CommandError("文件太大\uff1a最多 5 MB。")
        try:
            rows = units_rows_read(filename=file.name, data=file.read_bytes())
        except UnitImportError as problem:
            raise CommandError(str(problem)) from problem
        report = units_import(rows=rows, dry_run=dry_run)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"有 {len(report.errors)} 处错误\uff0c没有保存任何内容。")
        prefix = "预览\uff08未保存\uff09" if dry_run else "已导入"
        self.stdout.write(
            f"{prefix}\uff1a新增 {len(report.created)} 个单位\uff0c"
            f"更新 {len(report.updated)} 个\uff0c"
            f"按名称匹配到 {report.users_linked} 位用户。"
        )
        for name in report.created:
            self.stdout.write(f"  + {name}")
        for name in report.updated:
            self.stdout.write(f"  ~ {name}")
