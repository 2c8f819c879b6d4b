"""Sealing the audit log into a signed Merkle tree, and verifying it.

Sealing (:func:`audit_seal`) gives every unsealed entry the next ``position`` in id order,
extends the tree from the last head's frontier (no earlier entry is read), and stores a tree
head signed with the installation's Ed25519 key. It runs under a lock: a PostgreSQL advisory
lock; on SQLite the ``BEGIN IMMEDIATE`` transaction already serialises writers.

Verification (:func:`audit_verify`) recomputes every leaf from the row's content, rebuilds the
tree in position order and checks every signed head. It names the first bad position:

- a changed entry: its content no longer hashes to its stored leaf hash;
- a removed entry: a gap in the positions (or a head larger than the log);
- a reordered entry: inside one sealing batch positions follow ids, so a swap breaks the order;
- anything subtler (content and leaf hash both rewritten): the head's root no longer matches,
  and the range of positions since the previous good head is named.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from django.db import connection, transaction

from terakoya.core import clock
from terakoya.privacy import keys
from terakoya.privacy.audit import entry_leaf_hash, seal_every
from terakoya.privacy.merkle import Frontier, inclusion_proof, verify_inclusion
from terakoya.privacy.models import AuditEntry, AuditTreeHead

#: Unsealed entries read per page while sealing.
_PAGE = 2000

#: The PostgreSQL advisory-lock key for sealing ("TKAU").
SEAL_LOCK_KEY = 0x544B4155


def tree_head_bytes(*, tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    """The signed structure of RFC 6962 §3.5 (TreeHeadSignature): version v1 (0), signature
    type tree_hash (1), timestamp in milliseconds, tree size, SHA-256 root."""
    return struct.pack(">BBQQ", 0, 1, timestamp_ms, tree_size) + root_hash


def _sign(head: AuditTreeHead) -> str:
    data = tree_head_bytes(
        tree_size=head.tree_size,
        timestamp_ms=int(head.signed_at.timestamp() * 1000),
        root_hash=bytes.fromhex(head.root_hash),
    )
    return base64.urlsafe_b64encode(keys.signing_key().sign(data)).decode("ascii")


def head_signature_valid(head: AuditTreeHead) -> bool:
    """True when the head's signature verifies under the installation's public key."""
    if head.key_id != keys.key_id():
        return False
    data = tree_head_bytes(
        tree_size=head.tree_size,
        timestamp_ms=int(head.signed_at.timestamp() * 1000),
        root_hash=bytes.fromhex(head.root_hash),
    )
    try:
        keys.public_key().verify(base64.urlsafe_b64decode(head.signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def _lock(*, wait: bool) -> bool:
    """Take the sealing lock for the current transaction; False when busy and not waiting."""
    if connection.vendor != "postgresql":
        return True  # SQLite: the IMMEDIATE transaction holds the database's write lock
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        row = cursor.fetchone()
        return bool(row and row[0])


def latest_head() -> AuditTreeHead | None:
    return AuditTreeHead.objects.order_by("-tree_size").first()


def audit_seal(*, wait: bool = True) -> AuditTreeHead | None:
    """Seal every unsealed entry under a new signed tree head; return it (None: nothing to do
    or, with ``wait=False``, another process is sealing right now)."""
    with transaction.atomic():
        if not _lock(wait=wait):
            return None
        last = latest_head()
        frontier = (
            Frontier(last.tree_size, [bytes.fromhex(h) for h in last.frontier])
            if last is not None
            else Frontier()
        )
        # Keyset pages of unsealed entries in id order: memory stays bounded however many
        # wait (a 30,000-user roster import writes tens of thousands; docs/performance.md).
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        unsealed = AuditEntry.objects.filter(position__isnull=True).order_by("id")
        last_id = 0
        sealed = 0
        while True:
            page = list(unsealed.filter(id__gt=last_id).values_list("id", "leaf_hash")[:_PAGE])
            if not page:
                break
            updates = []
            for entry_id, leaf in page:
                updates.append((frontier.size, entry_id))
                # The leaf is the hash stored when the entry was written: a change to the
                # row's content before sealing then still shows up as a mismatch in
                # audit_verify.
                frontier.append(bytes.fromhex(leaf))
            # One parameterised UPDATE per row (executemany): linear, where bulk_update's
            # CASE expression grows quadratically with the batch. The trigger allows this.
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET position = %s WHERE id = %s AND position IS NULL",  # noqa: S608
                    updates,
                )
            last_id = page[-1][0]
            sealed += len(page)
        if not sealed:
            return None
        head = AuditTreeHead(
            tree_size=frontier.size,
            root_hash=frontier.root().hex(),
            signed_at=clock.now(),
            key_id=keys.key_id(),
            frontier=[h.hex() for h in frontier.hashes],
        )
        head.signature = _sign(head)
        head.save(force_insert=True)
        return head


def seal_if_due() -> AuditTreeHead | None:
    """Seal when at least ``AUDIT_TREE_HEAD_EVERY`` entries are unsealed; never waits.

    Called after commit (:func:`terakoya.privacy.audit.audit_record` registers it), so a
    request never pays for sealing unless it crossed the threshold, and two processes that
    cross it together do not queue: the second finds the lock taken and returns.
    """
    every = seal_every()
    due = (
        AuditEntry.objects.filter(position__isnull=True)
        .order_by()
        .values_list("id", flat=True)[every - 1 : every]
        .exists()
    )
    if not due:
        return None
    return audit_seal(wait=False)


@dataclass(frozen=True)
class Problem:
    """One finding of :func:`audit_verify`. ``position`` is exact when known; ``first`` ..
    ``last`` bound the positions where the fault lies when only a root disagrees."""

    message: str
    position: int | None = None
    first: int | None = None
    last: int | None = None


@dataclass
class VerifyReport:
    entries: int = 0
    unsealed: int = 0
    heads: int = 0
    root_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_position(self) -> int | None:
        exact = [p.position for p in self.problems if p.position is not None]
        if exact:
            return min(exact)
        ranges = [p.first for p in self.problems if p.first is not None]
        return min(ranges) if ranges else None


def audit_verify(*, chunk_size: int = 2000) -> VerifyReport:
    """Recompute every leaf, the tree and every signed head; report what does not match.

    Streams entries in position order with O(log n) memory. Read-only: it seals nothing.
    """
    report = VerifyReport()
    heads = list(AuditTreeHead.objects.order_by("tree_size"))
    report.heads = len(heads)
    for head in heads:
        if not head_signature_valid(head):
            report.problems.append(
                Problem(f"tree head of size {head.tree_size}: the signature does not verify")
            )
    head_index = 0
    segment_start = 0  # first position of the current sealing batch
    segment_ids: list[int] = []
    good_until = 0  # positions below this are covered by a verified head
    frontier = Frontier()

    def check_order() -> None:
        # Sealing numbers a batch in id order, so the batch's ids sorted must be its ids as
        # stored; the first place they differ is the first entry out of its place.
        for offset, (seen, wanted) in enumerate(zip(segment_ids, sorted(segment_ids), strict=True)):
            if seen != wanted:
                where = segment_start + offset
                report.problems.append(
                    Problem(
                        f"position {where}: out of order within its sealing batch (reordered)",
                        position=where,
                    )
                )
                return

    sealed = AuditEntry.objects.filter(position__isnull=False).order_by("position")
    for entry in sealed.iterator(chunk_size=chunk_size):
        position = int(entry.position or 0)  # never NULL: filtered above
        report.entries += 1
        if position != frontier.size:
            if position > frontier.size:
                report.problems.append(
                    Problem(
                        f"position {frontier.size}: entry missing (removed)",
                        position=frontier.size,
                    )
                )
            else:
                report.problems.append(
                    Problem(f"position {position}: duplicate position", position=position)
                )
            # Keep walking so later heads are checked too; every later root will differ.
        if entry_leaf_hash(entry) != entry.leaf_hash:
            report.problems.append(
                Problem(
                    f"position {position}: content does not match its leaf hash (changed)",
                    position=position,
                )
            )
        segment_ids.append(entry.id)
        frontier.append(bytes.fromhex(entry.leaf_hash))
        while head_index < len(heads) and heads[head_index].tree_size == frontier.size:
            head = heads[head_index]
            if frontier.root().hex() != head.root_hash:
                report.problems.append(
                    Problem(
                        f"tree head of size {head.tree_size}: root does not match the entries "
                        f"at positions {good_until}..{head.tree_size - 1}",
                        first=good_until,
                        last=head.tree_size - 1,
                    )
                )
            else:
                good_until = head.tree_size
            check_order()
            segment_start = head.tree_size
            segment_ids = []
            head_index += 1
    check_order()
    for head in heads[head_index:]:
        report.problems.append(
            Problem(
                f"tree head of size {head.tree_size}: the log holds only {frontier.size} "
                f"sealed entries (position {frontier.size} removed)",
                position=frontier.size,
            )
        )
    sealed_size = heads[-1].tree_size if heads else 0
    if frontier.size > sealed_size:
        report.problems.append(
            Problem(
                f"position {sealed_size}: sealed without a signed tree head",
                position=sealed_size,
            )
        )
    for entry in AuditEntry.objects.filter(position__isnull=True).order_by("id").iterator():
        report.unsealed += 1
        if entry_leaf_hash(entry) != entry.leaf_hash:
            report.problems.append(
                Problem(f"unsealed entry #{entry.id}: content does not match its leaf hash")
            )
    report.root_hash = frontier.root().hex()
    return report


@dataclass(frozen=True)
class InclusionProof:
    """Evidence that one sealed entry is in a signed tree head (RFC 6962 §2.1.1)."""

    position: int
    leaf_hash: str
    tree_size: int
    root_hash: str
    signature: str
    key_id: str
    path: list[str]

    def verifies(self) -> bool:
        return verify_inclusion(
            self.position,
            self.tree_size,
            bytes.fromhex(self.leaf_hash),
            [bytes.fromhex(h) for h in self.path],
            bytes.fromhex(self.root_hash),
        )


def audit_inclusion_proof(*, entry: AuditEntry) -> InclusionProof | None:
    """Prove that a sealed ``entry`` is in the latest signed head (None: not sealed yet).

    Reads the leaf hashes of the whole tree (one column, in position order): fine for showing
    a person that their log entries are part of the signed log; not meant for bulk use.
    """
    head = latest_head()
    if head is None or entry.position is None or entry.position >= head.tree_size:
        return None
    leaves = [
        bytes.fromhex(h)
        for h in AuditEntry.objects.filter(position__lt=head.tree_size)
        .order_by("position")
        .values_list("leaf_hash", flat=True)
    ]
    path = inclusion_proof(entry.position, leaves)
    return InclusionProof(
        position=entry.position,
        leaf_hash=entry_leaf_hash(entry),
        tree_size=head.tree_size,
        root_hash=head.root_hash,
        signature=head.signature,
        key_id=head.key_id,
        path=[h.hex() for h in path],
    )
