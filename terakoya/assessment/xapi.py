"""xAPI statements for learning events: pure functions over plain values (no database).

Every statement follows the Japan xAPI LMS profile's common rules (reference/xapi.md): ``id``,
``timestamp``, an actor identified only by ``account {homePage: the school's Terakoya URL,
name: learner UUID}`` — never a name or e-mail address — ``verb.display.en``, ``object.id`` and
``object.definition.type``, ``context.language``, ``context.platform`` and ``version``; the Japan
extensions (subject, grade, course-of-study code, unit, due date, assessment type) under
``https://w3id.org/japan-xapi/extensions/``; and the education-data category
``https://w3id.org/xapi/jpedudataspec/v/1``.

The learner is the actor of every statement, so each lands in that learner's study log; when a
teacher marks or gives feedback, the teacher appears (by account, too) as
``context.instructor`` (docs/decisions/0142-xapi-learning-events.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

XAPI_VERSION = "2.0.0"
EXT = "https://w3id.org/japan-xapi/extensions/"
JP_CATEGORY = "https://w3id.org/xapi/jpedudataspec/v/1"
PLATFORM = "Terakoya"
LANGUAGE = "ja-JP"

VERBS: dict[str, tuple[str, str]] = {
    # event name: (verb IRI, English display)
    "assigned": ("http://adlnet.gov/expapi/verbs/shared", "shared"),
    "launched": ("http://adlnet.gov/expapi/verbs/launched", "launched"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "scored": ("http://adlnet.gov/expapi/verbs/scored", "scored"),
    "feedback": ("http://adlnet.gov/expapi/verbs/responded", "responded"),
}
VERB_JA = {
    "assigned": "配布された",
    "launched": "開始した",
    "answered": "解答した",
    "completed": "完了した",
    "scored": "採点された",
    "feedback": "フィードバックを受けた",
}
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/school-assessment"
TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
TYPE_MATERIAL = "http://adlnet.gov/expapi/activities/media"
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"


def account_agent(home_page: str, person_uuid: uuid.UUID | str) -> dict[str, Any]:
    """An Agent identified by account only: the school's URL and the person's UUID."""
    return {
        "objectType": "Agent",
        "account": {"homePage": home_page, "name": str(uuid.UUID(str(person_uuid)))},
    }


def activity_iri(base_url: str, kind: str, key: uuid.UUID | str) -> str:
    return f"{base_url.rstrip('/')}/xapi/activities/{kind}/{key}"


@dataclass(frozen=True)
class LearningContext:
    """Where a learning event happens: school, course and the curriculum it covers."""

    base_url: str  # Terakoya's public URL (activity IRIs)
    home_page: str  # the school's Terakoya URL (account homePage)
    course_uuid: uuid.UUID
    course_title: str
    subject: str  # 学習指導要領コード prefix or subject-name code
    grade: str  # P1–P6, J1–J3 (教育データ標準's 学年)
    codes: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Activity:
    kind: str  # "drill", "test", "material", "question"
    key: uuid.UUID
    title: str
    activity_type: str = TYPE_ASSESSMENT
    interaction_type: str = ""
    codes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _timestamp(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _object(ctx: LearningContext, activity: Activity) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "type": activity.activity_type,
        "name": {"ja-JP": activity.title},
    }
    extensions: dict[str, Any] = {
        EXT + "subject": ctx.subject,
        EXT + "grade": ctx.grade,
    }
    codes = list(activity.codes or ctx.codes)
    if codes:
        extensions[EXT + "course-of-study-code"] = codes
    if ctx.unit:
        extensions[EXT + "unit"] = ctx.unit
    extensions.update(activity.extra)
    definition["extensions"] = extensions
    if activity.interaction_type:
        definition["interactionType"] = activity.interaction_type
    return {
        "objectType": "Activity",
        "id": activity_iri(ctx.base_url, activity.kind, activity.key),
        "definition": definition,
    }


def statement_build(
    *,
    event: str,
    ctx: LearningContext,
    learner_uuid: uuid.UUID,
    activity: Activity,
    at: dt.datetime,
    statement_id: uuid.UUID,
    registration: uuid.UUID | None = None,
    parent: Activity | None = None,
    result: dict[str, Any] | None = None,
    instructor_uuid: uuid.UUID | None = None,
    context_extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build one statement for ``event`` (a key of :data:`VERBS`)."""
    verb_iri, verb_en = VERBS[event]
    extensions: dict[str, Any] = {
        EXT + "subject": ctx.subject,
        EXT + "grade": ctx.grade,
    }
    codes = list(activity.codes or ctx.codes)
    if codes:
        extensions[EXT + "course-of-study-code"] = codes
    extensions.update(context_extensions or {})
    context: dict[str, Any] = {
        "platform": PLATFORM,
        "language": LANGUAGE,
        "contextActivities": {
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": activity_iri(ctx.base_url, "course", ctx.course_uuid),
                    "definition": {"type": TYPE_COURSE, "name": {"ja-JP": ctx.course_title}},
                }
            ],
            "category": [{"objectType": "Activity", "id": JP_CATEGORY}],
        },
        "extensions": extensions,
    }
    if parent is not None:
        context["contextActivities"]["parent"] = [_object(ctx, parent)]
    if registration is not None:
        context["registration"] = str(registration)
    if instructor_uuid is not None:
        context["instructor"] = account_agent(ctx.home_page, instructor_uuid)
    statement: dict[str, Any] = {
        "id": str(statement_id),
        "timestamp": _timestamp(at),
        "version": XAPI_VERSION,
        "actor": account_agent(ctx.home_page, learner_uuid),
        "verb": {"id": verb_iri, "display": {"en": verb_en, "ja-JP": VERB_JA[event]}},
        "object": _object(ctx, activity),
        "context": context,
    }
    if result is not None:
        statement["result"] = result
    return statement


def score_result(
    *,
    raw: float,
    maximum: float,
    success: bool | None = None,
    completion: bool | None = None,
    response: str | None = None,
    duration_seconds: float | None = None,
) -> dict[str, Any]:
    """An xAPI result with a score (scaled = raw / max, clamped to 0–1)."""
    result: dict[str, Any] = {}
    if maximum > 0:
        scaled = max(0.0, min(1.0, raw / maximum))
        result["score"] = {
            "raw": round(raw, 4),
            "min": 0,
            "max": round(maximum, 4),
            "scaled": round(scaled, 4),
        }
    if success is not None:
        result["success"] = success
    if completion is not None:
        result["completion"] = completion
    if response is not None:
        result["response"] = response
    if duration_seconds is not None:
        result["duration"] = f"PT{max(0.0, duration_seconds):.2f}S"
    return result


def response_text(qtype: str, answer: Any) -> str | None:
    """The xAPI ``result.response`` for an answer (xAPI Data 2.4.4.1.1 response patterns).

    Essay text is never copied into the LRS: it is the learner's own writing and may name
    other people; the statement says only that an answer was given.
    """
    if answer is None or qtype == "essay":
        return None
    if qtype == "truefalse":
        return "true" if answer else "false"
    if qtype == "multiple" and isinstance(answer, list):
        return "[,]".join(str(a) for a in answer)
    if qtype == "ordering" and isinstance(answer, list):
        return "[,]".join(str(a) for a in answer)
    if qtype == "matching" and isinstance(answer, dict):
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(answer.items()))
    if qtype == "cloze" and isinstance(answer, list):
        return "[,]".join(str(a) for a in answer)
    return str(answer)[:500]
