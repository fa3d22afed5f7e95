"""python manage.py import_roster roster.csv|.xlsx --unit CODE [--dry-run]: enrol colleagues."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from experiences.units.enrolment import ERROR, MATCHED, roster_import, roster_preview
from experiences.units.models import Unit
from experiences.units.roster import roster_parse
from experiences.units.services import MAX_IMPORT_BYTES, UnitImportError


class Command(BaseCommand):
    help = (
        "从花名册\uff08CSV 或 Excel\uff0c表头\uff1a姓名、单位或单位编码\uff0c"
        "可选手机号、工号、岗位、角色\uff09"
        "为 --unit 单位及其下级单位的同事建立账号\uff1b已有账号的同事不会重复建立。"
        "账号通知单在网站的“导入结果”页下载。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv (UTF-8 or GBK) or .xlsx roster")
        parser.add_argument(
            "--unit",
            required=True,
            help="code of the unit whose subtree the roster fills (rows without 单位 go there)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change")

    def handle(self, *args, path, unit, dry_run, **options):
        root = Unit.objects.filter(code=unit).exclude(code="").first()
        if root is None:
            raise CommandError(f"找不到编码为 {unit} 的单位。")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件\uff1a{path}")
        if file.stat().st_size > MAX_IMPORT_BYTES:  # refused before it is read into memory
            raise CommandError("文件太大\uff1a最多 5 MB。")
        try:
            rows = roster_parse(filename=file.name, data=file.read_bytes())
        except UnitImportError as problem:
            raise CommandError(str(problem)) from problem
        scope = [root.path]
        if dry_run:
            preview, batch = roster_preview(rows=rows, scope=scope, default_unit=root), None
        else:
            preview, batch = roster_import(
                rows=rows, scope=scope, enrolled_by=None, filename=file.name, default_unit=root
            )
        for line in preview.lines:
            if line.status == ERROR:
                self.stderr.write(
                    f"第 {line.row.line} 行\uff08{line.row.name}\uff09\uff1a"
                    + " ".join(line.errors)
                )
            elif line.status == MATCHED and line.user is not None:
                self.stdout.write(f"  = {line.row.name}\uff1a已有账号 {line.user.username}")
            else:
                username = f" {line.user.username}" if line.user is not None else ""
                self.stdout.write(f"  + {line.row.name}{username}")
        if preview.error_count:
            raise CommandError(f"有 {preview.error_count} 行错误\uff0c没有导入任何人。")
        summary = f"新建 {preview.new_count} 个账号\uff0c{preview.matched_count} 人已有账号。"
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"预览\uff08未保存\uff09\uff1a{summary}"))
        else:
            where = f"/roster/{batch.pk}/" if batch is not None else ""
            self.stdout.write(
                self.style.SUCCESS(f"已导入\uff1a{summary}账号通知单见网站 {where}。")
            )
