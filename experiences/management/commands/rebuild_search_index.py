"""python manage.py rebuild_search_index [--dry-run]"""

import os
import time

from django.core.management.base import BaseCommand

from experiences.core.segmentation import segmenter_warm
from experiences.essays.models import Principle, RelatedReading
from experiences.reflections.models import Reflection
from experiences.search.rebuild import search_index_rebuild


class Command(BaseCommand):
    help = "用 jieba 重新分词并重建全部搜索索引\uff08原则、心得、标签、延伸阅读\uff09。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be indexed")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes indexing reflections (PostgreSQL; default: one per core)",
        )

    def handle(self, *args, dry_run, batch_size, workers, **options):
        if dry_run:
            self.stdout.write(
                f"将索引\uff1a原则 {Principle.objects.count()} 条\uff0c"
                f"心得 {Reflection.objects.count()} 条\uff0c"
                f"延伸阅读 {RelatedReading.objects.count()} 条\uff08外加所有标签\uff09。未写入。"
            )
            return
        started = time.monotonic()
        segmenter_warm()

        def progress(done, total):
            width = 30
            filled = int(width * done / total) if total else width
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
            )
            self.stdout.flush()

        count = search_index_rebuild(batch_size=batch_size, progress=progress, workers=workers)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"搜索索引已重建\uff1a{count} 条\uff0c用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
