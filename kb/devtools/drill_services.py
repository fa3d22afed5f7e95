"""The fault drill's machinery: its own Redis, worker, cron and mail approvals, wrk load.

A mixin of ``manage.py fault_drill`` (kb/devtools/management/commands/fault_drill.py),
kept apart so the command reads as its scenarios; the constants are the drill's
shortened queue timings and what the Chinese 503 pages say.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis
from django.core.management.base import OutputWrapper

from kb.devtools.mailsink import MailSink
from kb.devtools.serving import ROOT, manage, redis_server_start
from kb.devtools.wrk import wrk_parse

SCENARIOS = (
    "load",
    "posting",
    "lock",
    "signup",
    "signout_stall",
    "password_stall",
    "page_stall",
    "outbox",
    "mail_kill",
    "scheduler",
    "postgres_restart",
    "worker_killed",
    "redis_stopped",
)
# The queue's timings, shortened so the drill waits seconds, not minutes.
SWEEP_SECONDS = 5
SWEEP_GRACE_SECONDS = 10
RETRY_SECONDS = 10
# What the Chinese 503 pages say (templates/503.html): busy, and recovering.
BUSY_TEXT = "系统正忙"
RECOVERING_TEXT = "数据库正在恢复"
SCHEDULER_LOCK = "rq:scheduler-lock:mail"
PASSWORD = "Drill-2026-pass"  # noqa: S105 (scratch accounts of the drill)

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


class DrillServices:
    """Start, restart and stop what the scenarios break; drive load with wrk.

    The command sets the run's state in ``handle`` before any scenario runs.
    """

    stdout: OutputWrapper
    tag: str
    tmp: Path
    env: dict[str, str]
    base: str
    base_b: str
    load_seconds: int
    log_count: int
    redis_dir: Path
    redis_port: int
    sink: MailSink
    sink_port: int
    worker: subprocess.Popen | None
    cron: subprocess.Popen | None

    # The drill's own Redis, worker and cron ------------------------------------------

    def redis_start(self) -> None:
        self.redis = redis_server_start(port=self.redis_port, directory=self.redis_dir)

    def redis_client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=5)

    def redis_restart(self, *, keep_memory: bool) -> None:
        """Restart the drill's Redis: with what it held (saved on shutdown), or empty."""
        if keep_memory:
            self.redis_client().shutdown(save=True)
        else:
            self.redis.terminate()  # no save points: the memory is lost
        self.redis.wait(timeout=20)
        if not keep_memory:
            (self.redis_dir / "dump.rdb").unlink(missing_ok=True)
        self.redis_start()

    def background(self, *command: str) -> subprocess.Popen:
        self.log_count += 1
        log = (self.tmp / f"{command[0]}-{self.log_count}.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def worker_start(self) -> subprocess.Popen:
        """`make worker`: the mail queue's worker with its scheduler."""
        self.worker = self.background(
            "rqworker",
            "--with-scheduler",
            "--worker-class",
            "experiences.notifications.worker.MailWorker",
            "mail",
        )
        return self.worker

    def worker_running(self) -> subprocess.Popen:
        if self.worker is None or self.worker.poll() is not None:
            return self.worker_start()
        return self.worker

    def cron_start(self) -> subprocess.Popen:
        """`make cron`: the outbox's sweep every SWEEP_SECONDS."""
        self.cron = self.background("rqcron", "experiences.study.cron")
        return self.cron

    @staticmethod
    def process_stop(process: subprocess.Popen | None) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def approvals(self, names: list[str]) -> list[str]:
        """New colleagues' reflections approved through the services: their mails' ids."""
        output = manage(
            "shell",
            "-c",
            (
                "import json\n"
                "from experiences.models import User\n"
                "from experiences.notifications.models import OutgoingMail\n"
                "from experiences.reflections.moderation import reflection_publish\n"
                "from experiences.reflections.services import reflection_create\n"
                "ids = []\n"
                f"for name in {names!r}:\n"
                "    user = User.objects.create_user(\n"
                f"        name, email=name + '@drill.test', password={PASSWORD!r})\n"
                "    reflection, _ = reflection_create(author=user, principle=None,\n"
                "        title='待审' + name, body='演练的心得。', tags=['演练'])\n"
                "    reflection_publish(reflection=reflection)\n"
                "    ids += OutgoingMail.objects.filter(recipient=user)"
                ".values_list('message_id', flat=True)\n"
                "print('IDS ' + json.dumps(ids))"
            ),
            env=self.env,
        )
        return json.loads(output.split("IDS ", 1)[1])

    def outbox_state(self, message_ids: list[str]) -> dict[str, int]:
        from experiences.notifications.models import OutgoingMail

        mails = OutgoingMail.objects.filter(message_id__in=message_ids)
        return {
            "rows": mails.count(),
            "sent": mails.filter(sent_at__isnull=False).count(),
            "dead": mails.filter(failed_at__isnull=False).count(),
        }

    def wait_for(self, condition, *, seconds: float, step: float = 0.5) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(step)
        return bool(condition())

    # Issue 32, item 4: a lock held too long -----------------------------------------

    # The earlier drills' measurements ---------------------------------------------

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
