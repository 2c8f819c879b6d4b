"""The gate's lint rules are active: a view reading a personal-data model fails CI.

ruff's banned-api rule (TID251) bans ``terakoya.<app>.models`` outside the domain layer
(pyproject.toml); import-linter keeps the domain from importing the interface.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROBE = (
    '"""A view that reads a personal-data model directly."""\n\n'
    "from __future__ import annotations\n\n"
    "from terakoya.roster.models import Person\n\n\n"
    "def learners() -> list[str]:\n"
    "    return [p.family_name for p in Person.objects.all()]\n"
)


def _ruff(*args: str, stdin: str | None = None) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format=json", "--no-cache", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode in {0, 1}, result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    return findings


def test_ruff_refuses_a_view_module_that_imports_a_personal_data_model():
    probe = ROOT / "terakoya" / "web" / f"_lint_probe_{uuid.uuid4().hex[:8]}_views.py"
    probe.write_text(PROBE, encoding="utf-8")
    try:
        findings = _ruff(str(probe.relative_to(ROOT)))
    finally:
        probe.unlink()
    codes = {f["code"] for f in findings}
    assert "TID251" in codes
    message = next(str(f["message"]) for f in findings if f["code"] == "TID251")
    assert "terakoya.roster.models" in message
    assert "access gate" in message


def test_ruff_allows_the_same_import_in_a_services_module_and_the_gate():
    for path in ("terakoya/roster/services.py", "terakoya/privacy/gate.py"):
        findings = _ruff("--stdin-filename", path, "-", stdin=PROBE)
        assert "TID251" not in {f["code"] for f in findings}, path


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout
    assert "0 broken" in result.stdout
