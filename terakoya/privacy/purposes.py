"""The closed set of purposes for which personal data is used, each with its legal basis.

A public school's duties run on their legal basis, never on consent (APPI Art. 61; the PPC's
Q&A A3-3-5 rules out consent where the controller is a public body; GDPR Recital 43). Consent is
asked only for optional purposes, opt-in, revocable, and refusing costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terakoya.privacy.categories import ALLOWED
from terakoya.privacy.categories import DataCategory as C


class Basis(StrEnum):
    DUTY = "duty"
    CONSENT = "consent"


class Purpose(StrEnum):
    INSTRUCTION = "instruction"
    GRADING = "grading"
    ATTENDANCE = "attendance"
    HEALTH_MANAGEMENT = "health_management"
    SCHOOL_RECORDS = "school_records"
    STATUTORY_TRANSFER = "statutory_transfer"
    SCHOOL_ADMINISTRATION = "school_administration"
    GUARDIAN_COMMUNICATION = "guardian_communication"
    AGGREGATE_STATISTICS = "aggregate_statistics"
    SUBJECT_ACCESS = "subject_access"
    SECURITY_AUDIT = "security_audit"
    # Optional purposes: consent only.
    STUDY_LOG_TRANSFER = "study_log_transfer"
    EXTERNAL_TOOL_SHARING = "external_tool_sharing"
    INDIVIDUAL_RESEARCH = "individual_research"


@dataclass(frozen=True)
class PurposeInfo:
    purpose: Purpose
    basis: Basis
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    categories: frozenset[C]
    who_sees_ja: str
    who_sees_en: str
    retention_ja: str
    retention_en: str
    legal_reference: str

    @property
    def needs_consent(self) -> bool:
        return self.basis is Basis.CONSENT


def _p(
    purpose: Purpose,
    basis: Basis,
    title: tuple[str, str],
    description: tuple[str, str],
    categories: set[C],
    who: tuple[str, str],
    retention: tuple[str, str],
    reference: str,
) -> PurposeInfo:
    return PurposeInfo(
        purpose,
        basis,
        title[0],
        title[1],
        description[0],
        description[1],
        frozenset(categories),
        who[0],
        who[1],
        retention[0],
        retention[1],
        reference,
    )


PURPOSES: dict[Purpose, PurposeInfo] = {
    info.purpose: info
    for info in [
        _p(
            Purpose.INSTRUCTION,
            Basis.DUTY,
            ("授業・学習指導", "Instruction"),
            (
                "授業で使う教材の配布、課題の提出、学習の記録と振り返りに使います。",
                "Handing out materials, collecting work and recording learning for teaching.",
            ),
            # Guidance notes (指導記録) serve instruction; their own gate narrows who reads them
            # to the author and the roles the school designates (terakoya.guidance.access).
            {C.ROSTER, C.STUDY_LOG, C.ASSESSMENT, C.COMMUNICATION, C.GUIDANCE_NOTE},
            (
                "担任・教科担当の先生、本人、保護者",
                "Homeroom and subject teachers, the learner, guardians",
            ),
            (
                "在籍中と、卒業・転出した年度の翌年度末まで",
                "While enrolled, then until the end of the school year after leaving",
            ),
            "学校教育法 第34条・第49条; 個人情報保護法 第61条",
        ),
        _p(
            Purpose.GRADING,
            Basis.DUTY,
            ("成績評価", "Grading"),
            (
                "観点別評価・評定をつけ、通知表を作成します。",
                "Evaluation, grades and report cards.",
            ),
            {C.ROSTER, C.ASSESSMENT, C.GRADE},
            (
                "担任・教科担当の先生、校長、本人、保護者",
                "Teachers, the principal, the learner, guardians",
            ),
            (
                "指導要録(指導に関する記録)として5年間",
                "Five years as part of the cumulative record",
            ),
            "学校教育法施行規則 第24条・第28条",
        ),
        _p(
            Purpose.ATTENDANCE,
            Basis.DUTY,
            ("出欠の管理", "Attendance"),
            (
                "出席簿をつけ、欠席連絡を受け付けます。",
                "Keeping the attendance register and absence notices.",
            ),
            {C.ROSTER, C.ATTENDANCE},
            (
                "担任の先生、学校の管理者、本人、保護者",
                "Homeroom teacher, school administrators, learner, guardians",
            ),
            ("出席簿として5年間", "Five years (attendance register)"),
            "学校教育法施行規則 第25条・第28条",
        ),
        _p(
            Purpose.HEALTH_MANAGEMENT,
            Basis.DUTY,
            ("保健管理", "Health management"),
            (
                "健康診断の結果を記録し、保健指導に使います。担任には学校が必要と定めた項目(アレルギー等)だけが見えます。",
                "Recording health checkups for school health care; teachers see only fields the "
                "school marks as needed for teaching (such as allergies).",
            ),
            {C.ROSTER, C.HEALTH},
            (
                "養護教諭、本人、保護者(担任は指定項目のみ)",
                "School nurse, learner, guardians (teachers: marked fields only)",
            ),
            ("健康診断票として5年間", "Five years (health record)"),
            "学校保健安全法 第13条; 同施行規則 第8条",
        ),
        _p(
            Purpose.SCHOOL_RECORDS,
            Basis.DUTY,
            ("指導要録の作成・保存", "Cumulative records (指導要録)"),
            (
                "法律で定められた指導要録を作成し保存します。",
                "Keeping the statutory cumulative record.",
            ),
            {C.ROSTER, C.GRADE, C.ATTENDANCE},
            ("校長・担任の先生", "The principal and homeroom teacher"),
            (
                "学籍に関する記録20年間、指導に関する記録5年間",
                "Enrolment record 20 years, guidance record 5 years",
            ),
            "学校教育法施行規則 第24条・第28条",
        ),
        _p(
            Purpose.STATUTORY_TRANSFER,
            Basis.DUTY,
            ("転学時の法定の送付", "Statutory transfer"),
            (
                "転学・進学の際、指導要録の抄本と健康診断票を新しい学校へ送ります(記録され、保護者にも表示されます)。",
                "On transfer, an extract of the cumulative record and the health record go to the "
                "receiving school (audited and shown to guardians).",
            ),
            {C.ROSTER, C.GRADE, C.ATTENDANCE, C.HEALTH},
            ("転学先の学校", "The receiving school"),
            ("転学先の学校の保存期間に従います", "As the receiving school's retention rules"),
            "学校教育法施行規則 第24条第2項・第3項; 学校保健安全法施行規則 第8条第2項",
        ),
        _p(
            Purpose.SCHOOL_ADMINISTRATION,
            Basis.DUTY,
            ("学校運営(名簿管理)", "School administration"),
            (
                "在籍・学級・担任などの名簿を管理します。",
                "Managing the roster: enrolment, classes, staff.",
            ),
            {C.ROSTER},
            ("学校の管理者", "School administrators"),
            ("在籍中と法定の保存期間", "While enrolled and for the statutory period"),
            "学校教育法施行規則 第24条",
        ),
        _p(
            Purpose.GUARDIAN_COMMUNICATION,
            Basis.DUTY,
            ("保護者との連絡", "Guardian communication"),
            (
                "お知らせ、欠席連絡、提出物のやりとりに使います。",
                "Announcements, absence notices and forms.",
            ),
            {C.ROSTER, C.COMMUNICATION},
            (
                "担任の先生、学校の管理者、保護者",
                "Homeroom teacher, school administrators, guardians",
            ),
            ("年度末の翌年度末まで", "Until the end of the following school year"),
            "個人情報保護法 第61条",
        ),
        _p(
            Purpose.AGGREGATE_STATISTICS,
            Basis.DUTY,
            ("集計統計", "Aggregate statistics"),
            (
                "学校・教育委員会の集計のみに使います。10人未満の区分は表示しません。個人は特定されません。",
                "Aggregates only for the school and board; no cell under 10; nobody is identified.",
            ),
            {C.STUDY_LOG, C.ASSESSMENT, C.ATTENDANCE},
            ("教育委員会の分析担当(集計値のみ)", "Board analysts (aggregates only)"),
            ("集計値のみ保存", "Only aggregates are kept"),
            "個人情報保護法 第69条第2項第4号",
        ),
        _p(
            Purpose.SUBJECT_ACCESS,
            Basis.DUTY,
            ("本人・保護者による開示", "Subject access"),
            (
                "本人と保護者が、自分(子ども)の情報を見てダウンロードできます。",
                "Learners and guardians see and download their data.",
            ),
            set(ALLOWED),
            ("本人・保護者", "The learner and guardians"),
            ("—", "—"),
            "個人情報保護法 第76条",
        ),
        _p(
            Purpose.SECURITY_AUDIT,
            Basis.DUTY,
            ("安全管理(監査)", "Security audit"),
            (
                "誰がいつ何の目的で情報を見たかを記録します。",
                "Recording who accessed what, when and why.",
            ),
            {C.AUDIT},
            ("本人・保護者・学校の管理者", "The person concerned, school administrators"),
            ("監査記録として保存", "Kept as the audit log"),
            "個人情報保護法 第66条",
        ),
        _p(
            Purpose.STUDY_LOG_TRANSFER,
            Basis.CONSENT,
            ("学習記録の持ち運び(法定外)", "Study-log transfer (beyond the statutory part)"),
            (
                "転校・進学の際、法律で送る記録に加えて、ドリルや学習の記録も新しい学校へ送ります。",
                "On transfer, also sending drill and learning records to the new school.",
            ),
            {C.STUDY_LOG, C.ASSESSMENT},
            ("転学先の学校", "The receiving school"),
            ("転学先の学校の規定に従います", "As the receiving school's rules"),
            "個人情報保護法 第69条第1項(本人の同意)",
        ),
        _p(
            Purpose.EXTERNAL_TOOL_SHARING,
            Basis.CONSENT,
            ("外部の学習ツールとの共有", "Sharing with an external learning tool"),
            (
                "外部の学習アプリに、仮名のIDを超える情報(学習記録など)を渡します。同意しなくても授業は同じように受けられます。",
                "An external learning app receives more than a pseudonymous ID (such as learning "
                "records). Without consent, lessons are exactly the same.",
            ),
            {C.STUDY_LOG, C.ASSESSMENT},
            ("学校が登録した外部ツール", "External tools the school registered"),
            ("同意を取り消すまで", "Until consent is withdrawn"),
            "個人情報保護法 第69条第1項(本人の同意)",
        ),
        _p(
            Purpose.INDIVIDUAL_RESEARCH,
            Basis.CONSENT,
            ("個人単位の研究", "Individual-level research"),
            (
                "教育委員会が承認した研究に、仮名化した個人単位の学習記録を提供します。",
                "Pseudonymised individual learning records for research the board approved.",
            ),
            {C.STUDY_LOG, C.ASSESSMENT},
            ("承認された研究者", "Approved researchers"),
            ("研究計画の期間", "For the research plan's duration"),
            "個人情報保護法 第69条第1項(本人の同意)",
        ),
    ]
}

OPTIONAL_PURPOSES = tuple(p for p, info in PURPOSES.items() if info.needs_consent)
DUTY_PURPOSES = tuple(p for p, info in PURPOSES.items() if not info.needs_consent)
