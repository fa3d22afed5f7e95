"""python manage.py import_essay (PATH | --seed) [--dry-run] [--title T] [--draft] [--tags FILE]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.parser import EssayImportError
from experiences.essays.seed import SEED_ESSAY, SEED_TAGS


class Command(BaseCommand):
    help = "导入一篇心得体会(UTF-8 文本文件),拆分为原则;重复导入不会产生任何变化。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="UTF-8 text file of the essay")
        parser.add_argument(
            "--seed",
            action="store_true",
            help="the essay the site ships with, and its principles' tags",
        )
        parser.add_argument("--title", help="the essay's title, when the text does not reveal it")
        parser.add_argument("--draft", action="store_true", help="store a new essay as a draft")
        parser.add_argument(
            "--tags",
            help='JSON file mapping principle slugs to tags: {"人情世故-坚定原则": ["群众工作"]}',
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what was found, store nothing"
        )

    def handle(self, *args, path, title, draft, dry_run, tags, seed, **options):
        if seed:
            path, tags = path or SEED_ESSAY, tags or SEED_TAGS
        if not path:
            raise CommandError("请给出文章文件的路径,或用 --seed 导入随附的文章。")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件:{path}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"文件不是 UTF-8 编码:{path}") from error
        status = Essay.Status.DRAFT if draft else Essay.Status.PUBLISHED
        principle_tags = {}
        if tags:
            try:
                principle_tags = json.loads(Path(tags).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"标签文件无法读取:{tags}({error})") from error
        try:
            result = essay_import(
                text=text,
                title=title,
                status=status,
                dry_run=dry_run,
                principle_tags=principle_tags,
            )
        except EssayImportError as error:
            raise CommandError(str(error)) from error

        parsed = result.parsed
        self.stdout.write(f"标题:{parsed.title}")
        self.stdout.write(f"作者:{parsed.author_line or '(未识别)'}")
        self.stdout.write(f"开篇:{len(parsed.opening)} 段;结语:{len(parsed.closing)} 段")
        for principle in parsed.principles:
            self.stdout.write(
                f"  原则 {principle.position}:既要「{principle.baseline}」,"
                f"更要「{principle.emphasis}」— {len(principle.paragraphs)} 段,"
                f"{len(principle.quotations)} 条引语"
                + (
                    f",标签:{'、'.join(principle_tags[principle.slug])}"
                    if principle.slug in principle_tags
                    else ""
                )
            )
            for quotation in principle.quotations:
                self.stdout.write(f"      引语({quotation.source}):{quotation.text}")
        for reading in parsed.related_readings:
            self.stdout.write(f"  延伸阅读:{reading.title}")
        for repair in parsed.repairs:
            self.stdout.write(
                self.style.WARNING(
                    f"  修复:{repair.description}:{repair.before!r} → {repair.after!r}"
                )
            )
        for text_left in parsed.unplaced:
            self.stdout.write(self.style.WARNING(f"  未归位文字:{text_left}"))

        if dry_run:
            self.stdout.write(self.style.NOTICE("试运行:未写入数据库。"))
        elif result.created:
            self.stdout.write(self.style.SUCCESS(f"已导入新文章《{parsed.title}》。"))
        elif result.changed:
            self.stdout.write(self.style.SUCCESS(f"已更新文章《{parsed.title}》。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"《{parsed.title}》已是最新,未做改动。"))
