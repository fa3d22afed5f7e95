"""The fault drill's Redis-stall scenarios for issue 32, items 1-3, one table row each.

A mixin of ``manage.py fault_drill``. Sessions and users are read from PostgreSQL on
every request, so a sign-out, a password change or a deactivation must hold on both
servers at once, during a stall and after it. A page approved while Redis does not
answer must be fresh on both servers within seconds of Redis answering again (the
version bump is made again: core/caching.py), not after PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import re
import time
import urllib.parse

from kb.devtools.drill import Row
from kb.devtools.drill_services import PASSWORD, DrillServices
from kb.devtools.serving import Browser, manage

PRINCIPLE = urllib.parse.quote("/essays/基层干部的心得体会/人情世故-坚定原则/")
# Seconds after Redis answers again within which a changed page must be fresh everywhere.
FRESH_WITHIN = 3
COMMA = "\uff0c"


class StallDrills(DrillServices):
    """Each ``drill_*`` returns one row of the table."""

    def stall_accounts(self, names: list[str], *, pending: str = "") -> None:
        """Colleagues (the first a superuser, to approve in the admin) and a pending reflection."""
        manage(
            "shell",
            "-c",
            (
                "from experiences.models import Principle, Reflection, User\n"
                f"names = {names!r}\n"
                f"User.objects.create_superuser(names[0], names[0] + '@drill.test', {PASSWORD!r})\n"
                "for name in names[1:]:\n"
                f"    User.objects.create_user(name, password={PASSWORD!r})\n"
                f"if {pending!r}:\n"
                "    Reflection.objects.create(author=User.objects.get(username=names[-1]),\n"
                f"        principle=Principle.objects.get(position=1), title={pending!r},\n"
                "        body='演练。', body_html='<p>演练。</p>', status='pending')\n"
            ),
            env=self.env,
        )

    def pause(self, milliseconds: int, mode: str = "ALL") -> float:
        """CLIENT PAUSE on the drill's Redis; the moment it ends."""
        self.redis_client().execute_command("CLIENT", "PAUSE", milliseconds, mode)
        return time.monotonic() + milliseconds / 1000

    @staticmethod
    def signed_in(browser: Browser, name: str) -> bool:
        status, page, _ = browser.get(f"/?drill=stall-{time.monotonic()}")
        return status == 200 and f"/users/{urllib.parse.quote(name)}/" in page

    @staticmethod
    def same_session_on(browser: Browser, base: str) -> Browser:
        other = Browser(base, timeout=30)
        for cookie in browser.cookies:
            other.cookies.set_cookie(cookie)
        return other

    # Item 1: a sign-out during a stall -----------------------------------------------

    def drill_signout_stall(self) -> Row:
        pause_ms = 8000
        self.stdout.write(f"1. Redis 停顿 {pause_ms} 毫秒时在 A 上退出登录……")
        name = f"out1{self.tag}"
        self.stall_accounts([f"outmod{self.tag}", name])
        on_a = Browser(self.base, timeout=30)
        on_a.log_in(name, PASSWORD)
        on_b = self.same_session_on(on_a, self.base_b)
        before = [self.signed_in(on_a, name), self.signed_in(on_b, name)]
        ends = self.pause(pause_ms)
        status = on_a.log_out()
        during = [self.signed_in(on_a, name), self.signed_in(on_b, name)]
        checked_during = time.monotonic() < ends
        time.sleep(max(ends - time.monotonic(), 0) + 1)
        after = [self.signed_in(on_a, name), self.signed_in(on_b, name)]
        stale = sum(during) + sum(after)
        return Row(
            "1 Redis 停顿时退出",
            f"A 上退出\uff08HTTP {status}\uff09时 CLIENT PAUSE {pause_ms}{COMMA}"
            "旧 Cookie 在 A、B 上停顿中和停顿后是否仍是登录状态",
            stale=stale,
            checks=4,
            passed=all(before) and stale == 0,
            note="" if checked_during else "停顿中的检查超出了停顿时间",
        )

    # Item 2: a password change and a deactivation during a 20 s stall -----------------

    def drill_password_stall(self) -> Row:
        pause_ms = 20000
        self.stdout.write(f"2. Redis 停顿 {pause_ms // 1000} 秒时改密码、停用账号……")
        changer, leaver = f"pw2{self.tag}", f"off2{self.tag}"
        self.stall_accounts([f"pwmod{self.tag}", changer, leaver])
        sessions = {}
        for name in (changer, leaver):
            for label, base in (("A", self.base), ("B", self.base_b)):
                browser = Browser(base, timeout=30)
                browser.log_in(name, PASSWORD)
                sessions[name, label] = browser
        before = all(self.signed_in(browser, name) for (name, _), browser in sessions.items())
        ends = self.pause(pause_ms)
        status, _ = sessions[changer, "A"].post(
            "/accounts/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": PASSWORD + "-new",
                "new_password2": PASSWORD + "-new",
            },
        )
        manage(
            "shell",
            "-c",
            "from experiences.models import User\n"
            f"user = User.objects.get(username={leaver!r})\n"
            "user.is_active = False\n"
            "user.save()\n",
            env=self.env,
        )
        ended = [sessions[changer, "B"], sessions[leaver, "A"], sessions[leaver, "B"]]
        names = [changer, leaver, leaver]
        during = sum(self.signed_in(b, n) for b, n in zip(ended, names, strict=True))
        checked_during = time.monotonic() < ends
        time.sleep(max(ends - time.monotonic(), 0) + 1)
        after = sum(self.signed_in(b, n) for b, n in zip(ended, names, strict=True))
        kept = self.signed_in(sessions[changer, "A"], changer)  # who changed it stays in
        return Row(
            "2 停顿 20 秒时改密码、停用",
            f"CLIENT PAUSE {pause_ms} 中{COMMA}A 上改密码\uff08HTTP {status}\uff09"
            f"{COMMA}另一进程停用一个账号\uff1b其余会话在停顿中、停顿后是否仍登录",
            stale=during + after,
            checks=6,
            passed=before and during + after == 0 and kept and status == 200,
            note=("" if checked_during else "停顿中的检查超出了停顿时间")
            + ("" if kept else "改密码的人被登出了"),
        )

    # Item 3: a page approved during a stall ------------------------------------------

    def page_approve_then_measure(self, stop, resume, label: str) -> tuple[int, int, float]:
        """A page cached on A and B; ``stop()`` Redis; approve on A; ``resume()``; then
        (stale answers after FRESH_WITHIN s, answers counted, seconds until fresh on both)."""
        title = f"停顿中通过{self.tag}{label}"
        moderator = f"mod3{label}{self.tag}"
        self.stall_accounts([moderator, f"author3{label}{self.tag}"], pending=title)
        visitors = [Browser(self.base, timeout=30), Browser(self.base_b, timeout=30)]
        for visitor in visitors:
            visitor.get(PRINCIPLE)
            visitor.get(PRINCIPLE)  # now a copy of each server's page is cached
        admin = Browser(self.base, timeout=30)
        admin.log_in(moderator, PASSWORD, admin=True)
        _, queue, _ = admin.get("/admin/experiences/pendingreflection/")
        pk = re.search(r'name="_selected_action" value="(\d+)"', queue)
        if pk is None:
            raise RuntimeError("the pending reflection is not in the queue")
        stop()
        admin.post(
            "/admin/experiences/pendingreflection/",
            [("action", "approve"), ("_selected_action", pk.group(1))],
        )
        returned = resume()
        fresh_after = float("inf")
        while time.monotonic() - returned < 30:
            if all(title in visitor.get(PRINCIPLE)[1] for visitor in visitors):
                fresh_after = time.monotonic() - returned
                break
            time.sleep(0.1)
        time.sleep(max(returned + FRESH_WITHIN - time.monotonic(), 0))
        answers = [title in visitor.get(PRINCIPLE)[1] for _ in range(10) for visitor in visitors]
        return answers.count(False), len(answers), fresh_after

    def drill_page_stall(self) -> Row:
        pause_ms = 5000
        self.stdout.write(f"3. Redis 停顿 {pause_ms} 毫秒时在 A 上通过一条心得……")
        ends = 0.0

        def stop() -> None:
            nonlocal ends
            ends = self.pause(pause_ms)

        def resume() -> float:
            time.sleep(max(ends - time.monotonic(), 0))
            return time.monotonic()

        stale, checks, fresh_after = self.page_approve_then_measure(stop, resume, "p")
        return Row(
            "3 停顿时通过的页面",
            f"两台服务器都缓存了原则页\uff1bCLIENT PAUSE {pause_ms} 时在 A 上通过心得"
            f"\uff1b停顿结束 {FRESH_WITHIN} 秒后\uff0cA、B 各取 10 次",
            stale=stale,
            checks=checks,
            passed=stale == 0 and fresh_after <= FRESH_WITHIN,
            note=f"停顿结束后 {fresh_after:.1f} 秒两台都是新页面",
        )
