"""Audit log figures: cost of audit_record, of sealing and of verifying.

Run on a scratch database (never the real one):

    TERAKOYA_DATA_DIR=/tmp/bench-audit DATABASE_URL=sqlite:////tmp/bench-audit/db.sqlite3 \
        .venv/bin/python bench/privacy_audit.py [entries]
"""

from __future__ import annotations

import os
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from terakoya.privacy.audit import AuditActor, _entry, audit_record, audit_record_many  # noqa: E402
from terakoya.privacy.models import AuditEntry  # noqa: E402
from terakoya.privacy.tree import audit_seal, audit_verify, seal_if_due  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    call_command("migrate", verbosity=0)
    actor = AuditActor(uuid=uuid.uuid4(), role="homeroom_teacher")
    subject = uuid.uuid4()
    # One entry per call, each in its own transaction (a request reading one record).
    single = 2000
    start = time.perf_counter()
    for _ in range(single):
        with transaction.atomic():
            audit_record(
                actor=actor, action="learner.read", purpose="instruction", subject_uuid=subject
            )
    per_call = (time.perf_counter() - start) / single
    print(f"audit_record, own transaction, incl. after-commit seal check: {per_call * 1e6:.0f} µs")
    # The ceiling: the same row inserted without the audit module (hash computed once, no
    # seal check); identical rows with a correct leaf hash, so the log still verifies.
    template = _entry(
        actor=actor, action="learner.read", purpose="instruction", subject_uuid=subject
    )
    values = {f.attname: getattr(template, f.attname) for f in AuditEntry._meta.concrete_fields}
    values.pop("id")
    start = time.perf_counter()
    for _ in range(single):
        with transaction.atomic():
            AuditEntry.objects.create(**values)
    raw = (time.perf_counter() - start) / single
    print(f"  raw insert of the same row, own transaction: {raw * 1e6:.0f} µs")
    start = time.perf_counter()
    for _ in range(200):
        seal_if_due()
    check = (time.perf_counter() - start) / 200
    print(f"  the due check (runs after ~1 commit in N): {check * 1e6:.0f} µs")
    # Keep sealing out of the insert figure, then time it on its own.
    settings.TERAKOYA["AUDIT_TREE_HEAD_EVERY"] = 10**12
    start = time.perf_counter()
    batch = [
        {
            "actor": actor,
            "action": "class.roster.read",
            "purpose": "instruction",
            "subject_uuid": subject,
        }
        for _ in range(n)
    ]
    with transaction.atomic():
        for i in range(0, n, 1000):
            audit_record_many(batch[i : i + 1000])
    print(f"audit_record_many: {n / (time.perf_counter() - start):,.0f} entries/s")
    start = time.perf_counter()
    head = audit_seal()
    elapsed = time.perf_counter() - start
    size = head.tree_size if head else 0
    print(f"audit_seal of {size:,} entries: {elapsed:.2f} s")
    start = time.perf_counter()
    report = audit_verify()
    elapsed = time.perf_counter() - start
    print(f"audit_verify of {report.entries:,} entries, {report.heads} heads: {elapsed:.2f} s")
    print(f"  verified: {report.ok}")


if __name__ == "__main__":
    main()
