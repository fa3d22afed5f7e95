"""The fault drill's site scenarios for issue 32 (items 4 and 5), one table row each.

A mixin of ``manage.py fault_drill``: a lock held on the reflections table, sign-ups
differing only in case on two servers at once. The Redis stalls (1-3) are in
drill_stalls.py, the mail scenarios (6-8) in drill_mail.py.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from django.db import connection, transaction

from kb.devtools.drill import Row
from kb.devtools.drill_services import (
    BUSY_TEXT,
    PASSWORD,
    DrillServices,
)
from kb.devtools.serving import (
    Browser,
)


class Issue32Drills(DrillServices):
    """Each ``drill_*`` returns one row of the table."""

    def drill_lock(self) -> Row:
        from django.conf import settings

        from experiences.models import Reflection

        lock_seconds = settings.KB_DB_LOCK_TIMEOUT_MS / 1000
        hold = min(3 * lock_seconds, 20)
        self.stdout.write(
            f"4. 另一连接锁住心得表 {hold:.0f} 秒\uff08超过锁等待上限 {lock_seconds:.0f} 秒\uff09……"
        )
        outcomes: Counter[str] = Counter()
        healthz: list[tuple[int, float]] = []
        unlocked: Counter[int] = Counter()
        stop = threading.Event()
        lock = threading.Lock()

        def fetch(base: str, path: str) -> tuple[int, str, float]:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    status, body = response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode()
            except OSError:
                status, body = 0, ""
            return status, body, time.monotonic() - started

        def hammer(base: str, path: str) -> None:
            for i in range(400):
                if stop.is_set():
                    return
                query = urllib.parse.quote(f"{self.tag}{i}{base[-2:]}")
                status, body, _ = fetch(base, urllib.parse.quote(path, safe="/?=&") + query)
                if status == 503 and BUSY_TEXT in body:
                    kind = "busy_503"
                elif status >= 500:
                    kind = "other_5xx"
                elif status == 0:
                    kind = "socket_error"
                else:
                    kind = str(status)
                with lock:
                    outcomes[kind] += 1

        def health(base: str) -> None:
            for _ in range(200):
                if stop.is_set():
                    return
                status, _, seconds = fetch(base, "/healthz")
                with lock:
                    healthz.append((status, seconds))
                time.sleep(0.5)

        def login_page(base: str) -> None:
            for _ in range(200):
                if stop.is_set():
                    return
                status, _, _ = fetch(base, "/accounts/login/")
                with lock:
                    unlocked[status] += 1
                time.sleep(0.5)

        threads = []
        for base in (self.base, self.base_b):
            # Lists no cache has seen (a new tag each time): each one reads the locked table.
            for target, arg in (
                (hammer, "/reflections/?tag=演练"),
                (hammer, "/reflections/?sort=new&tag=群众"),
                (health, None),
                (login_page, None),
            ):
                args = (base, arg) if arg else (base,)
                threads.append(threading.Thread(target=target, args=args, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Reflection._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
            time.sleep(hold)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        recovered = all(
            self.wait_for(
                lambda base=base: fetch(base, f"/reflections/?tag=after{self.tag}")[0] == 200,
                seconds=15,
            )
            for base in (self.base, self.base_b)
        )
        health_ok = bool(healthz) and all(status == 200 for status, _ in healthz)
        slowest = max((seconds for _, seconds in healthz), default=0)
        requests = sum(outcomes.values())
        passed = (
            outcomes["other_5xx"] == 0
            and outcomes["socket_error"] == 0
            and health_ok
            and set(unlocked) == {200}
            and recovered
            and outcomes["busy_503"] > 0  # else the lock was never felt: no drill
        )
        return Row(
            "4 数据库锁",
            f"心得表被锁 {hold:.0f} 秒\uff0cA、B 共 {requests} 个请求"
            f"\uff08其中中文 503 {outcomes['busy_503']} 个\uff09\uff0c"
            f"/healthz {len(healthz)} 次\uff08最慢 {slowest:.1f} 秒\uff09",
            fivexx=outcomes["other_5xx"],
            passed=passed,
            note=(
                f"healthz {'全部 200' if health_ok else '有失败'}\uff0c"
                f"登录页 {dict(unlocked)}\uff0c"
                f"{'解锁后恢复' if recovered else '解锁后未恢复'}"
                + (f"\uff0c连接错误 {outcomes['socket_error']}" if outcomes["socket_error"] else "")
            ),
        )

    # Item 5: one account per name, whatever its case --------------------------------

    def drill_signup(self) -> Row:
        case_pairs, same_pairs = 10, 5
        self.stdout.write(
            f"5. {case_pairs} 对只差大小写的用户名、{same_pairs} 对同名\uff0c在 A、B 同时注册……"
        )
        pairs = [(f"Race{i}X{self.tag}", f"race{i}x{self.tag}") for i in range(case_pairs)]
        pairs += [(f"Same{i}{self.tag}",) * 2 for i in range(same_pairs)]
        statuses: Counter[int] = Counter()

        def sign_up(base: str, username: str, barrier: threading.Barrier) -> None:
            browser = Browser(base)
            _, form, _ = browser.get("/accounts/signup/")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
            fields = [
                ("csrfmiddlewaretoken", csrf.group(1) if csrf else ""),
                ("username", username),
                ("password1", PASSWORD),
                ("password2", PASSWORD),
                ("privacy_consent", "on"),
            ]
            barrier.wait(timeout=30)
            status, _ = browser.submit("/accounts/signup/", fields)
            statuses[status] += 1

        for first, second in pairs:
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=sign_up, args=(self.base, first, barrier)),
                threading.Thread(target=sign_up, args=(self.base_b, second, barrier)),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        from experiences.models import User

        per_name = [User.objects.filter(username__iexact=first).count() for first, _ in pairs]
        extra = sum(max(count - 1, 0) for count in per_name)
        fivexx = sum(count for status, count in statuses.items() if status >= 500)
        return Row(
            "5 同名注册",
            f"{len(pairs)} 对同时注册\uff08{case_pairs} 对只差大小写\uff0c{same_pairs} 对同名\uff09"
            f"\uff0c每个名字的账号数 {sorted(set(per_name))}",
            duplicated=extra,
            fivexx=fivexx,
            passed=extra == 0 and fivexx == 0 and set(per_name) == {1},
            note=f"HTTP {dict(sorted(statuses.items()))}",
        )
