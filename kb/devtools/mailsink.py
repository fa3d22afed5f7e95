"""A mail server on 127.0.0.1 for the fault drill: it keeps what it accepts, and can misbehave.

It speaks just enough SMTP for Django's SMTP backend (no TLS, no authentication),
so the drill measures real sending: what the worker handed to a mail server, by
Message-ID. Two faults can be asked for, per recipient address:

- ``fail_once``: the first delivery to the address is refused (451), as a mail
  server that is briefly down would; later ones are accepted;
- ``after_accept``: once the first message to the address is accepted (stored and
  answered 250), a callback runs before the sink reads another line, e.g. to
  kill the process that sent it before it can record the sending.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path


@dataclass(frozen=True)
class Received:
    message_id: str
    to: tuple[str, ...]
    at: float


def mail_tally(*, expected: Iterable[str], received: Iterable[str]) -> dict[str, int]:
    """Lost and duplicated mails: expected Message-IDs never received, and extra copies."""
    counts = Counter(received)
    expected = set(expected)
    return {
        "expected": len(expected),
        "lost": sum(1 for message_id in expected if counts[message_id] == 0),
        "duplicated": sum(counts[message_id] - 1 for message_id in expected if counts[message_id]),
    }


def socket_inode(tcp_table: str, *, local_port: int, remote_port: int) -> str | None:
    """The inode of the IPv4 TCP socket from local_port to remote_port in /proc/net/tcp's text."""
    for line in tcp_table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        local, remote, inode = fields[1], fields[2], fields[9]
        if (
            int(local.split(":")[1], 16) == local_port
            and int(remote.split(":")[1], 16) == remote_port
        ):
            return inode
    return None


def process_descendants(pid: int) -> list[int]:
    """The children of pid, their children, and so on (Linux /proc)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            pending.append(child)
    return found


def socket_owner(*, candidates: Iterable[int], local_port: int, remote_port: int) -> int | None:
    """Which of the candidate processes holds the TCP connection local_port -> remote_port."""
    inode = socket_inode(
        Path("/proc/net/tcp").read_text(), local_port=local_port, remote_port=remote_port
    )
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in candidates:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if fd.readlink().as_posix() == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


class MailSink:
    """The server; ``start()`` returns its port. Thread-safe counters of what it accepted."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.fail_once: set[str] = set()
        self.after_accept: dict[str, Callable[[tuple[str, int]], None]] = {}
        self.lock = threading.Lock()
        self.server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> int:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink.session(self.rfile, self.wfile, self.client_address)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return int(self.server.server_address[1])

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def message_ids(self, *, to: str | None = None) -> list[str]:
        with self.lock:
            return [m.message_id for m in self.received if to is None or to in m.to]

    def session(self, rfile, wfile, client_address) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        reply("220 drill-sink ESMTP")
        recipients: list[str] = []
        while True:
            line = rfile.readline(65536)
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                wfile.write(b"250-drill-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                wfile.flush()
            elif verb in ("HELO", "NOOP"):
                reply("250 OK")
            elif verb == "RSET" or verb == "MAIL":
                recipients = []
                reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].split()[0].strip("<>").lower()
                with self.lock:
                    refuse = address in self.fail_once
                    self.fail_once.discard(address)
                    if refuse:
                        self.refused.append(address)
                if refuse:
                    reply("451 4.3.0 drill: try again later")
                else:
                    recipients.append(address)
                    reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = rfile.readline(1 << 20)
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                headers = BytesHeaderParser().parsebytes(bytes(data))
                received = Received(
                    message_id=str(headers.get("Message-ID", "")).strip(),
                    to=tuple(recipients),
                    at=time.time(),
                )
                with self.lock:
                    self.received.append(received)
                    callbacks = [
                        self.after_accept.pop(a) for a in recipients if a in self.after_accept
                    ]
                reply("250 OK queued")
                for callback in callbacks:
                    callback(client_address)
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")


def process_alive(pid: int) -> bool:
    """Whether pid runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
