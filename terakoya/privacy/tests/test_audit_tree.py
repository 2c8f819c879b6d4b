"""The audit log is append-only, sealed under signed Merkle tree heads, and tampering with it
directly in the database is detected by ``audit_verify``, which names the first bad position."""

from __future__ import annotations

import io
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from terakoya.privacy import tree, triggers
from terakoya.privacy.audit import (
    SYSTEM,
    AuditActor,
    audit_record,
    audit_record_many,
    entry_leaf_hash,
)
from terakoya.privacy.merkle import hash_leaf, root
from terakoya.privacy.models import AuditEntry, AuditTreeHead
from terakoya.privacy.sealer import SEALER
from terakoya.privacy.tree import audit_seal, audit_verify, head_signature_valid

pytestmark = pytest.mark.django_db

ALICE = AuditActor(uuid=uuid.UUID("00000000-0000-4000-8000-000000000001"), role="teacher")


def _record(n: int) -> list[AuditEntry]:
    return [
        audit_record(
            actor=ALICE,
            action="learner.read",
            purpose="instruction",
            target_type="roster.person",
            target_uuid=uuid.uuid4(),
            subject_uuid=uuid.uuid4(),
        )
        for _ in range(n)
    ]


def _sql(statement: str, params: list[int | str] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@contextmanager
def _triggers_off():
    """Tamper as a database superuser would: disable the trigger on PostgreSQL (the test role
    is a superuser), drop it on SQLite. Both are undone by the test's rollback."""
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE privacy_auditentry DISABLE TRIGGER privacy_auditentry_append_only")
        _sql("ALTER TABLE privacy_audittreehead DISABLE TRIGGER privacy_audittreehead_append_only")
        yield
        _sql("ALTER TABLE privacy_auditentry ENABLE TRIGGER privacy_auditentry_append_only")
        _sql("ALTER TABLE privacy_audittreehead ENABLE TRIGGER privacy_audittreehead_append_only")
    else:
        triggers.uninstall(connection)
        yield
        triggers.install(connection)


def _sealed_log(n: int = 12) -> list[AuditEntry]:
    entries = _record(n // 2)
    audit_seal()
    entries += _record(n - n // 2)
    audit_seal()
    return entries


def test_sealing_numbers_entries_in_id_order_and_signs_a_head_over_their_leaves():
    entries = _record(5)
    head = audit_seal()
    assert head is not None
    positions = list(AuditEntry.objects.order_by("id").values_list("position", flat=True))
    assert positions == list(range(5))
    assert head.tree_size == 5
    assert head.root_hash == root([bytes.fromhex(e.leaf_hash) for e in entries]).hex()
    assert head_signature_valid(head)
    assert audit_seal() is None  # nothing new to seal


def test_sealing_continues_the_tree_from_the_last_heads_frontier():
    entries = _record(3)
    audit_seal()
    entries += _record(4)
    head = audit_seal()
    assert head is not None
    assert head.tree_size == 7
    assert head.root_hash == root([bytes.fromhex(e.leaf_hash) for e in entries]).hex()


def test_a_leaf_is_sha256_of_zero_byte_and_the_entrys_canonical_content():
    from terakoya.privacy.audit import entry_bytes, entry_leaf_hash

    entry = _record(1)[0]
    values = {name: getattr(entry, name) for name in ("at", "action", "actor_uuid")}
    assert hash_leaf(entry_bytes({**values})).hex() != entry.leaf_hash  # needs all fields
    assert entry_leaf_hash(entry) == entry.leaf_hash


def test_an_intact_log_verifies():
    _sealed_log()
    report = audit_verify()
    assert report.ok, report.problems
    assert report.entries == 12
    assert report.heads == 2


def test_the_database_refuses_to_update_or_delete_an_audit_entry():
    entry = _record(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="learner.nothing")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql("UPDATE privacy_auditentry SET position = 7, action = 'x' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "learner.read"


def test_position_can_be_set_once_from_null_and_never_changed():
    entry = _record(1)[0]
    AuditEntry.objects.filter(pk=entry.pk).update(position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(position=None)
    assert AuditEntry.objects.get(pk=entry.pk).position == 0


def test_the_database_refuses_to_update_or_delete_a_tree_head():
    _record(2)
    head = audit_seal()
    assert head is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditTreeHead.objects.filter(pk=head.pk).update(root_hash="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditTreeHead.objects.filter(pk=head.pk).delete()


def test_verify_detects_an_entry_edited_directly_in_the_database():
    entries = _sealed_log()
    target = AuditEntry.objects.get(pk=entries[3].pk)
    with _triggers_off():
        _sql("UPDATE privacy_auditentry SET actor_role = 'principal' WHERE id = %s", [target.pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_position == target.position == 3


def test_verify_detects_an_edit_that_also_rewrote_the_leaf_hash():
    from terakoya.privacy.audit import entry_leaf_hash

    entries = _sealed_log()
    target = AuditEntry.objects.get(pk=entries[8].pk)
    target.purpose = "grading"
    forged = entry_leaf_hash(target)
    with _triggers_off():
        _sql(
            "UPDATE privacy_auditentry SET purpose = 'grading', leaf_hash = %s WHERE id = %s",
            [forged, target.pk],
        )
    report = audit_verify()
    assert not report.ok
    # Only the signed root betrays it: the range since the last good head (size 6) is named.
    assert report.first_bad_position == 6
    assert any("positions 6..11" in p.message for p in report.problems)


def test_verify_detects_a_removed_entry():
    entries = _sealed_log()
    with _triggers_off():
        _sql("DELETE FROM privacy_auditentry WHERE id = %s", [entries[4].pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_position == 4


def test_verify_detects_the_last_entry_removed():
    entries = _sealed_log()
    with _triggers_off():
        _sql("DELETE FROM privacy_auditentry WHERE id = %s", [entries[-1].pk])
    report = audit_verify()
    assert report.first_bad_position == 11


def test_verify_detects_reordered_entries():
    entries = _sealed_log()
    a, b = entries[1].pk, entries[4].pk
    with _triggers_off():
        _sql("UPDATE privacy_auditentry SET position = -1 WHERE id = %s", [a])
        _sql("UPDATE privacy_auditentry SET position = 1 WHERE id = %s", [b])
        _sql("UPDATE privacy_auditentry SET position = 4 WHERE id = %s", [a])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_position == 1


def test_verify_detects_a_forged_tree_head():
    _sealed_log()
    head = AuditTreeHead.objects.order_by("tree_size").first()
    assert head is not None
    with _triggers_off():
        _sql("UPDATE privacy_audittreehead SET root_hash = %s WHERE id = %s", ["ab" * 32, head.pk])
    report = audit_verify()
    assert not report.ok
    assert any("signature does not verify" in p.message for p in report.problems)


def test_audit_verify_command_exits_non_zero_naming_the_first_bad_position():
    entries = _sealed_log()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK: 12 sealed entries, 2 signed tree heads")
    with _triggers_off():
        _sql("UPDATE privacy_auditentry SET count = 99 WHERE id = %s", [entries[2].pk])
    err = io.StringIO()
    with pytest.raises(CommandError, match="first bad position: 2"):
        call_command("audit_verify", stderr=err)
    assert "position 2" in err.getvalue()


def test_audit_seal_command_seals_and_is_silent_with_quiet():
    _record(3)
    out = io.StringIO()
    call_command("audit_seal", "--quiet", stdout=out)
    assert out.getvalue() == ""
    assert AuditEntry.objects.filter(position__isnull=True).count() == 0
    call_command("audit_seal", stdout=out)
    assert "nothing to seal" in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["auto", "background", "commit"])
def test_a_tree_head_is_sealed_automatically_after_every_n_entries(settings, mode):
    """Real commits (a transactional test): a head is signed once N entries wait, checked
    after commit, at most once per transaction, without waiting for a sweep or a command."""
    settings.TERAKOYA = {**settings.TERAKOYA, "AUDIT_TREE_HEAD_EVERY": 4, "AUDIT_SEAL": mode}
    with transaction.atomic():
        _record(12)
        assert len(connection.run_on_commit) <= 1  # once per transaction, not per entry
    assert SEALER.wait_idle(timeout=30)
    head = AuditTreeHead.objects.get()
    assert head.tree_size == 12
    written = 0
    while AuditTreeHead.objects.count() == 1:
        with transaction.atomic():
            audit_record(actor=SYSTEM, action="system.tick")
        written += 1
        assert SEALER.wait_idle(timeout=30)
        assert written <= 8  # sealed within two rounds of N
    latest = AuditTreeHead.objects.order_by("-tree_size").first()
    assert latest is not None
    assert latest.tree_size == 12 + written
    assert written >= 4  # never before N entries wait
    assert audit_verify().ok


def test_only_a_write_that_reaches_a_multiple_of_n_checks_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.TERAKOYA = {**settings.TERAKOYA, "AUDIT_TREE_HEAD_EVERY": 1000}
    with django_capture_on_commit_callbacks() as callbacks:
        entries = _record(3)
    expected = 1 if any(e.pk % 1000 == 0 for e in entries) else 0
    assert len(callbacks) == expected


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_application_role_cannot_disable_the_trigger_or_rewrite_the_log():
    """The non-owner application role (triggers.app_role_sql) may insert and read, and set a
    position once, but not update, delete, truncate, or switch the trigger off."""
    entry = _record(1)[0]
    role = f"terakoya_app_test_{uuid.uuid4().hex[:8]}"
    owner = connection.settings_dict["USER"] or "postgres"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        for statement in triggers.app_role_sql(role=role, owner=owner, database=database):
            cursor.execute(statement)
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        forbidden = [
            "ALTER TABLE privacy_auditentry DISABLE TRIGGER privacy_auditentry_append_only",
            "DROP TRIGGER privacy_auditentry_append_only ON privacy_auditentry",
            "CREATE OR REPLACE FUNCTION privacy_auditentry_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "SET session_replication_role = replica",
            "UPDATE privacy_auditentry SET action = 'x'",
            "DELETE FROM privacy_auditentry",
            "TRUNCATE privacy_auditentry",
            "DELETE FROM privacy_audittreehead",
        ]
        for statement in forbidden:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(statement)
        # What it may do: append, read, and seal.
        cursor.execute("UPDATE privacy_auditentry SET position = 0 WHERE id = %s", [entry.pk])
        cursor.execute("SELECT count(*) FROM privacy_auditentry")
        cursor.execute("RESET ROLE")


def test_an_entry_has_an_inclusion_proof_to_the_signed_head_and_a_changed_one_does_not():
    from terakoya.privacy.tree import audit_inclusion_proof

    entries = _sealed_log(11)
    target = AuditEntry.objects.get(pk=entries[7].pk)
    proof = audit_inclusion_proof(entry=target)
    assert proof is not None
    assert proof.tree_size == 11
    assert proof.verifies()
    head = AuditTreeHead.objects.get(tree_size=11)
    assert head_signature_valid(head)
    assert proof.root_hash == head.root_hash
    with _triggers_off():
        _sql("UPDATE privacy_auditentry SET action = 'x' WHERE id = %s", [target.pk])
    changed = audit_inclusion_proof(entry=AuditEntry.objects.get(pk=target.pk))
    assert changed is not None
    assert not changed.verifies()
    assert audit_inclusion_proof(entry=_record(1)[0]) is None  # not sealed yet


@pytest.mark.django_db(transaction=True)
def test_a_due_seal_runs_on_the_sealer_thread_not_in_the_committing_one(settings):
    """Background mode (the default outside in-memory SQLite): the commit that makes a head
    due only wakes the sealer thread, which signs the head; "commit" mode seals in the
    committing thread, as before."""
    settings.TERAKOYA = {
        **settings.TERAKOYA,
        "AUDIT_TREE_HEAD_EVERY": 4,
        "AUDIT_SEAL": "background",
    }
    before = SEALER.seals
    with transaction.atomic():
        _record(8)
    assert SEALER.wait_idle(timeout=30)
    assert SEALER.seals == before + 1  # the thread signed it: nothing was left for it otherwise
    assert AuditTreeHead.objects.get().tree_size == 8

    settings.TERAKOYA = {**settings.TERAKOYA, "AUDIT_TREE_HEAD_EVERY": 4, "AUDIT_SEAL": "commit"}
    with transaction.atomic():
        _record(8)
    # Sealed before the atomic block returned, without the thread.
    assert AuditTreeHead.objects.order_by("-tree_size").first().tree_size == 16
    assert SEALER.wait_idle(timeout=30)
    assert SEALER.seals == before + 1
    assert audit_verify().ok


def test_sealing_reads_unsealed_entries_in_pages(monkeypatch):
    """However many entries wait, sealing holds one page of them at a time; the tree is the
    same as one pass would build."""
    monkeypatch.setattr(tree, "_PAGE", 7)
    entries = _record(30)
    head = audit_seal()
    assert head is not None
    assert head.tree_size == 30
    assert [e.position for e in AuditEntry.objects.order_by("id")] == list(range(30))
    assert head.root_hash == root([bytes.fromhex(e.leaf_hash) for e in entries]).hex()
    assert audit_verify().ok


# PostgreSQL text cannot hold NUL; everything else, CJK and emoji included, must hash alike.
_CHARS = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
_TEXT = st.text(_CHARS, max_size=40)
_UUIDS = st.none() | st.uuids()


@settings_(max_examples=40)
@given(
    items=st.lists(
        st.fixed_dictionaries(
            {
                "action": st.text(
                    _CHARS,
                    min_size=1,
                    max_size=60,
                ),
                "purpose": _TEXT,
                "target_type": _TEXT,
                "target_uuid": _TEXT | st.uuids(),
                "count": st.integers(min_value=0, max_value=10**6),
                "school_uuid": _UUIDS,
                "subject_uuid": _UUIDS,
            }
        ),
        min_size=1,
        max_size=5,
    ),
    label=_TEXT,
    actor_uuid=_UUIDS,
)
def test_the_bulk_path_hashes_exactly_as_the_reference_encoding(items, label, actor_uuid):
    """audit_record_many builds its canonical bytes without entry_bytes; every stored entry
    must still hash, from its stored fields, to its stored leaf (what audit_verify checks)."""
    with transaction.atomic():
        start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        actor = AuditActor(uuid=actor_uuid, role="teacher", label=label)
        audit_record_many([{"actor": actor, **item} for item in items])
        written = list(AuditEntry.objects.filter(id__gt=start).order_by("id"))
        assert len(written) == len(items)
        for entry in written:
            assert entry.leaf_hash == entry_leaf_hash(entry)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_in_the_sqlite_writer_process_a_due_seal_runs_after_the_reply(settings, monkeypatch):
    """In the writer process (terakoya.core.sqlite.writer) the sealer starts no thread: a due
    commit asks the writer to seal once the group's callers have their replies."""
    from terakoya.core.sqlite import writer

    settings.TERAKOYA = {
        **settings.TERAKOYA,
        "AUDIT_TREE_HEAD_EVERY": 4,
        "AUDIT_SEAL": "background",
    }
    monkeypatch.setattr(writer, "_after", [])  # this process is the writer
    before = SEALER.seals
    with transaction.atomic():
        _record(8)
    assert writer._after == [SEALER._seal]
    assert not AuditTreeHead.objects.exists()  # not yet: the callers are answered first
    writer._run_after()
    assert writer._after == []
    assert SEALER.seals == before + 1
    assert AuditTreeHead.objects.get().tree_size == 8
    assert audit_verify().ok
