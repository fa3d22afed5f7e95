"""python manage.py import_essay (PATH | --seed) [--dry-run] [--title T] [--draft] [--tags FILE]

PATH is a text file or a Word .docx (a .doc or .wps is refused with what to do).

The command line's way into the importer: reads the file in whatever encoding a
Chinese editor saved it (the same decoder as the admin's upload), then parses
and stores it; messages name this command's flags.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from experiences.essays.docx import essay_upload_text
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.parser import EssayImportError
from experiences.essays.seed import SEED_ESSAY, SEED_TAGS

COLON = "\uff1a"
COMMA = "\uff0c"
SEMICOLON = "\uff1b"

# What to do, in this command's own terms, for each reason the importer refuses.
HINTS = {
    "no_title": "请用 --title 指定标题。",
    "no_principles": "如果这篇文章确实没有原则" + COMMA + "请加上 --no-principles 再导入。",
}


class Command(BaseCommand):
    help = (
        "导入一篇心得体会\uff08UTF-8、GBK 或 UTF-16 文本文件\uff0c或 Word 的 .docx\uff09"
        + COMMA
        + "拆分为原则"
        + SEMICOLON
        + "重复导入不会产生任何变化。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="the essay: a text file (UTF-8, GBK, UTF-16) or a Word .docx"
        )
        parser.add_argument(
            "--seed",
            action="store_true",
            help="the essay the site ships with, and its principles' tags",
        )
        parser.add_argument("--title", help="the essay's title, when the text does not reveal it")
        parser.add_argument("--draft", action="store_true", help="store a new essay as a draft")
        parser.add_argument(
            "--no-principles",
            action="store_true",
            dest="no_principles",
            help="store the essay although no principle was found in it",
        )
        parser.add_argument(
            "--tags",
            help='JSON file mapping principle slugs to tags: {"人情世故-坚定原则": ["群众工作"]}',
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what was found, store nothing"
        )

    def handle(self, *args, path, title, draft, dry_run, tags, seed, no_principles, **options):
        if seed:
            path, tags = path or SEED_ESSAY, tags or SEED_TAGS
        if not path:
            raise CommandError("请给出文章文件的路径" + COMMA + "或用 --seed 导入随附的文章。")
        try:
            read = essay_upload_text(Path(path).name, Path(path).read_bytes())
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件{COLON}{path}") from error
        except EssayImportError as error:
            raise CommandError(f"{error}({path})") from error
        text = read.text
        for notice in read.notices:
            self.stdout.write(self.style.WARNING(notice))
        status = Essay.Status.DRAFT if draft else Essay.Status.PUBLISHED
        principle_tags = {}
        if tags:
            try:
                principle_tags = json.loads(Path(tags).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"标签文件无法读取{COLON}{tags}\uff08{error}\uff09") from error
        try:
            result = essay_import(
                text=text,
                title=title,
                status=status,
                dry_run=dry_run,
                principle_tags=principle_tags,
                allow_no_principles=no_principles,
            )
        except EssayImportError as error:
            raise CommandError(f"{error}{HINTS.get(error.code, '')}") from error
        self._report(result, principle_tags, dry_run=dry_run)

    def _report(self, result, principle_tags, *, dry_run):
        parsed = result.parsed
        write, warn = self.stdout.write, self.style.WARNING
        write(f"标题{COLON}{parsed.title}")
        author = parsed.author_line or "\uff08未注明\uff09"
        write(f"作者{COLON}{author}")
        write(f"开篇{COLON}{len(parsed.opening)} 段{SEMICOLON}结语{COLON}{len(parsed.closing)} 段")
        for principle in parsed.principles:
            tags = principle_tags.get(principle.slug)
            write(
                f"  原则 {principle.position}{COLON}"
                f"{principle.opener}「{principle.baseline}」{COMMA}"
                f"{principle.connective}「{principle.emphasis}」— {len(principle.paragraphs)} 段"
                f"{COMMA}{len(principle.quotations)} 条引语"
                + (f"{COMMA}标签{COLON}{'、'.join(tags)}" if tags else "")
            )
            for quotation in principle.quotations:
                write(f"      引语\uff08{quotation.source}\uff09{COLON}{quotation.text}")
        for reading in parsed.related_readings:
            write(f"  延伸阅读{COLON}{reading.title}")
        for repair in parsed.repairs:
            write(
                warn(
                    f"  修复{COLON}{repair.description}{COLON}{repair.before!r} → {repair.after!r}"
                )
            )
        for note in parsed.notes:
            write(f"  编者按或作者简介{COLON}{note}")
        for line in parsed.removed:
            write(warn(f"  已略去\uff08{line.label}\uff09{COLON}{line.text}"))
        for text_left in parsed.unplaced:
            write(warn(f"  未归位文字{COLON}{text_left}"))

        if dry_run:
            self.stdout.write(self.style.NOTICE("试运行" + COLON + "未写入数据库。"))
        elif result.created:
            self.stdout.write(self.style.SUCCESS(f"已导入新文章《{parsed.title}》。"))
        elif result.changed:
            self.stdout.write(self.style.SUCCESS(f"已更新文章《{parsed.title}》。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"《{parsed.title}》已是最新{COMMA}未做改动。"))
