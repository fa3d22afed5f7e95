"""Lighthouse (mobile) on the home, principle, reflection and search pages: `make lighthouse`.

A production-style server (gunicorn, DEBUG off, whitenoise's compressed static files) on
127.0.0.1 with a scratch SQLite database holding the seed essay and one reflection; npm's
lighthouse@12.2.3 (pinned in package.json here) drives Debian's Chromium (CHROME_PATH).
Prints the four category scores per page; the JSON reports stay in .ci/lighthouse/reports/.

Run from the project root with the venv's Python: CHROME_PATH=/usr/bin/chromium
.venv/bin/python .ci/lighthouse/run.py. Search pages carry noindex on purpose (robots.txt
keeps crawlers off them too), so their SEO score cannot reach 100.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from kb.devtools.serving import (  # noqa: E402 - the project root is put on the path first
    free_port,
    gunicorn_stop,
    healthy_wait,
    manage,
    production_env,
)

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"

PREPARE = """
from experiences.accounts.models import User
from experiences.essays.models import Principle
from experiences.reflections.services import reflection_create
author = User.objects.create_user("lighthouse", password=None, display_name="老张", is_staff=True)
principle = Principle.objects.published().order_by("essay_id", "position").first()
reflection, _ = reflection_create(
    author=author, principle=principle, title="先听群众把话说完",
    body="群众来反映问题\\uff0c先听他把话说完\\uff0c再讲政策。**耐心**是最好的工作方法。"
    "\\n\\n> 民之所忧\\uff0c我必念之",
    tags=["群众工作"],
)
print(principle.get_absolute_url())
print(reflection.get_absolute_url())
"""


def main() -> int:
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: cd .ci/lighthouse && npm install", file=sys.stderr)
        return 2
    reports = HERE / "reports"
    reports.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as scratch:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = production_env(
            DATABASE_URL=f"sqlite:///{Path(scratch) / 'lighthouse.sqlite3'}",
            DJANGO_STATIC_ROOT=str(Path(scratch) / "static"),
            KB_SITE_URL=base,
        )
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
        manage("import_essay", "--seed", env=env)
        principle_path, reflection_path = manage("shell", "-c", PREPARE, env=env).split()[-2:]
        server = subprocess.Popen(  # noqa: S603 - a fixed command of our own venv
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "kb.wsgi:application",
                "--config",
                "kb/gunicorn_conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if not healthy_wait(base):
                print(f"gunicorn on {base} did not start", file=sys.stderr)
                return 1
            pages = {
                "home": "/",
                "principle": principle_path,
                "reflection": reflection_path,
                "search": "/search/?q=%E5%8E%9F%E5%88%99",  # 原则
            }
            rows = []
            for name, path in pages.items():
                report = reports / f"{name}.json"
                subprocess.run(  # noqa: S603 - the pinned lighthouse, a URL we built
                    [
                        str(LIGHTHOUSE),
                        base + path,
                        "--quiet",
                        "--output=json",
                        f"--output-path={report}",
                        "--only-categories=" + ",".join(CATEGORIES),
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    ],
                    env={**os.environ, "CHROME_PATH": chrome},
                    check=True,
                )
                result = json.loads(report.read_text(encoding="utf-8"))
                scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
                failing = [
                    audit_id
                    for category in CATEGORIES
                    for ref in result["categories"][category]["auditRefs"]
                    if ref["weight"] > 0
                    and (audit := result["audits"][(audit_id := ref["id"])])["score"] is not None
                    and audit["score"] < 1
                ]
                rows.append((name, path, scores, failing))
        finally:
            gunicorn_stop(server)
    print()
    print("| Page | Performance | Accessibility | Best practices | SEO |")
    print("|---|---|---|---|---|")
    for name, path, scores, _failing in rows:
        shown = urllib.parse.unquote(path)
        print(f"| {name} (`{shown}`) | " + " | ".join(str(s) for s in scores) + " |")
    for name, _path, _scores, failing in rows:
        if failing:
            print(f"{name}: below 1 in {', '.join(failing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
