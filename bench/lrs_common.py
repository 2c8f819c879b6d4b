"""Shared set-up for the LRS benchmarks: a fresh data directory, a school, learners, a client,
and the real server (gunicorn, as ``make serve`` runs it) on 127.0.0.1."""

from __future__ import annotations

import base64
import http.client
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
VERSION_HEADER = {"X-Experience-API-Version": "2.0.0"}


def django_setup(data_dir: Path) -> None:
    os.environ["TERAKOYA_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def school_with_learners(count: int) -> tuple[Any, list[str], str, str]:
    """A board, a school, ``count`` enrolled learners and an LRS client; returns
    (school, learner UUIDs, key, secret)."""
    import datetime as dt

    from terakoya.core import clock
    from terakoya.privacy.purposes import Purpose
    from terakoya.records import services
    from terakoya.roster import services as roster
    from terakoya.roster.models import Role, SchoolType

    board = roster.board_create(name="ベンチ市教育委員会", code="139997")
    school = roster.school_create(
        board=board, name="ベンチ小学校", code="B113299900035", school_type=SchoolType.ELEMENTARY
    )
    begin = dt.date(clock.school_year_of(clock.today()), 4, 1)
    learners = []
    for index in range(count):
        person = roster.person_create(family_name="学習", given_name=f"者{index}")
        roster.membership_create(
            person=person, role=Role.LEARNER, board=board, school=school, begin_date=begin
        )
        learners.append(str(person.uuid))
    issued = services.lrs_client_create(school=school, name="bench", purpose=Purpose.INSTRUCTION)
    return school, learners, issued.client.key, issued.secret


def make_statement(learners: list[str], index: int, *, stamp: str | None = None) -> dict[str, Any]:
    """A statement as the Japan LMS profile writes one: account actor, answered a question."""
    learner = learners[index % len(learners)]
    item = index % 500
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://terakoya.invalid/learners", "name": learner},
        },
        "verb": {
            "id": (
                "http://adlnet.gov/expapi/verbs/answered",
                "http://adlnet.gov/expapi/verbs/completed",
                "http://adlnet.gov/expapi/verbs/attempted",
            )[index % 3],
            "display": {"en": "answered"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"https://terakoya.invalid/items/{item}",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "name": {"ja": f"問題 {item}"},
                "interactionType": "choice",
            },
        },
        "result": {"success": index % 2 == 0, "response": "b", "duration": "PT12S"},
        "context": {
            "registration": str(uuid.UUID(int=index % 97 + 1)),
            "platform": "terakoya",
            "language": "ja-JP",
            "contextActivities": {
                "parent": [{"id": f"https://terakoya.invalid/units/{item % 20}"}],
                "category": [{"id": "https://w3id.org/xapi/jpedudataspec/v/1"}],
            },
            "extensions": {
                "https://w3id.org/japan-xapi/extensions/subject": "P020",
                "https://w3id.org/japan-xapi/extensions/grade": "P3",
            },
        },
        "timestamp": stamp or "2026-06-01T10:00:00.000Z",
    }
    return statement


class Server:
    """gunicorn on 127.0.0.1:port with the same options as ``make serve``."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        *,
        workers: int = 2,
        threads: int = 8,
        extra: tuple[str, ...] = (),
    ) -> None:
        env = {**os.environ, "TERAKOYA_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
        self.port = port
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "terakoya.config.wsgi:application",
                "--config",
                "python:terakoya.config.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--graceful-timeout",
                "5",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/xapi/about")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def auth_headers(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION_HEADER}


def post_json(connection: http.client.HTTPConnection, headers: dict[str, str], body: Any) -> int:
    connection.request(
        "POST",
        "/xapi/statements",
        body=orjson.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    response.read()
    return response.status


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
