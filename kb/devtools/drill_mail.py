"""The fault drill's mail scenarios for issue 32 (items 6-8), one table row each.

A mixin of ``manage.py fault_drill``: the mail outbox across a Redis restart that
loses its memory, a job killed after the mail server accepted, and the worker's
scheduler across Redis restarts and a killed worker.
"""

from __future__ import annotations

import os
import signal
import time

from kb.devtools.drill import Row
from kb.devtools.drill_services import (
    RETRY_SECONDS,
    SCHEDULER_LOCK,
    SWEEP_GRACE_SECONDS,
    SWEEP_SECONDS,
    DrillServices,
)
from kb.devtools.mailsink import (
    mail_tally,
    process_alive,
    process_descendants,
    socket_owner,
)


class MailDrills(DrillServices):
    """Each ``drill_*`` returns one row of the table."""

    def drill_outbox(self) -> Row:
        self.stdout.write("6. 工作进程停着时审核通过\uff0c再重启 Redis\uff08丢掉内存\uff09……")
        retry_name = f"retry6{self.tag}"
        self.sink.fail_once.add(f"{retry_name}@drill.test")
        self.worker_start()
        self.cron_start()
        expected = self.approvals([retry_name])
        refused = self.wait_for(lambda: f"{retry_name}@drill.test" in self.sink.refused, seconds=60)
        # The failed mail's retry now waits (in the outbox; before, in Redis).
        self.process_stop(self.worker)
        self.process_stop(self.cron)
        expected += self.approvals([f"mail6{i}{self.tag}" for i in range(5)])
        queued_before = self.redis_client().llen("rq:queue:mail")
        self.redis_restart(keep_memory=False)
        self.worker_start()
        self.cron_start()
        all_sent = self.wait_for(
            lambda: mail_tally(expected=expected, received=self.sink.message_ids())["lost"] == 0,
            seconds=120,
        )
        # A while longer, for a second sending to show itself.
        time.sleep(SWEEP_GRACE_SECONDS + 2 * SWEEP_SECONDS)
        tally = mail_tally(expected=expected, received=self.sink.message_ids())
        state = self.outbox_state(expected)
        return Row(
            "6 邮件\uff1aRedis 丢失内存",
            f"1 封首发失败待重试\uff0c工作进程停止时审核通过 5 篇"
            f"\uff08Redis 中 {queued_before} 个任务\uff09\uff0c"
            "再重启 Redis\u3001启动工作进程与定时清扫",
            lost=tally["lost"],
            duplicated=tally["duplicated"],
            passed=refused and all_sent and tally["lost"] == 0 and tally["duplicated"] == 0,
            note=f"应发 {tally['expected']}\uff0c已记发出 {state['sent']}\uff0c死信 {state['dead']}"
            + ("" if refused else "\uff0c首发未被拒"),
        )

    # Item 7: killed between the mail server's yes and the record ---------------------

    def drill_mail_kill(self) -> Row:
        self.stdout.write("7. 邮件服务器收下邮件后立即杀死发信的任务……")
        worker = self.worker_running()
        if self.cron is None or self.cron.poll() is not None:
            self.cron_start()
        name = f"kill7{self.tag}"
        address = f"{name}@drill.test"
        killed: list[int] = []

        def kill(client_address: tuple[str, int]) -> None:
            pid = socket_owner(
                candidates=process_descendants(worker.pid),
                local_port=client_address[1],
                remote_port=self.sink_port,
            )
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        self.sink.after_accept[address] = kill
        expected = self.approvals([name])
        self.wait_for(
            lambda: self.outbox_state(expected)["sent"] == len(expected) and bool(killed),
            seconds=90,
        )
        time.sleep(SWEEP_GRACE_SECONDS + 2 * SWEEP_SECONDS)
        copies = self.sink.message_ids(to=address)
        tally = mail_tally(expected=expected, received=self.sink.message_ids())
        same_id = len(set(copies)) == 1 and copies[0] == expected[0] if copies else False
        return Row(
            "7 邮件\uff1a发出后未记录即被杀",
            f"邮件服务器收下后 SIGKILL 发信任务\uff08{len(killed)} 次\uff09\uff0c"
            f"定时清扫重发\uff1a收到 {len(copies)} 份",
            lost=tally["lost"],
            duplicated=tally["duplicated"],
            passed=bool(killed) and tally["lost"] == 0 and tally["duplicated"] <= 1 and same_id,
            note=("同一 Message-ID" if same_id else "Message-ID 不同")
            + "\uff1b允许\uff1a至多重复 1 封",
        )

    # Item 8: the scheduler survives Redis restarts and its worker's death -------------

    def drill_scheduler(self) -> Row:
        from rq import Queue, Retry

        restarts = 3
        self.stdout.write(
            f"8. 工作进程运行中重启 Redis {restarts} 次\uff0c看延迟重试\uff1b再 kill -9 工作进程……"
        )
        worker = self.worker_running()
        client = self.redis_client()
        late: list[float | None] = []
        for attempt in range(restarts):
            log = self.tmp / f"retry-{attempt}.log"
            Queue("mail", connection=client).enqueue(
                "kb.devtools.drilljobs.fail_once",
                str(log),
                retry=Retry(max=1, interval=RETRY_SECONDS),
            )

            def runs(log=log) -> list[float]:
                return [float(t) for t in log.read_text().split()] if log.exists() else []

            if not self.wait_for(lambda: len(runs()) >= 1, seconds=60):
                late.append(None)
                continue
            due = runs()[0] + RETRY_SECONDS
            # Redis goes down with the retry scheduled in it, and comes back with it.
            self.redis_restart(keep_memory=True)
            client = self.redis_client()
            if self.wait_for(
                lambda: len(runs()) >= 2, seconds=max(due - time.time(), 0) + 90, step=0.2
            ):
                late.append(runs()[1] - due)
            else:
                late.append(None)
        retries_ok = all(delay is not None and delay <= 60 for delay in late)

        # kill -9 of the worker: its scheduler must not live on holding the lock.
        holder = None
        if self.wait_for(lambda: client.get(SCHEDULER_LOCK) is not None, seconds=30):
            holder = client.get(SCHEDULER_LOCK)
        schedulers = process_descendants(worker.pid)
        worker.kill()
        worker.wait(timeout=10)
        killed_at = time.monotonic()
        time.sleep(1)  # systemd's RestartSec
        self.worker_start()
        released = self.wait_for(
            lambda: (
                client.get(SCHEDULER_LOCK) != holder
                and not any(process_alive(pid) for pid in schedulers)
            ),
            seconds=90,
        )
        released_after = time.monotonic() - killed_at
        taken = self.wait_for(lambda: client.get(SCHEDULER_LOCK) is not None, seconds=60)
        taken_after = time.monotonic() - killed_at
        lock_ok = holder is not None and released and released_after <= 60 and taken
        delays = ", ".join("未执行" if d is None else f"{d:+.1f}" for d in late)
        return Row(
            "8 调度器",
            f"带着延迟重试重启 Redis {restarts} 次"
            f"\uff08重试比应到时间晚\uff1a{delays} 秒\uff09\uff1b"
            f"kill -9 工作进程\uff1a{released_after:.0f} 秒后锁释放\u3001旧调度器退出\uff0c"
            f"{taken_after:.0f} 秒后新调度器接管",
            lost=sum(1 for d in late if d is None),
            passed=retries_ok and lock_ok,
            note="限\uff1a应到时间 + 60 秒内\uff1b60 秒内接管"
            + ("" if holder is not None else "\uff1b未见调度器锁"),
        )

    # The earlier drills, each now one row of the table -------------------------------
