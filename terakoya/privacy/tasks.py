"""Scheduled privacy tasks (run daily by the task runner, or by cron via the command)."""

from __future__ import annotations

from terakoya.privacy.models import AuditTreeHead
from terakoya.privacy.sweep import SweepResult, retention_sweep
from terakoya.privacy.tree import audit_seal


def retention_sweep_daily() -> list[SweepResult]:
    """Delete what expired today; `manage.py retention_sweep` does the same by hand."""
    return retention_sweep()


def audit_seal_periodic() -> AuditTreeHead | None:
    """Seal whatever is unsealed, so a quiet installation still gets a fresh signed head."""
    return audit_seal(wait=False)
