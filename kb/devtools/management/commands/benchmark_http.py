"""python manage.py benchmark_http [--duration 10] [--connections 64]

Loads a realistic dataset (the essay, 10,000 published reflections, 200 tags,
50,000 点赞) into the current database (PostgreSQL, a scratch database, or it refuses:
`make bench-http` does), starts gunicorn with production settings, drives it
with wrk for each page and for a bare view returning a fixed string (the
ceiling), and prints requests per second, p50/p99 latency, each page's share
of the ceiling and the workers' memory afterwards. Each page gets two seconds
of warm-up, then --runs interleaved rounds (every page once a round); each page's
share is taken against the bare view of the same round and the median round is
shown (two cores are shared by wrk, gunicorn, PostgreSQL and Redis, so single
runs vary by ±10%). --without pages|shared|facts (repeatable) turns a caching
mechanism off in the servers (KB_CACHING): what it buys is the difference.
"""

import random
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from experiences.accounts.models import User
from experiences.core.markdown import markdown_render
from experiences.essays.importer import essay_import
from experiences.essays.seed import SEED_ESSAY, SEED_TAGS
from experiences.reflections.models import Like, Reflection
from experiences.reflections.services import like_counts_recount
from experiences.search.rebuild import search_index_rebuild
from kb.devtools.scratch import scratch_database_required
from kb.devtools.serving import (
    Browser,
    gunicorn_start,
    gunicorn_stop,
    manage,
    production_env,
    rss_mb,
    worker_pids,
)
from kb.devtools.wrk import wrk_parse

from .benchmark_search import VOCABULARY

# The caching mechanisms --without can turn off (settings.KB_CACHING).
CACHING = ("pages", "shared", "facts")
PAGES = [
    ("home", "/"),
    ("principle", "/essays/基层干部的心得体会/人情世故-坚定原则/"),
    ("tag page", "/tags/群众工作/"),
    ("search", "/search/?q=原则"),
    ("reflection list", "/reflections/"),
    ("bare view", "/bench/ceiling/"),
]
# The same pages as a colleague who signed in through the login form sees them: the
# session cookie goes with every request, so nothing is served from the anonymous cache.
SIGNED_IN_PAGES = [
    ("principle, signed in", "/essays/基层干部的心得体会/人情世故-坚定原则/"),
    ("list, signed in", "/reflections/"),
    ("search, signed in", "/search/?q=群众"),
]
# 长辈模式 (issue 30): the anonymous principle page in the elder mode, its own cached copy;
# it should stay within 10% of the normal one.
ELDER_PAGES = [("principle, 长辈模式", "/essays/基层干部的心得体会/人情世故-坚定原则/")]
ELDER_COOKIE = "Cookie: kb_mode=elder"
READER = "benchreader"
# A scratch database only (scratch_database_required): the password guards nothing real.
READER_PASSWORD = "bench-reader-Pass-2026"  # noqa: S105


class Command(BaseCommand):
    help = "HTTP 性能基准\uff1a载入 1 万条心得、200 个标签、5 万个点赞\uff0c用 wrk 压测各页面。"

    def add_arguments(self, parser):
        parser.add_argument("--reflections", type=int, default=10_000)
        parser.add_argument("--tags", type=int, default=200)
        parser.add_argument("--likes", type=int, default=50_000)
        parser.add_argument("--duration", type=int, default=10, help="seconds per page")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument(
            "--runs", type=int, default=3, help="runs per page; the median run is reported"
        )
        parser.add_argument(
            "--without",
            action="append",
            default=[],
            choices=CACHING,
            help="turn this caching mechanism off in the servers (repeatable)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the plan only")

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("需要 wrk:apt-get install -y wrk")
        self.stdout.write(
            f"数据库\uff1a{connection.vendor}\uff1b{options['reflections']} 条心得\uff0c"
            f"{options['tags']} 个标签\uff0c{options['likes']} 个点赞\uff1b"
            f"wrk {options['connections']} 连接 × {options['duration']} 秒"
        )
        off = [name for name in CACHING if name in options["without"]]
        self.stdout.write("关闭的缓存：" + ("、".join(off) if off else "无"))
        if options["dry_run"]:
            for name, path in PAGES + SIGNED_IN_PAGES + ELDER_PAGES:
                self.stdout.write(f"  {name}: {path}")
            return
        scratch_database_required("bench-http")
        self.dataset_load(**options)
        self.serve_and_measure(**options)

    def dataset_load(self, *, reflections, tags, likes, **options):
        random.seed(7)
        seed, tags_file = SEED_ESSAY, SEED_TAGS
        import json

        essay = essay_import(
            text=seed.read_text(encoding="utf-8"),
            principle_tags=json.loads(tags_file.read_text(encoding="utf-8")),
        ).essay
        # The colleague the signed-in rows are measured as (also on an already loaded set).
        reader, _ = User.objects.get_or_create(username=READER)
        reader.set_password(READER_PASSWORD)
        reader.save()
        if Reflection.objects.count() >= reflections:
            self.stdout.write("数据已载入\uff0c跳过。")
            return
        started = time.perf_counter()
        principles = list(essay.principles.all())
        users = [User.objects.get_or_create(username=f"bench{i}")[0] for i in range(500)]
        sentences = [s for p in principles for s in p.body.replace("\n", "。").split("。") if s]
        tag_objects = [Tag.objects.get_or_create(name="群众工作")[0]] + [
            Tag.objects.get_or_create(name=f"{random.choice(VOCABULARY)}{i}")[0]
            for i in range(tags - 1)
        ]
        now = timezone.now()
        with transaction.atomic():
            created = Reflection.objects.bulk_create(
                [
                    Reflection(
                        author=random.choice(users),
                        principle=random.choice(principles),
                        title=random.choice(VOCABULARY) + "的体会",
                        body=(body := "。".join(random.sample(sentences, 3)) + "。"),
                        body_html=markdown_render(body),
                        status=Reflection.Status.PUBLISHED,
                        published_at=now,
                    )
                    for _ in range(reflections)
                ],
                batch_size=2000,
            )
            reflection_type = ContentType.objects.get_for_model(Reflection)
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(tag=tag, content_type=reflection_type, object_id=r.pk)
                    for r in created
                    for tag in random.sample(tag_objects, random.randint(1, 3))
                ],
                batch_size=5000,
            )
            pairs = set()
            while len(pairs) < likes:
                pairs.add((random.choice(users).pk, random.choice(created).pk))
            Like.objects.bulk_create(
                [Like(user_id=u, reflection_id=r) for u, r in pairs], batch_size=5000
            )
        like_counts_recount()
        search_index_rebuild()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        self.stdout.write(f"数据载入用时 {time.perf_counter() - started:.1f} 秒")

    @staticmethod
    def server_env(static_root: str, without: Sequence[str] = ()) -> dict[str, str]:
        return production_env(
            # Which caching mechanisms run (core/caching.py caching_on).
            KB_CACHING=",".join(name for name in CACHING if name not in without),
            DJANGO_STATIC_ROOT=static_root,
            # The ceiling view is served only with the development tools on.
            KB_DEVTOOLS="1",
            KB_BENCHMARK_CEILING="1",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            # A cache of its own: another bench database (or an earlier run) on the same
            # Redis must not answer for this one (the content version, pages, users).
            CACHE_KEY_PREFIX=f"kb-bench-{secrets.token_hex(4)}",
        )

    def serve_and_measure(self, *, duration, connections, workers, runs, without, **options):
        static_root = tempfile.mkdtemp(prefix="kb-bench-static-")
        env = self.server_env(static_root, without)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
        server, base = gunicorn_start(env=env, workers=workers)
        try:
            # Signed in through the login form, as a colleague would be.
            reader = Browser(base)
            reader.log_in(READER, READER_PASSWORD)
            cookie = "; ".join(f"{c.name}={c.value}" for c in reader.cookies)
            targets = (
                [(n, p, []) for n, p in PAGES]
                + [(n, p, [f"Cookie: {cookie}"]) for n, p in SIGNED_IN_PAGES]
                + [(n, p, [ELDER_COOKIE]) for n, p in ELDER_PAGES]
            )
            urls = {}
            for name, path, headers in targets:
                quoted = urllib.parse.quote(path, safe="/?=&")
                if headers == [ELDER_COOKIE]:
                    status, page = self.elder_get(base + quoted)
                    wrong = "mode-elder" not in page
                else:
                    status, page, _ = (reader if headers else Browser(base)).get(quoted)
                    wrong = bool(headers) and READER not in page
                if status != 200 or wrong:
                    raise CommandError(f"{name} {base + quoted}: HTTP {status}")
                urls[name] = base + quoted
                # Two seconds of warm-up (connections, per-worker caches), not counted.
                self.wrk_run(urls[name], connections=connections, seconds=2, headers=headers)
            # Interleaved rounds: every page once per round, so a change in the machine's
            # load moves a round's pages and its bare view alike; each page's share is
            # taken against the bare view of its own round.
            rounds: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
            for _ in range(runs):
                for name, _, headers in targets:
                    rounds[name].append(
                        self.wrk_run(
                            urls[name], connections=connections, seconds=duration, headers=headers
                        )
                    )
            results = {}
            for name, measured in rounds.items():
                for result, bare in zip(measured, rounds["bare view"], strict=True):
                    result["share"] = result["rps"] / bare["rps"]
                results[name] = sorted(measured, key=lambda result: result["share"])[
                    len(measured) // 2
                ]
            memory = [rss_mb(pid) for pid in worker_pids(server.pid)]
        finally:
            gunicorn_stop(server)
            shutil.rmtree(static_root, ignore_errors=True)
        self.stdout.write(
            f"{'page':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'of bare':>10}{'non-2xx':>10}"
        )
        for name, r in results.items():
            self.stdout.write(
                f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}"
                f"{r['share']:>10.0%}{r['errors']:>10}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"gunicorn 工作进程内存\uff08RSS\uff0c最大\uff09\uff1a{max(memory):.0f} MB"
                f"\uff1b各进程\uff1a" + ", ".join(f"{m:.0f}" for m in memory)
            )
        )

    def elder_get(self, url: str) -> tuple[int, str]:
        """A page as an anonymous visitor in 长辈模式 gets it (the mode cookie only)."""
        request = urllib.request.Request(url, headers=dict([ELDER_COOKIE.split(": ", 1)]))
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()

    def wrk_run(
        self, url: str, *, connections: int, seconds: int, headers: Sequence[str] = ()
    ) -> dict:
        extra = [part for header in headers for part in ("-H", header)]
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return wrk_parse(output)
