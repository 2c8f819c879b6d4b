"""An xAPI client over HTTP (Django's test client) with credentials for the world's school."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from django.test import Client

from terakoya.privacy.purposes import Purpose
from terakoya.records import services


@dataclass
class Lrs:
    http: Client
    key: str
    secret: str
    version: str = "2.0.0"

    def headers(self, **extra: Any) -> dict[str, Any]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Basic {token}"}
        if self.version:
            headers["HTTP_X_EXPERIENCE_API_VERSION"] = self.version
        headers.update(extra)
        return headers

    def post(self, path: str, data: Any, *, content_type: str = "application/json", **extra: Any):
        body = data if isinstance(data, bytes) else orjson.dumps(data)
        return self.http.post(
            f"/xapi/{path}", body, content_type=content_type, **self.headers(**extra)
        )

    def put(self, path: str, data: Any, *, content_type: str = "application/json", **extra: Any):
        body = data if isinstance(data, bytes) else orjson.dumps(data)
        return self.http.put(
            f"/xapi/{path}", body, content_type=content_type, **self.headers(**extra)
        )

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any):
        return self.http.get(f"/xapi/{path}", params or {}, **self.headers(**extra))

    def head(self, path: str, params: dict[str, Any] | None = None, **extra: Any):
        return self.http.head(f"/xapi/{path}", params or {}, **self.headers(**extra))

    def delete(self, path: str, query: str = "", **extra: Any):
        return self.http.delete(f"/xapi/{path}?{query}", **self.headers(**extra))


def make_client(school, purpose: Purpose = Purpose.INSTRUCTION, **kwargs: Any) -> Lrs:
    issued = services.lrs_client_create(school=school, name="test tool", purpose=purpose, **kwargs)
    return Lrs(http=Client(), key=issued.client.key, secret=issued.secret)


@pytest.fixture
def lrs(world) -> Lrs:
    return make_client(world.school)


def statement(**overrides: Any) -> dict[str, Any]:
    """A small valid statement; keyword arguments replace top-level properties."""
    data: dict[str, Any] = {
        "actor": {"objectType": "Agent", "mbox": "mailto:tool-user@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "id": "https://example.org/drills/fractions/1",
            "definition": {
                "name": {"ja": "分数 1"},
                "type": "http://adlnet.gov/expapi/activities/question",
            },
        },
    }
    data.update(overrides)
    return data


def new_id() -> str:
    return str(uuid.uuid4())
