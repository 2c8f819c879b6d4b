"""The closed vocabulary of data categories (DESIGN §4).

Every personal field in Terakoya belongs to exactly one allowed category. The prohibited
categories exist so that ingest paths can name what they refused; nothing of them is stored.
"""

from __future__ import annotations

from enum import StrEnum


class DataCategory(StrEnum):
    """What kind of personal data a field holds."""

    ROSTER = "roster"
    STUDY_LOG = "study_log"
    ASSESSMENT = "assessment"
    GRADE = "grade"
    ATTENDANCE = "attendance"
    HEALTH = "health"  # 要配慮個人情報 (APPI Art. 2(3)): results of health checks
    GUIDANCE_NOTE = "guidance_note"  # the assist log
    COMMUNICATION = "communication"
    CONSENT = "consent"
    AUDIT = "audit"
    CREDENTIAL = "credential"  # password hashes, sign-in secrets: never exported
    # Prohibited: refused at every ingest path (DESIGN §2, EU AI Act Art. 5(1)(f), 番号法 Art. 20).
    PHYSIOLOGICAL_SIGNAL = "physiological_signal"
    GAZE = "gaze"
    FACIAL_EXPRESSION = "facial_expression"
    AFFECT_INFERENCE = "affect_inference"
    FAMILY_CIRCUMSTANCES_FOR_ANALYTICS = "family_circumstances_for_analytics"
    MY_NUMBER = "my_number"

    @property
    def prohibited(self) -> bool:
        return self in PROHIBITED

    @property
    def special_care(self) -> bool:
        """True for 要配慮個人情報, which needs the strictest handling."""
        return self in SPECIAL_CARE


PROHIBITED = frozenset(
    {
        DataCategory.PHYSIOLOGICAL_SIGNAL,
        DataCategory.GAZE,
        DataCategory.FACIAL_EXPRESSION,
        DataCategory.AFFECT_INFERENCE,
        DataCategory.FAMILY_CIRCUMSTANCES_FOR_ANALYTICS,
        DataCategory.MY_NUMBER,
    }
)
SPECIAL_CARE = frozenset({DataCategory.HEALTH, DataCategory.GUIDANCE_NOTE})
ALLOWED = frozenset(c for c in DataCategory if c not in PROHIBITED)

LABELS_JA: dict[DataCategory, str] = {
    DataCategory.ROSTER: "名簿(氏名・所属)",
    DataCategory.STUDY_LOG: "学習記録(スタディ・ログ)",
    DataCategory.ASSESSMENT: "テスト・ドリルの解答",
    DataCategory.GRADE: "成績・評価",
    DataCategory.ATTENDANCE: "出欠",
    DataCategory.HEALTH: "健康情報(要配慮個人情報)",
    DataCategory.GUIDANCE_NOTE: "指導記録",
    DataCategory.COMMUNICATION: "連絡・メッセージ",
    DataCategory.CONSENT: "同意の記録",
    DataCategory.AUDIT: "閲覧・操作の記録",
    DataCategory.CREDENTIAL: "サインイン情報",
    DataCategory.PHYSIOLOGICAL_SIGNAL: "生体信号(脈拍・血圧・発汗・脳波)",
    DataCategory.GAZE: "視線",
    DataCategory.FACIAL_EXPRESSION: "表情",
    DataCategory.AFFECT_INFERENCE: "感情の推定",
    DataCategory.FAMILY_CIRCUMSTANCES_FOR_ANALYTICS: "分析目的の家庭状況",
    DataCategory.MY_NUMBER: "マイナンバー(個人番号)",
}
LABELS_EN: dict[DataCategory, str] = {
    DataCategory.ROSTER: "roster (names, membership)",
    DataCategory.STUDY_LOG: "study log",
    DataCategory.ASSESSMENT: "answers to drills and tests",
    DataCategory.GRADE: "grades and evaluations",
    DataCategory.ATTENDANCE: "attendance",
    DataCategory.HEALTH: "health (special-care data)",
    DataCategory.GUIDANCE_NOTE: "guidance notes",
    DataCategory.COMMUNICATION: "messages",
    DataCategory.CONSENT: "consent records",
    DataCategory.AUDIT: "access and change log",
    DataCategory.CREDENTIAL: "sign-in secrets",
    DataCategory.PHYSIOLOGICAL_SIGNAL: "physiological signals (pulse, blood pressure, EEG)",
    DataCategory.GAZE: "gaze",
    DataCategory.FACIAL_EXPRESSION: "facial expression",
    DataCategory.AFFECT_INFERENCE: "emotion inference",
    DataCategory.FAMILY_CIRCUMSTANCES_FOR_ANALYTICS: "family circumstances for analytics",
    DataCategory.MY_NUMBER: "My Number (individual number)",
}
