"""python manage.py punctuation_fix [--dry-run] [PATH ...]: Chinese punctuation in UI strings."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.devtools.punctuation import python_fix, template_fix

DEFAULT_PATHS = ("experiences", "kb", "templates")
# Migrations are history; data/ holds essays exactly as received.
SKIPPED = {"migrations", "data"}


class Command(BaseCommand):
    help = (
        "Rewrite ASCII , ; : ! ? ( ) next to Chinese characters in templates and Python "
        "string literals as their full-width forms (escapes in Python)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="files or folders (default: the product)")
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")

    def handle(self, *args, paths, dry_run, **options):
        base = Path(settings.BASE_DIR)
        roots = [Path(p) for p in paths] or [base / name for name in DEFAULT_PATHS]
        files = []
        for root in roots:
            files.extend([root] if root.is_file() else sorted(root.rglob("*")))
        total = 0
        for path in files:
            if path.suffix not in {".py", ".html", ".txt"} or SKIPPED & set(path.parts):
                continue
            source = path.read_text(encoding="utf-8")
            fix = python_fix if path.suffix == ".py" else template_fix
            fixed, count = fix(source)
            if count:
                total += count
                self.stdout.write(f"{path}: {count}")
                if not dry_run:
                    path.write_text(fixed, encoding="utf-8")
        verb = "would fix" if dry_run else "fixed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} marks"))
