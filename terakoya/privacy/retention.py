"""Retention rules per record type: the legal minimum, then deletion (DESIGN §4).

A model's declaration names a rule and the date field its period counts from; the sweep in
:mod:`terakoya.privacy.sweep` deletes what has expired on the day it expires.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Start(StrEnum):
    #: The period counts from the anchor date itself.
    ANCHOR = "anchor"
    #: The period counts from the end (31 March) of the 年度 containing the anchor date.
    END_OF_SCHOOL_YEAR = "end_of_school_year"


@dataclass(frozen=True)
class RetentionRule:
    code: str
    years: int | None  # None: kept while the record is active (no anchor date yet)
    start: Start
    basis_ja: str
    basis_en: str
    #: Needed for as long as the person is enrolled or employed: erasure on request keeps
    #: these records until the person has left (then the sweep removes them).
    kept_while_active: bool = False

    def expires_on(self, anchor: dt.date | None) -> dt.date | None:
        """The first day on which a record anchored at ``anchor`` is deleted, or None."""
        if anchor is None or self.years is None:
            return None
        if self.start is Start.END_OF_SCHOOL_YEAR:
            school_year = anchor.year if anchor.month >= 4 else anchor.year - 1
            end = dt.date(school_year + 1, 3, 31)
        else:
            end = anchor
        # Kept for `years` full years after `end`; deleted the day after the last kept day.
        try:
            last = end.replace(year=end.year + self.years)
        except ValueError:  # 29 February
            last = end.replace(year=end.year + self.years, day=28)
        return last + dt.timedelta(days=1)


RULES: dict[str, RetentionRule] = {
    rule.code: rule
    for rule in [
        RetentionRule(
            "school_register",
            20,
            Start.END_OF_SCHOOL_YEAR,
            "学校教育法施行規則 第28条第2項(指導要録のうち学籍に関する記録 20年)",
            "School Education Act Enforcement Regulations Art. 28(2): enrolment record, 20 years",
        ),
        RetentionRule(
            "guidance_record",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "学校教育法施行規則 第28条第2項(指導に関する記録 5年)",
            "Art. 28(2): guidance part of the cumulative record, 5 years",
        ),
        RetentionRule(
            "attendance_register",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "学校教育法施行規則 第28条第2項(出席簿 5年)",
            "Art. 28(2): attendance register, 5 years",
        ),
        RetentionRule(
            "health_record",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "学校保健安全法施行規則 第8条第4項(健康診断票 5年)",
            "School Health and Safety Act Enf. Regs. Art. 8(4): health record, 5 years",
        ),
        RetentionRule(
            "study_log",
            1,
            Start.END_OF_SCHOOL_YEAR,
            "教育委員会の方針(既定: 転出・卒業した年度の翌年度末まで)",
            "Board policy (default: end of the school year after leaving)",
        ),
        RetentionRule(
            "communication",
            1,
            Start.END_OF_SCHOOL_YEAR,
            "学校の方針(翌年度末まで)",
            "School policy (end of the following school year)",
        ),
        RetentionRule(
            "guidance_note",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "学校の方針(上限5年)",
            "School policy (at most 5 years)",
        ),
        RetentionRule(
            "consent_record",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "同意の証跡(同意に基づく処理が問われうる期間)",
            "Proof of consent, for as long as processing on it may be questioned",
        ),
        RetentionRule(
            "audit_log",
            5,
            Start.END_OF_SCHOOL_YEAR,
            "安全管理措置(個人情報保護法 第66条)の記録",
            "Security-measure records (APPI Art. 66)",
        ),
        RetentionRule(
            "session",
            0,
            Start.ANCHOR,
            "サインイン中のみ",
            "Only while signed in",
        ),
        RetentionRule(
            "sign_in_account",
            0,
            Start.END_OF_SCHOOL_YEAR,
            "利用中と、転出・卒業・退職した年度の末日まで",
            "While in use, then until the end of the school year of leaving",
            kept_while_active=True,
        ),
        RetentionRule(
            "while_active",
            None,
            Start.ANCHOR,
            "利用中のみ(終了後は親の記録に従う)",
            "While active (then as the parent record)",
            kept_while_active=True,
        ),
    ]
}
