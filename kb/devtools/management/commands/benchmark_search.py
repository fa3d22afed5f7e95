"""python manage.py benchmark_search [--reflections 100000] [--repeat 30]

Loads synthetic reflections of realistic Chinese text (sentences of the seed
essay recombined with grassroots vocabulary), rebuilds the search index and
times a fixed set of 24 queries inside Django (no HTTP): for each, the
(capped) count and the first page of results, as the search page runs them. Prints
p50/p95 per query, the index rebuild time and (PostgreSQL) the size of the index:
the documents table with its out-of-line text, the GIN index, and the share of
the tsvector and of the stored bigrams. Refuses to run on a database that
holds anything but its own data or lacks a scratch name (kb/devtools/scratch.py):
point DATABASE_URL at a scratch database (`make bench-search` does).
"""

import os
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from experiences.accounts.models import User
from experiences.core.markdown import markdown_render
from experiences.core.segmentation import segmenter_warm
from experiences.essays.importer import essay_import
from experiences.essays.models import Essay
from experiences.essays.seed import SEED_ESSAY
from experiences.reflections.models import Reflection
from experiences.search.fallback import search_resolve
from experiences.search.query import query_parse, search_run
from experiences.search.rebuild import search_index_rebuild
from kb.devtools.scratch import scratch_database_required

QUERIES = [
    "原则",
    "坚定原则",
    "公心",
    "落实",
    "抓落实",
    "群众",
    "群众 路线",
    "狄更斯",
    "右玉",
    "三严三实",
    "全科干部",
    "10年",
    "信访 接待",
    "人情世故",
    "过程哲学",
    "留守儿童 教育",
    "乡村振兴",
    "耐心 倾听",
    "党性原则 底线",
    "区块链",
    # Issue 29: a synonym, traditional characters, pinyin, a homophone typo.
    "乡亲",
    "羣衆 路線",
    "qunzhong",
    "苦口婆新",
]

VOCABULARY = [
    "群众工作",
    "信访接待",
    "乡村振兴",
    "人居环境整治",
    "防汛抗旱",
    "疫情防控",
    "网格化管理",
    "矛盾纠纷调解",
    "留守儿童",
    "低保评审",
    "宅基地审批",
    "秸秆禁烧",
    "安全生产检查",
    "党员发展",
    "村两委换届",
    "土地流转",
    "合作医疗",
    "养老服务",
    "产业扶贫",
    "招商引资",
    "河长制",
    "林长制",
    "耐心倾听",
    "换位思考",
    "坚持原则",
    "公开公正",
    "踏石留印",
    "抓铁留痕",
    "钉钉子精神",
    "走村入户",
]


class Command(BaseCommand):
    help = "搜索性能基准\uff1a载入大量合成心得\uff0c重建索引\uff0c测量 24 个查询的 p50/p95 延迟。"

    def add_arguments(self, parser):
        parser.add_argument("--reflections", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30, help="runs per query")
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument(
            "--dry-run", action="store_true", help="print the plan and the queries only"
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="rebuild processes"
        )
        parser.add_argument(
            "--rebuild-only", action="store_true", help="load, rebuild and measure sizes only"
        )

    def handle(self, *args, reflections, repeat, seed, dry_run, rebuild_only, workers, **options):
        self.stdout.write(
            f"数据库\uff1a{connection.vendor}\uff1b心得\uff1a{reflections} 条"
            f"\uff1b每个查询 {repeat} 次。"
        )
        if dry_run:
            for query in QUERIES:
                self.stdout.write(f"  {query}")
            return
        scratch_database_required("bench-search")
        random.seed(seed)
        segmenter_warm()
        essay = self.essay_load()
        self.reflections_load(essay=essay, total=reflections)

        started = time.perf_counter()
        documents = search_index_rebuild(batch_size=2000, workers=workers)
        build_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE experiences_searchdocument")
        self.stdout.write(
            f"索引构建\uff1a{documents} 条文档\uff0c{workers} 个进程"
            f"\uff0c用时 {build_seconds:.1f} 秒"
        )
        if connection.vendor == "postgresql":
            self.sizes_report()
        if rebuild_only:
            return

        self.stdout.write(f"{'query':<16}{'hits':>8}{'p50 ms':>10}{'p95 ms':>10}")
        worst_p95 = 0.0
        for text in QUERIES:
            timings, hits = [], 0
            for _ in range(repeat + 2):
                begin = time.perf_counter()
                # As the page runs it: a query that finds nothing is corrected or cut.
                resolved = search_resolve(query=query_parse(text))
                hits, more = resolved.total, resolved.more
                page = list(search_run(query=resolved.shown)[:20]) if hits else []
                timings.append((time.perf_counter() - begin) * 1000)
                if len(page) > 20:
                    raise CommandError(f"{text}: a page of {len(page)} hits, not at most 20")
            timings = sorted(timings[2:])  # the first two warm the caches
            p50 = statistics.median(timings)
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            worst_p95 = max(worst_p95, p95)
            shown = f"{hits}+" if more else str(hits)
            self.stdout.write(f"{text:<16}{shown:>8}{p50:>10.1f}{p95:>10.1f}")
        self.stdout.write(
            self.style.SUCCESS(f"最差 p95:{worst_p95:.1f} ms\uff08目标 ≤ 30 ms\uff09")
        )

    def sizes_report(self) -> None:
        """Sizes of the search index on PostgreSQL, in MB."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('experiences_searchdocument'),"
                " pg_table_size('experiences_searchdocument'),"
                " pg_relation_size('search_document_vector_gin'),"
                " (SELECT sum(pg_column_size(search_vector)) FROM experiences_searchdocument),"
                " (SELECT coalesce(sum(pg_column_size(d.gram_terms)), 0)"
                "  FROM experiences_searchdocument d)"
                if self.has_column("gram_terms")
                else "SELECT pg_total_relation_size('experiences_searchdocument'),"
                " pg_table_size('experiences_searchdocument'),"
                " pg_relation_size('search_document_vector_gin'),"
                " (SELECT sum(pg_column_size(search_vector)) FROM experiences_searchdocument),"
                " 0"
            )
            total, table, gin, vectors, grams = (value or 0 for value in cursor.fetchone())
        mb = 1024 * 1024
        self.stdout.write(
            f"索引大小\uff1a合计 {total / mb:.1f} MB(表及行外存储 {table / mb:.1f} MB,"
            f"GIN 索引 {gin / mb:.1f} MB\uff1b其中 tsvector {vectors / mb:.1f} MB,"
            f"二元组 {grams / mb:.1f} MB)"
        )

    def has_column(self, name: str) -> bool:
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(
                cursor, "experiences_searchdocument"
            )
        return any(column.name == name for column in columns)

    def essay_load(self) -> Essay:
        seed = SEED_ESSAY
        return essay_import(text=seed.read_text(encoding="utf-8")).essay

    def reflections_load(self, *, essay: Essay, total: int) -> None:
        existing = Reflection.objects.count()
        if existing >= total:
            self.stdout.write(f"已有 {existing} 条心得\uff0c跳过生成。")
            return
        sentences = [
            s
            for paragraph in essay.principles.values_list("body", flat=True)
            for s in paragraph.replace("\n", "。").split("。")
            if len(s) > 6
        ]
        principles = list(essay.principles.all())
        authors = [User.objects.get_or_create(username=f"bench{index}")[0] for index in range(200)]
        now = timezone.now()
        batch = []
        started = time.perf_counter()
        for index in range(existing, total):
            parts = random.sample(sentences, k=random.randint(2, 4))
            parts.insert(
                random.randint(0, len(parts)), random.choice(VOCABULARY) + "工作要常抓不懈"
            )
            if random.random() < 0.3:
                parts.append(f"我在乡镇工作了{random.randint(1, 30)}年")
            body = "。".join(parts) + "。"
            batch.append(
                Reflection(
                    author=random.choice(authors),
                    principle=random.choice([*principles, None]),
                    title=random.choice(VOCABULARY) + "的体会",
                    body=body,
                    body_html=markdown_render(body),
                    status=Reflection.Status.PUBLISHED,
                    published_at=now,
                )
            )
            if len(batch) == 5000:
                with transaction.atomic():
                    Reflection.objects.bulk_create(batch)
                batch = []
                self.stdout.write(f"\r  生成心得 {index + 1}/{total}", ending="")
                self.stdout.flush()
        if batch:
            Reflection.objects.bulk_create(batch)
        self.stdout.write(
            f"\n  生成 {total - existing} 条心得用时 {time.perf_counter() - started:.1f} 秒"
        )
