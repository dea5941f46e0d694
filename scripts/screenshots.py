"""Regenerate the README's screenshots from the demo data: python scripts/screenshots.py

Loads the demo into a temporary data directory, serves it with gunicorn on a spare port and photographs
each screen listed in SCREENS with Debian's Chromium. Needs the test extras (playwright) and Chromium.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SCREENSHOT_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
# (file name, path, user or None, language[, options]); @REF stands for the id of the recommendation REF.
# options: "viewport" (width, height), default 1280×900; "fills": {selector: text} typed before the clicks;
# "clicks": selectors clicked before the photo; "wait": a selector that must show before the photo;
# "failed_sign_in": a user name tried with a wrong password first (for the audit log).
PHONE = {"viewport": (390, 844)}
BULK_ROW = "table.recommendations tbody tr:nth-child({n}) input[name=ids]"
ASSISTANCE_FIRST = "main table tbody tr:first-child th a"
SCREENS = [
    ("recommendations-by-cluster", "/recommendations/?group=on", None, "en"),
    ("recommendations-by-cluster-fr", "/recommendations/?group=on", None, "fr"),
    ("recommendation-detail", "/recommendations/@274/", "editor", "en"),
    ("followup-dashboard", "/followup/", "editor", "en"),
    ("search", "/search/?q=witness+relocation", "court", "en"),
    ("meetings", "/meetings/", "facilitator", "en"),
    ("practice-form", "/cooperation/practices/new/", "editor", "en"),
    (
        "bulk-action",
        "/recommendations/",
        "editor",
        "en",
        {"clicks": [BULK_ROW.format(n=1), BULK_ROW.format(n=2), "details.bulk > summary"]},
    ),
    ("editor-queue", "/me/queue/", "editor", "en"),
    ("my-work", "/me/", "court", "en"),
    ("phone-list", "/recommendations/", "editor", "en", PHONE),
    ("phone-menu", "/recommendations/", None, "en", {**PHONE, "clicks": ["details.menu > summary"]}),
    (
        "api-tokens",
        "/api/tokens/",
        "state",
        "en",
        {"fills": {"#id_name": "Nightly export"}, "clicks": ["main form.form button[type=submit]"]},
    ),
    ("api-docs", "/api/v1/docs/", None, "en", {"wait": ".swagger-ui .info .title"}),
    # The demo's request of the Office of the Prosecutor to Senegal, opened from the list.
    ("assistance-request", "/assistance/", "court", "en", {"clicks": [ASSISTANCE_FIRST]}),
    ("assistance-request-fr", "/assistance/", "court", "fr", {"clicks": [ASSISTANCE_FIRST]}),
    ("assistance-statistics", "/assistance/statistics/", "admin", "en"),
    ("open-data", "/open-data/", None, "en"),
    ("webhook-form", "/webhooks/new/", "admin", "en"),
    ("audit-log", "/audit/?action=login_failed", "admin", "en", {"failed_sign_in": "editor"}),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="coopreview-shots-")
    # The demo's own settings: two-factor off (the demo accounts have no authenticator app).
    env = {**os.environ, "COOPREVIEW_DATA_DIR": data_dir, "DEBUG": "false", "MFA_REQUIRED": "false"}
    python = sys.executable
    subprocess.run([python, "-m", "coopreview", "demo", "--no-serve"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [python, "-m", "coopreview", "serve", "--port", str(PORT), "--workers", "2", "--no-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE + "/", timeout=1)  # noqa: S310 — our own local server
                break
            except OSError:
                time.sleep(0.5)
        ids = _reference_ids(env)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for name, path, user, lang, *options in SCREENS:
                opts = options[0] if options else {}
                width, height = opts.get("viewport", (1280, 900))
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                if opts.get("failed_sign_in"):
                    _sign_in(page, opts["failed_sign_in"], "not-the-password")
                if user:
                    _sign_in(page, user, "coopreview-demo")
                if lang == "fr":
                    page.goto(BASE + "/")
                    page.click("button[value=fr]")
                response = page.goto(
                    BASE + re.sub(r"@([\w.]+)", lambda m: ids.get(m.group(1), m.group(1)), path)
                )
                if response is None or response.status != 200:
                    print(f"skipped {name}: {path} answered {response and response.status}")
                    context.close()
                    continue
                for selector, text in opts.get("fills", {}).items():
                    page.fill(selector, text)
                for selector in opts.get("clicks", []):
                    page.click(selector)
                if opts.get("wait"):
                    page.locator(opts["wait"]).first.wait_for()
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"wrote docs/screenshots/{name}.png")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return 0


def _sign_in(page, user: str, password: str) -> None:
    page.goto(BASE + "/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")


def _reference_ids(env: dict) -> dict:
    code = (
        "from coopreview.recommendations.models import Recommendation as R;"
        "print(';'.join(f'{r.reference}={r.pk}' for r in R.objects.all()))"
    )
    out = subprocess.run(
        [sys.executable, "-m", "coopreview", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return dict(pair.split("=") for pair in out.split(";") if pair)


if __name__ == "__main__":
    sys.exit(main())
