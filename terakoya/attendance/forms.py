"""Input parsing and choice lists for the school-affairs pages (no model access)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from terakoya.attendance.codes import AbsenceReason, Status, Symptom
from terakoya.core.errors import UserError

STATUS_CHOICES = list(Status.choices)
REASON_CHOICES = list(AbsenceReason.choices)
SYMPTOM_CHOICES = list(Symptom.choices)

#: Labels of the health-record fields, in display order.
HEALTH_LABELS = {
    "height_cm": _("身長(cm)"),
    "weight_kg": _("体重(kg)"),
    "vision_right": _("視力(右)"),
    "vision_left": _("視力(左)"),
    "hearing": _("聴力"),
    "dental_caries": _("むし歯(未処置)"),
    "allergies": _("アレルギー"),
    "conditions": _("疾病・異常"),
    "nurse_notes": _("養護教諭の所見"),
}


def parse_date(text: str, *, location: str) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (empty gives None); a malformed date is a precise UserError."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(
            "日付は 2026-04-01 の形で入力してください。",
            "Enter the date as 2026-04-01.",
            location=location,
        ) from exc
