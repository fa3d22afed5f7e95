"""The fault drill's pieces: its mail server, its counting and its table (kb/devtools)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.test import override_settings

from kb.devtools.drill import Row, drill_table
from kb.devtools.drilljobs import fail_once
from kb.devtools.mailsink import (
    MailSink,
    mail_tally,
    process_alive,
    process_descendants,
    socket_inode,
    socket_owner,
)


@pytest.fixture
def sink():
    server = MailSink()
    port = server.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=5,
    ):
        yield server
    server.stop()


def send(to: str, message_id: str) -> None:
    EmailMessage(
        subject="基层心得知识库\uff1a你的心得已通过审核",
        body="正文。\n.一行以点开头\n",
        to=[to],
        headers={"Message-ID": message_id},
    ).send()


def test_mail_tally_counts_lost_and_duplicated_by_message_id():
    tally = mail_tally(expected=["<a@x>", "<b@x>", "<c@x>"], received=["<a@x>", "<a@x>", "<c@x>"])
    assert tally == {"expected": 3, "lost": 1, "duplicated": 1}
    # A mail nobody expected (another scenario's) is neither lost nor a duplicate.
    assert mail_tally(expected=["<a@x>"], received=["<a@x>", "<z@x>", "<z@x>"])["duplicated"] == 0


def test_the_sink_keeps_what_django_sends_by_message_id(sink):
    first, second = make_msgid(domain="drill"), make_msgid(domain="drill")
    send("One@drill.test", first)
    send("two@drill.test", second)
    send("two@drill.test", second)
    assert sink.message_ids() == [first, second, second]
    assert sink.message_ids(to="one@drill.test") == [first]
    assert mail_tally(expected=[first, second], received=sink.message_ids())["duplicated"] == 1


def test_the_sink_refuses_the_first_delivery_when_asked(sink):
    import smtplib

    sink.fail_once.add("retry@drill.test")
    message_id = make_msgid(domain="drill")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send("retry@drill.test", message_id)
    send("retry@drill.test", message_id)  # the retry goes through
    assert sink.refused == ["retry@drill.test"]
    assert sink.message_ids() == [message_id]


def test_the_sink_calls_back_after_accepting_with_the_senders_address(sink):
    calls = []
    sink.after_accept["kill@drill.test"] = calls.append
    message_id = make_msgid(domain="drill")
    send("kill@drill.test", message_id)
    send("kill@drill.test", message_id)
    assert len(calls) == 1  # once: the resent copy is left alone
    assert calls[0][0] == "127.0.0.1"
    assert sink.message_ids() == [message_id, message_id]


def test_socket_inode_reads_proc_net_tcp():
    table = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
        "   uid  timeout inode\n"
        "   0: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000"
        "     0        0 4242 1 0000000000000000 20 4 30 10 -1\n"
    )
    assert socket_inode(table, local_port=0x1F90, remote_port=0x9C40) == "4242"
    assert socket_inode(table, local_port=0x9C40, remote_port=0x1F90) is None


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="Linux /proc")
def test_socket_owner_finds_the_child_process_holding_a_connection():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import socket, time\ns = socket.create_connection(('127.0.0.1', {port}))\n"
            "time.sleep(30)",
        ]
    )
    try:
        connection, (_, child_port) = listener.accept()
        assert child.pid in process_descendants(os.getpid())
        owner = socket_owner(
            candidates=process_descendants(os.getpid()), local_port=child_port, remote_port=port
        )
        assert owner == child.pid
        assert process_alive(child.pid)
        connection.close()
    finally:
        child.kill()
        child.wait()
        listener.close()
    assert not process_alive(child.pid)


def test_fail_once_fails_the_first_run_only(tmp_path):
    log = tmp_path / "runs.log"
    with pytest.raises(RuntimeError):
        fail_once(str(log))
    assert fail_once(str(log)) == 2
    assert len(log.read_text().split()) == 2


def test_the_table_has_a_row_per_scenario_with_every_count():
    table = drill_table(
        [
            Row("4 数据库锁", "心得表被锁 15 秒", fivexx=0, passed=True),
            Row("6 邮件", "重启 Redis", lost=0, duplicated=0, passed=True),
            Row("停掉 Redis", "改动|可见", stale=1, checks=3, fivexx=0, note="旧页面"),
        ]
    )
    lines = table.splitlines()
    assert lines[0] == "| 场景 | 做了什么 | 过期答复 | 丢失 | 重复 | 5xx | 结果 |"
    assert len(lines) == 5
    assert lines[2] == "| 4 数据库锁 | 心得表被锁 15 秒 | — | — | — | 0 | 通过 |"
    assert lines[3] == "| 6 邮件 | 重启 Redis | — | 0 | 0 | — | 通过 |"
    # A failure reads as one, with its note; a "|" in a cell does not break the table.
    assert lines[4] == "| 停掉 Redis | 改动\\|可见 | 1/3 | — | — | 0 | 未通过\uff1a旧页面 |"
