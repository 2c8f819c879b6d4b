"""The installation's signing key (Ed25519), for consent receipts and audit tree heads.

Read from ``TERAKOYA_SIGNING_KEY_FILE`` (PEM, PKCS#8) or generated once into the data directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def _key_path() -> Path:
    explicit = os.environ.get("TERAKOYA_SIGNING_KEY_FILE")
    if explicit:
        return Path(explicit)
    return Path(settings.DATA_DIR) / "signing_key.pem"


@cache
def signing_key() -> Ed25519PrivateKey:
    """Return the private signing key, creating it on first use outside production."""
    path = _key_path()
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise RuntimeError("TERAKOYA_SIGNING_KEY_FILE must name an existing key in production")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise RuntimeError("the signing key must be an Ed25519 key")
    return loaded


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id() -> str:
    """A short, stable identifier of the public key (SHA-256 of its raw bytes, base64url)."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:12]).decode("ascii")
