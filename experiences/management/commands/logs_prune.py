"""python manage.py logs_prune [--dry-run] [--days N]

Cuts the client addresses in login records older than KB_IP_RETENTION_DAYS
(default 7) to their network: IPv4 /24, IPv6 /48 (experiences/accounts/logins.py).
Run daily from cron (docs/operations.md, "Logs and addresses"); running it twice
changes nothing more.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from experiences.accounts.logins import login_addresses_prune

COMMA = "\uff0c"
COLON = "\uff1a"
KINDS = {
    "accesslog": "登录记录",
    "accessattempt": "登录失败计数",
    "accessfailurelog": "登录失败记录",
}


class Command(BaseCommand):
    help = (
        "把超过保留天数的登录记录里的 IP 地址截短为网段" + COMMA + "IPv4 /24" + COMMA + "IPv6 /48。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--days", type=int, help="keep whole addresses this many days (KB_IP_RETENTION_DAYS)"
        )

    def handle(self, *args, dry_run, days, **options):
        days = settings.KB_IP_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days 不能小于 0。")
        result = login_addresses_prune(days=days, dry_run=dry_run)
        detail = "、".join(
            f"{KINDS.get(kind, kind)} {count} 条" for kind, count in result.counts.items()
        )
        if dry_run:
            self.stdout.write(
                f"将截短 {days} 天前的 IP 地址 {result.total} 条{COLON}{detail}。未修改。"
            )
            return
        message = f"已截短 {days} 天前的 IP 地址 {result.total} 条{COLON}{detail}。"
        if result.merged:
            message += f"其中 {result.merged} 条登录失败计数并入了同一网段的记录。"
        self.stdout.write(self.style.SUCCESS(message))
