"""Uploaded packages waiting between preview and apply.

An upload is kept as a file under ``DATA_DIR/oneroster-uploads`` (mode 0600) with a small JSON
record: who uploaded it and the preview. It is deleted when applied, and any upload older than
a day is deleted on the next upload. Only its uploader can see or apply it; for anyone else it
does not exist (decision 0124).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from terakoya.privacy.gate import NotFound

MAX_AGE_SECONDS = 24 * 60 * 60


def _directory() -> Path:
    path = Path(settings.DATA_DIR) / "oneroster-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@dataclass
class Upload:
    token: uuid.UUID
    owner: str
    filename: str
    preview: dict[str, Any]

    @property
    def path(self) -> Path:
        return _directory() / f"{self.token}.zip"


def _meta_path(token: uuid.UUID) -> Path:
    return _directory() / f"{token}.json"


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _directory().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def upload_save(*, owner: uuid.UUID, filename: str, chunks: IO[bytes] | Any) -> Upload:
    """Store an uploaded file (an iterable of byte chunks or a file object)."""
    _sweep()
    upload = Upload(token=uuid.uuid4(), owner=str(owner), filename=filename[:200], preview={})
    fd = os.open(upload.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    upload_store(upload)
    return upload


def upload_store(upload: Upload) -> None:
    data = {"owner": upload.owner, "filename": upload.filename, "preview": upload.preview}
    fd = os.open(_meta_path(upload.token), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)


def upload_get(*, token: uuid.UUID, owner: uuid.UUID) -> Upload:
    """The upload if it exists and belongs to ``owner``; otherwise NotFound (the same)."""
    try:
        data = json.loads(_meta_path(token).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotFound() from exc
    if data.get("owner") != str(owner):
        raise NotFound()
    return Upload(
        token=token, owner=data["owner"], filename=data["filename"], preview=data["preview"]
    )


def upload_delete(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)
    _meta_path(upload.token).unlink(missing_ok=True)
