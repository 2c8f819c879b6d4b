"""`make run`'s path end to end: migrate, seed the demo, serve with gunicorn on SQLite; every
demo account signs in and reaches its home page; a browser signs in as each role.

This is a test of the embedded default, so it always runs on its own SQLite database.
"""

from __future__ import annotations

import csv
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from terakoya.testing import TABLET, TABLET_PORTRAIT, screenshot

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)


@dataclass
class DemoServer:
    url: str
    accounts: list[dict[str, str]]
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default is tested once, in the SQLite pass")
    data_dir = tmp_path_factory.mktemp("demo")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {"TERAKOYA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "terakoya.config.settings"}
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--quiet"]):
        subprocess.run(
            [python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    # Idempotent: a second run changes nothing and writes the same accounts.
    first = (data_dir / "demo-accounts.csv").read_text(encoding="utf-8")
    again = subprocess.run(
        [python, "manage.py", "seed_demo", "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "作成しました" not in again.stdout
    assert (data_dir / "demo-accounts.csv").read_text(encoding="utf-8") == first
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "terakoya.config.wsgi:application",
            "--config",
            "python:terakoya.config.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/accounts/signin/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with (data_dir / "demo-accounts.csv").open(encoding="utf-8") as handle:
            accounts = list(csv.DictReader(handle))
        yield DemoServer(url=url, accounts=accounts, data_dir=data_dir)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _sign_in_over_http(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/signin/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{base}/accounts/signin/", data=body, headers={"Referer": f"{base}/accounts/signin/"}
    )
    response = opener.open(request)
    assert response.geturl() == f"{base}/", f"{username} did not reach home"
    html: str = response.read().decode()
    return html


def test_the_demo_has_two_schools_eight_classes_and_240_learners(demo_server):
    roles = [a["role"] for a in demo_server.accounts]
    assert roles.count("learner") >= 240
    assert roles.count("guardian") >= 200
    for role in ("teacher", "nurse", "school_admin", "principal", "board_analyst"):
        assert role in roles
    schools = {a["school_code"] for a in demo_server.accounts if a["role"] == "learner"}
    assert len(schools) == 2
    homerooms = {
        a["username"].rsplit("-", 1)[0] for a in demo_server.accounts if a["role"] == "learner"
    }
    assert len(homerooms) >= 8


def test_every_demo_account_signs_in_and_reaches_its_home_page(demo_server):
    for account in demo_server.accounts:
        html = _sign_in_over_http(demo_server.url, account["username"], account["password"])
        assert "<h1>" in html, account["username"]
        assert "ホーム" in html or "こんにちは" in html, account["username"]


def test_the_sign_in_page_is_japanese(demo_server):
    with urllib.request.urlopen(f"{demo_server.url}/") as response:  # noqa: S310 (loopback)
        html = response.read().decode()
        assert response.geturl().endswith("/accounts/signin/")
    assert '<html lang="ja">' in html
    assert "サインイン" in html


@pytest.mark.browser
def test_each_role_signs_in_in_a_browser(demo_server, browser):
    seen: set[str] = set()
    for account in demo_server.accounts:
        if account["role"] in seen:
            continue
        seen.add(account["role"])
        context = browser.new_context(viewport=TABLET, locale="ja-JP")
        page = context.new_page()
        page.goto(f"{demo_server.url}/")
        assert page.locator("h1").inner_text() == "サインイン"
        page.fill("#id_username", account["username"])
        page.fill("#id_password", account["password"])
        page.click("#signin-submit")
        page.wait_for_url(f"{demo_server.url}/")
        heading = page.locator("h1").inner_text()
        assert "ホーム" in heading or "こんにちは" in heading
        screenshot(page, f"home-{account['role']}")
        context.close()
    assert {
        "learner",
        "guardian",
        "teacher",
        "nurse",
        "school_admin",
        "principal",
        "board_analyst",
    } <= seen


@pytest.mark.browser
def test_a_first_grader_signs_in_with_the_class_code_and_pictures(demo_server, browser):
    teacher = next(a for a in demo_server.accounts if a["username"] == "e-teacher-p1-1")
    learner = next(a for a in demo_server.accounts if a["username"] == "e-p1-1-01")
    context = browser.new_context(viewport=TABLET, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{demo_server.url}/accounts/signin/")
    page.fill("#id_username", teacher["username"])
    page.fill("#id_password", teacher["password"])
    page.click("#signin-submit")
    page.click(".topnav >> text=クラス")
    page.click("text=1年1組")
    page.click("text=サインインの準備")
    code = page.locator("[data-testid=class-code]").inner_text().strip()
    screenshot(page, "teacher-class-sign-in")
    context.close()

    tablet = browser.new_context(viewport=TABLET_PORTRAIT, locale="ja-JP")
    child = tablet.new_page()
    child.goto(f"{demo_server.url}/accounts/signin/")
    child.click("text=クラスのコードで はいる")
    child.fill("#id_code", code.lower())
    child.click("#code-submit")
    screenshot(child, "learner-class-names")
    child.click("[data-testid=name-1]")
    screenshot(child, "learner-pictures")
    for key in learner["password"].removeprefix("picture:").split("-"):
        child.click(f"button.pic[data-key={key}]")
    child.wait_for_url(f"{demo_server.url}/")
    assert "こんにちは" in child.locator("h1").inner_text()
    screenshot(child, "learner-home")
    tablet.close()
