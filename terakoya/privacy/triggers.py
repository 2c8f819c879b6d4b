"""Database triggers that make the audit log append-only, on PostgreSQL and on SQLite.

An UPDATE or DELETE of ``privacy_auditentry`` is refused, except one UPDATE that sets
``position`` from NULL and changes nothing else (sealing, :mod:`terakoya.privacy.tree`). Tree
heads can be neither updated nor deleted. The refusal is an integrity error on both databases.

On PostgreSQL the trigger functions and tables belong to the owner role that runs migrations;
the application connects as a non-owner role (:func:`app_role_sql`), which cannot drop or
disable a trigger (that needs ownership), cannot replace the function, and cannot set
``session_replication_role`` (superuser only). See docs/decisions/0180-audit-tamper-evidence.md.

The SQL lives here rather than only in the migration because the test plugin must re-create
the SQLite triggers after Django's ``flush`` (which empties tables with DELETE). A change here
needs a new migration that drops and re-creates the triggers.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "privacy_auditentry"
HEAD_TABLE = "privacy_audittreehead"

#: Columns that must stay unchanged when ``position`` is set (all but ``position``).
_ENTRY_COLUMNS = (
    "id",
    "at",
    "actor_uuid",
    "actor_role",
    "actor_label",
    "action",
    "purpose",
    "school_uuid",
    "target_type",
    "target_uuid",
    "subject_uuid",
    "outcome",
    "count",
    "leaf_hash",
)

_SQLITE_UNCHANGED = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in _ENTRY_COLUMNS)

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS privacy_auditentry_no_update
BEFORE UPDATE ON {AUDIT_TABLE} FOR EACH ROW
WHEN NOT (OLD."position" IS NULL AND NEW."position" IS NOT NULL AND {_SQLITE_UNCHANGED})
BEGIN SELECT RAISE(ABORT, '{AUDIT_TABLE} is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS privacy_auditentry_no_delete
BEFORE DELETE ON {AUDIT_TABLE} FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{AUDIT_TABLE} is append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS privacy_audittreehead_no_update
BEFORE UPDATE ON {HEAD_TABLE} FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{HEAD_TABLE} is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS privacy_audittreehead_no_delete
BEFORE DELETE ON {HEAD_TABLE} FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{HEAD_TABLE} is append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS privacy_auditentry_no_update",
    "DROP TRIGGER IF EXISTS privacy_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS privacy_audittreehead_no_update",
    "DROP TRIGGER IF EXISTS privacy_audittreehead_no_delete",
]

# ``search_path`` is pinned so that nobody can shadow to_jsonb with a function of their own.
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION privacy_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."position" IS NULL AND NEW."position" IS NOT NULL
     AND (to_jsonb(NEW) - 'position') = (to_jsonb(OLD) - 'position') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '{AUDIT_TABLE} is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$""",
    f"""CREATE OR REPLACE FUNCTION privacy_audittreehead_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION '{HEAD_TABLE} is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$""",
    f"""CREATE TRIGGER privacy_auditentry_append_only
BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
FOR EACH ROW EXECUTE FUNCTION privacy_auditentry_append_only()""",
    f"""CREATE TRIGGER privacy_audittreehead_append_only
BEFORE UPDATE OR DELETE ON {HEAD_TABLE}
FOR EACH ROW EXECUTE FUNCTION privacy_audittreehead_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS privacy_auditentry_append_only ON {AUDIT_TABLE}",
    f"DROP TRIGGER IF EXISTS privacy_audittreehead_append_only ON {HEAD_TABLE}",
    "DROP FUNCTION IF EXISTS privacy_auditentry_append_only()",
    "DROP FUNCTION IF EXISTS privacy_audittreehead_append_only()",
]


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_CREATE
    if vendor == "sqlite":
        return SQLITE_CREATE
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_DROP
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the append-only triggers on ``connection``'s database."""
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (migration rollback, and the test plugin's flush on SQLite)."""
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def app_role_sql(*, role: str, owner: str, database: str, schema: str = "public") -> list[str]:
    """The PostgreSQL statements that create the application's non-owner role.

    The owner role (which ran the migrations and owns every table and the trigger functions)
    runs these. The application role may read and write ordinary tables, but on the audit log
    only SELECT, INSERT and UPDATE of ``position``; on tree heads only SELECT and INSERT; never
    TRUNCATE. Set its password afterwards with ``\\password`` in psql, not in a script.
    """
    r, o, d, s = _ident(role), _ident(owner), _ident(database), _ident(schema)
    audit, heads = _ident(AUDIT_TABLE), _ident(HEAD_TABLE)
    return [
        f"CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"GRANT CONNECT ON DATABASE {d} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{audit}, {s}.{heads} FROM {r}",
        f'GRANT UPDATE ("position") ON {s}.{audit} TO {r}',
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
