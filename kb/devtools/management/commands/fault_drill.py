"""python manage.py fault_drill [--load-seconds 60]

Faults and load against real gunicorn servers on 127.0.0.1, bounded in time:

1. 200 concurrent connections across every anonymous page: zero 5xx.
2. 50 users posting reflections at once (each submit sent twice): each stored exactly once.
3. PostgreSQL restarted during load: the app recovers by itself; meanwhile a Chinese 503.
4. A gunicorn worker killed during load: only its in-flight requests fail.
5. Redis stopped: pages keep being served from the database, and stay correct.

It needs PostgreSQL (DATABASE_URL, a scratch database: `make fault-drill` does)
and restarts the local PostgreSQL cluster once. It refuses, --dry-run included,
a database without a scratch name (kb_drill…) or with real reflections. It
starts a Redis of its own on a free port, so the machine's Redis is never touched.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kb.devtools.scratch import scratch_database_required
from kb.devtools.serving import (
    Browser,
    free_port,
    gunicorn_start,
    gunicorn_stop,
    healthy_wait,
    manage,
    production_env,
    worker_pids,
)
from kb.devtools.wrk import wrk_parse

WRK_SCRIPT = """
local paths = {PATHS}
local counter = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) fivexx = 0; unavailable = 0; other = 0; id = math.random(1, 1000000) end
function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  if BUST then  -- a query string no cache has seen: the request reaches the database
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "drill=" .. id .. "-" .. counter
  end
  return wrk.format("GET", path)
end
function response(status, headers, body)
  if status == 503 then unavailable = unavailable + 1
  elseif status >= 500 then fivexx = fivexx + 1
  elseif status >= 400 then other = other + 1 end
end
function done(summary, latency, requests)
  local total5, total503, total4 = 0, 0, 0
  for _, thread in ipairs(threads) do
    total5 = total5 + thread:get("fivexx"); total503 = total503 + thread:get("unavailable")
    total4 = total4 + thread:get("other")
  end
  io.write(string.format(
    "DRILL requests=%d fivexx=%d unavailable=%d fourxx=%d socket_errors=%d\\n",
    summary.requests, total5, total503, total4,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

PAGES = [
    "/",
    "/essays/基层干部的心得体会/",
    "/essays/基层干部的心得体会/人情世故-坚定原则/",
    "/essays/基层干部的心得体会/苦口婆心-甜嘴公心/",
    "/tags/",
    "/tags/群众工作/",
    "/reflections/",
    "/search/?q=原则",
]


class Command(BaseCommand):
    help = "故障演练\uff1a高并发、并发发帖、重启 PostgreSQL、杀死工作进程、停掉 Redis。"

    def add_arguments(self, parser):
        parser.add_argument("--load-seconds", type=int, default=60)
        parser.add_argument("--dry-run", action="store_true", help="print the plan only")

    def handle(self, *args, load_seconds, dry_run, **options):
        # Before anything else, the dry run included: it creates staff users with a
        # known password and restarts PostgreSQL, so never on a database that matters.
        scratch_database_required("fault-drill")
        if connection.vendor != "postgresql":
            raise CommandError("故障演练需要 PostgreSQL\uff08make fault-drill\uff09。")
        if not shutil.which("wrk") or not shutil.which("redis-server"):
            raise CommandError("需要 wrk 和 redis-server。")
        if dry_run:
            self.stdout.write(__doc__)  # the module's: what each drill does
            return
        self.tmp = Path(tempfile.mkdtemp(prefix="kb-drill-"))
        redis_port = free_port()
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        self.env = production_env(
            DATABASE_URL=os.environ["DATABASE_URL"],
            DJANGO_STATIC_ROOT=str(self.tmp / "static"),
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            DJANGO_CONN_MAX_AGE="60",
        )
        results = {}
        try:
            manage("collectstatic", "--noinput", "--verbosity", "0", env=self.env)
            self.server, self.base = gunicorn_start(env=self.env, workers=4)
            results["load"] = self.drill_load(load_seconds)
            results["posting"] = self.drill_posting()
            results["postgres_restart"] = self.drill_postgres_restart()
            results["worker_killed"] = self.drill_worker_kill()
            results["redis_stopped"] = self.drill_redis_stop()
        finally:
            if getattr(self, "server", None):
                gunicorn_stop(self.server)
            self.redis.terminate()
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        failed = [name for name, result in results.items() if not result["passed"]]
        if failed:
            raise CommandError(f"未通过\uff1a{', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS("全部故障演练通过。"))

    def wrk(self, *, seconds: int, connections: int, during=None, bust_cache=False) -> dict:
        """Drive every page with wrk; 503s are counted apart from other 5xx."""
        script = self.tmp / "drill.lua"
        quoted = [urllib.parse.quote(path, safe="/?=&") for path in PAGES]
        paths = "{" + ",".join(f'"{p}"' for p in quoted) + "}"
        script.write_text(
            f"BUST = {'true' if bust_cache else 'false'}\n" + WRK_SCRIPT.replace("{PATHS}", paths)
        )
        process = subprocess.Popen(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                self.base,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        extra = during() if during else None
        output, _ = process.communicate(timeout=seconds + 60)
        # The DRILL line is WRK_SCRIPT's own report (status classes); the rest is wrk's.
        numbers = dict(re.findall(r"(\w+)=(\d+)", output.split("DRILL", 1)[1]))
        result = {key: int(value) for key, value in numbers.items()}
        result["rps"] = wrk_parse(output)["rps"]
        if extra:
            result.update(extra)
        return result

    def drill_load(self, seconds: int) -> dict:
        self.stdout.write(f"1. 200 个并发连接\uff0c持续 {seconds} 秒……")
        result = self.wrk(seconds=seconds, connections=200)
        result["passed"] = result["fivexx"] == 0
        return result

    def drill_posting(self) -> dict:
        self.stdout.write("2. 50 个用户同时发帖\uff08每人连点两次\uff09……")
        manage(
            "shell",
            "-c",
            (
                "from experiences.models import User\n"
                "for i in range(50):\n"
                "    User.objects.create_user(\n"
                "        f'drill{i}', password='Drill-2026-pass', is_staff=True)"
            ),
            env=self.env,
        )
        outcomes = []

        def post(index):
            browser = Browser(self.base)
            browser.log_in(f"drill{index}", "Drill-2026-pass")
            _, form, _ = browser.get("/reflections/new/")
            token = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            data = [
                ("csrfmiddlewaretoken", csrf),
                ("submission_token", token),
                ("title", f"演练{index}"),
                ("body", f"第 {index} 位同事的心得。"),
                ("tags", "演练"),
            ]
            statuses = [browser.post("/reflections/new/?", data)[0] for _ in range(2)]
            outcomes.append(statuses)

        threads = [threading.Thread(target=post, args=(i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        counts = (
            manage(
                "shell",
                "-c",
                (
                    "from experiences.models import Reflection\n"
                    "from django.db.models import Count\n"
                    "rows = Reflection.objects.filter(title__startswith='演练').values('author')"
                    ".annotate(n=Count('pk'))\n"
                    "print(sorted(r['n'] for r in rows))"
                ),
                env=self.env,
            )
            .strip()
            .splitlines()[-1]
        )
        per_author = json.loads(counts)
        return {
            "authors": len(per_author),
            "reflections_per_author": sorted(set(per_author)),
            "http_statuses": sorted({s for pair in outcomes for s in pair}),
            "passed": len(per_author) == 50 and set(per_author) == {1},
        }

    def drill_postgres_restart(self) -> dict:
        self.stdout.write("3. 压测中重启 PostgreSQL……")
        seen: dict[str, int | bool | None] = {}

        def restart():
            time.sleep(3)
            version = sorted(Path("/etc/postgresql").iterdir())[0].name
            subprocess.run(
                [
                    "pg_ctlcluster",
                    "--skip-systemctl-redirect",
                    version,
                    "main",
                    "restart",
                    "--mode",
                    "fast",
                ],
                check=True,
            )
            # What a visitor sees right after the restart, before connections are healthy again.
            browser = Browser(self.base)
            status, page, _ = browser.get("/reflections/?during-restart=1")
            seen.update(
                first_status=status,
                chinese_503=("数据库正在恢复" in page) if status == 503 else None,
            )
            return seen

        result = self.wrk(seconds=15, connections=50, during=restart, bust_cache=True)
        recovered = healthy_wait(self.base, seconds=30)
        status, _, _ = Browser(self.base).get("/tags/?after-restart=1")
        result.update(recovered_without_app_restart=recovered and status == 200)
        # Requests during the outage may get the Chinese 503 page, never a 500.
        result["passed"] = (
            result["recovered_without_app_restart"]
            and result["fivexx"] == 0
            and seen.get("first_status") in (200, 503)
            and seen.get("chinese_503") in (None, True)
        )
        return result

    def drill_worker_kill(self) -> dict:
        self.stdout.write("4. 压测中杀死一个工作进程……")

        def kill():
            time.sleep(4)
            victim = worker_pids(self.server.pid)[0]
            subprocess.run(["kill", "-9", str(victim)], check=True)
            return {"killed_pid": victim}

        result = self.wrk(seconds=12, connections=50, during=kill, bust_cache=True)
        failed = result["fivexx"] + result["unavailable"] + result["socket_errors"]
        # One sync worker handles one request at a time: at most its in-flight one
        # (plus connections queued on it) can fail.
        result["failed_requests"] = failed
        result["passed"] = failed <= 5 and len(worker_pids(self.server.pid)) == 4
        return result

    def drill_redis_stop(self) -> dict:
        self.stdout.write("5. 停掉 Redis\uff0c继续访问……")
        self.redis.terminate()
        self.redis.wait(timeout=10)
        result = self.wrk(seconds=10, connections=50)
        manage(
            "shell",
            "-c",
            (
                "from experiences.models import Reflection\n"
                "Reflection.objects.filter(title__startswith='演练')"
                ".update(title='Redis 停了也要看得到')"
            ),
            env=self.env,
        )
        _, page, _ = Browser(self.base).get("/reflections/")
        result["fresh_content_seen"] = "Redis 停了也要看得到" in page
        result["passed"] = result["fivexx"] == 0 and result["fresh_content_seen"]
        return result
