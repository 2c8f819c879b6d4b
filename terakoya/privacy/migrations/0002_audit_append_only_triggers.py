"""Append-only triggers on the audit log and its tree heads (PostgreSQL and SQLite)."""

from django.db import migrations

from terakoya.privacy import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_consent_and_audit")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
