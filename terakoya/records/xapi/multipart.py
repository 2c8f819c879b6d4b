"""multipart/mixed statements with attachments (C 1.5.2) and signed statements (D 2.6)."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from terakoya.records.xapi.errors import bad
from terakoya.records.xapi.shape import equivalent
from terakoya.records.xapi.validate import SIGNATURE_USAGE

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    body: bytes


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise bad("multipart/mixed needs a boundary parameter")
    return match.group(1) or match.group(2)


def split(body: bytes, content_type: str) -> list[Part]:
    """Split a multipart body into parts. Tolerates a preamble and an epilogue (LL#800)."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise bad("the multipart body has no complete part")
    parts: list[Part] = []
    closed = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            closed = True
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        else:
            raise bad("a multipart delimiter must end its line")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
            if not sep:
                raise bad("a multipart part has no header section")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon:
                raise bad("a multipart header line is malformed")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, body=content))
    if not closed:
        raise bad("the multipart body has no closing delimiter")
    if not parts:
        raise bad("the multipart body has no parts")
    return parts


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}


def check_signature(statement: dict[str, Any], token: bytes, where: str) -> None:
    """A signed statement's JWS (D 2.6): RS256/384/512, payload equivalent to the statement.

    When the header carries an ``x5c`` chain, the signature is verified with its first
    certificate's key. Trust in the certificate is not judged: the LRS checks the form.
    """
    try:
        text = token.decode("ascii").strip()
        head_b64, payload_b64, signature_b64 = text.split(".")
        header = orjson.loads(_b64url(head_b64))
        payload = orjson.loads(_b64url(payload_b64))
        signature = _b64url(signature_b64)
    except (ValueError, UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise bad(f"{where}: the signature is not a JWS in compact form", location=where) from exc
    if not isinstance(header, dict) or header.get("alg") not in _HASHES:
        raise bad(f"{where}: the signature must use RS256, RS384 or RS512", location=where)
    if not isinstance(payload, dict):
        raise bad(f"{where}: the signed payload must be a statement", location=where)
    if not equivalent(payload, statement) or (
        "id" in payload and "id" in statement and payload["id"] != statement["id"]
    ):
        raise bad(f"{where}: the signed payload differs from the statement", location=where)
    chain = header.get("x5c")
    if chain:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            key = cert.public_key()
            if not isinstance(key, rsa.RSAPublicKey):
                raise bad(f"{where}: the x5c certificate key is not RSA", location=where)
            key.verify(
                signature,
                f"{head_b64}.{payload_b64}".encode("ascii"),
                padding.PKCS1v15(),
                _HASHES[header["alg"]](),
            )
        except (ValueError, TypeError, IndexError, InvalidSignature) as exc:
            raise bad(f"{where}: the signature does not verify", location=where) from exc


def sha2(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def match_attachments(
    statements: list[dict[str, Any]], parts: list[Part], *, version: str
) -> dict[str, tuple[str, bytes]]:
    """Pair each declared attachment with a received part by its SHA-2 (C 1.5.2).

    Returns {sha2: (content type, bytes)}. Raises 400 when a declared attachment without a
    ``fileUrl`` has no part, when a part matches no declaration, or when a part lacks its
    ``X-Experience-API-Hash`` header. Signatures are checked here because they need the bytes.
    """
    received: dict[str, tuple[str, bytes]] = {}
    for index, part in enumerate(parts):
        where = f"part[{index + 1}]"
        digest = part.headers.get("x-experience-api-hash")
        if not digest:
            raise bad(f"{where} lacks an X-Experience-API-Hash header", location=where)
        encoding = part.headers.get("content-transfer-encoding")
        if encoding is not None and encoding.lower() != "binary":
            raise bad(f"{where} must use Content-Transfer-Encoding: binary", location=where)
        if encoding is None and version == "1.0.3":
            raise bad(f"{where} needs Content-Transfer-Encoding: binary", location=where)
        content_type = part.headers.get("content-type", "application/octet-stream")
        received[digest.lower()] = (content_type, part.body)
    declared: set[str] = set()
    for s_index, statement in enumerate(statements):
        for a_index, attachment in enumerate(statement.get("attachments") or []):
            where = f"$[{s_index}].attachments[{a_index}]"
            digest = str(attachment["sha2"]).lower()
            declared.add(digest)
            if attachment["usageType"] == SIGNATURE_USAGE:
                if attachment["contentType"] != "application/octet-stream":
                    raise bad(f"{where}: a signature must be application/octet-stream")
                if digest not in received:
                    raise bad(f"{where}: the signature part is missing", location=where)
                check_signature(statement, received[digest][1], where)
            elif digest not in received and "fileUrl" not in attachment:
                raise bad(f"{where}: no part carries this attachment's data", location=where)
    for digest in received:
        if digest not in declared:
            raise bad("a multipart part matches no attachment of the statements")
    return received


def build(statements_json: bytes, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """Build a multipart/mixed response: the JSON first, then (sha2, type, bytes) parts."""
    boundary = "terakoya-" + hashlib.sha1(statements_json, usedforsecurity=False).hexdigest()
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        statements_json,
        b"\r\n",
    ]
    for digest, content_type, data in attachments:
        out.append(
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {digest}\r\n\r\n"
            ).encode()
        )
        out.append(data)
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'
