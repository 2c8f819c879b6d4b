"""Reads of the insights app: the parameters in use per code, estimates, the budget ledger."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from terakoya.assessment.models import Response as AssessmentResponse
from terakoya.core.errors import UserError
from terakoya.insights.bkt import PARAMETER_NAMES, Params
from terakoya.insights.cracks import Alert, LearnerSignals, Thresholds, alerts_for_class
from terakoya.insights.mastery import Attempt, MasteryEstimate, mastery_estimate, quantile
from terakoya.insights.models import PrivacyBudget, PrivacyRelease, SkillFit
from terakoya.insights.services import budget_spent
from terakoya.insights.suppression import ShownSchool, Table, suppress_school
from terakoya.privacy.audit import audit_record_many
from terakoya.privacy.gate import Actor, Relation, scope_class_learners, teaching_classes
from terakoya.privacy.models import ConsentAction, ConsentEvent
from terakoya.privacy.purposes import PURPOSES, Purpose
from terakoya.roster.models import Board, ClassType, Person, School, SchoolClass
from terakoya.roster.selectors import school_classes, school_homerooms


def skill_fit_latest(*, codes: Iterable[str], board: Board | None = None) -> dict[str, SkillFit]:
    """Return the newest fit per code for ``board`` (or the installation-wide fit)."""
    wanted = set(codes)
    latest: dict[str, SkillFit] = {}
    for fit in SkillFit.objects.filter(board=board, code__in=wanted).order_by(
        "code", "-fitted_at", "-id"
    ):
        latest.setdefault(fit.code, fit)
    return latest


def skill_fit_params(fit: SkillFit) -> Params:
    return Params(fit.p_init, fit.p_transit, fit.p_slip, fit.p_guess)


def skill_fit_replicates(fit: SkillFit) -> list[Params]:
    return [Params(*map(float, row)) for row in fit.replicates]


def mastery_for_attempts(
    *, fit: SkillFit, attempts: Sequence[Attempt], level: float = 0.9
) -> MasteryEstimate:
    """One learner's P(mastered) for the fit's code, with its trace and interval."""
    return mastery_estimate(
        skill_fit_params(fit), attempts, replicates=skill_fit_replicates(fit), level=level
    )


@dataclass(frozen=True)
class LedgerView:
    budget: PrivacyBudget
    spent: float
    remaining: float
    releases: list[PrivacyRelease]


def privacy_ledger_for_board(*, board: Board) -> list[LedgerView]:
    """Every budget period of a board with what was spent on which release, oldest first."""
    views = []
    for budget in PrivacyBudget.objects.filter(board=board).order_by("period_start"):
        spent = budget_spent(budget)
        views.append(
            LedgerView(
                budget=budget,
                spent=spent,
                remaining=max(budget.epsilon_total - spent, 0.0),
                releases=list(budget.releases.order_by("released_at", "id")),
            )
        )
    return views


# --- A teacher's class dashboard -------------------------------------------------------------
#
# The selectors below take the class from the gate (access_class_by_uuid) and read the roster
# through scope_class_learners (audited); everything else comes in as plain data, so the
# assessment, gradebook and attendance apps can feed them. Learners always come back in
# roster order (出席番号): nothing here orders people by a score (docs/decisions/0204).

#: P(mastered) from which BKT calls a skill mastered (the customary 0.95).
MASTERED_AT = 0.95


class MasteryBand(StrEnum):
    NOT_STARTED = "not_started"  # no attempts: the estimate is only the prior
    LEARNING = "learning"
    MASTERED = "mastered"


@dataclass(frozen=True)
class RosterEntry:
    uuid: str
    name: str
    shusseki_no: int | None


@dataclass(frozen=True)
class LearnerMastery:
    learner: RosterEntry
    estimate: MasteryEstimate | None  # None when the code has no fitted parameters
    band: MasteryBand | None


@dataclass(frozen=True)
class CodeMastery:
    """One code for one class: parameters in use, each learner's estimate, band counts."""

    code: str
    fit: SkillFit | None
    learners: list[LearnerMastery]
    counts: dict[MasteryBand, int]


def class_roster(*, actor: Actor, school_class: SchoolClass) -> list[RosterEntry]:
    """The class's current learners in 出席番号 order (the roster read is audited)."""
    return [
        RosterEntry(uuid=str(person.uuid), name=person.full_name, shusseki_no=enrolment.shusseki_no)
        for enrolment, person in scope_class_learners(
            actor, school_class, purpose=Purpose.INSTRUCTION
        )
    ]


def _band(estimate: MasteryEstimate) -> MasteryBand:
    if estimate.rests_on_prior_only:
        return MasteryBand.NOT_STARTED
    return MasteryBand.MASTERED if estimate.p_mastered >= MASTERED_AT else MasteryBand.LEARNING


def class_mastery(
    *,
    actor: Actor,
    school_class: SchoolClass,
    codes: Sequence[str],
    attempts: Mapping[tuple[str, str], Sequence[Attempt]],
    board: Board | None = None,
) -> list[CodeMastery]:
    """Mastery per course-of-study code for a class, every learner with evidence.

    ``attempts`` maps (learner UUID, code) to that learner's attempts in time order. Codes keep
    the caller's order; learners keep the roster order.
    """
    roster = class_roster(actor=actor, school_class=school_class)
    return _mastery_table(roster, codes, attempts, board)


def _mastery_table(
    roster: list[RosterEntry],
    codes: Sequence[str],
    attempts: Mapping[tuple[str, str], Sequence[Attempt]],
    board: Board | None,
) -> list[CodeMastery]:
    fits = skill_fit_latest(codes=codes, board=board)
    if board is not None:
        # A code never fitted for the board falls back to an installation-wide fit.
        missing = [c for c in codes if c not in fits]
        fits.update(skill_fit_latest(codes=missing, board=None) if missing else {})
    out = []
    for code in codes:
        fit = fits.get(code)
        rows = []
        counts = dict.fromkeys(MasteryBand, 0)
        for entry in roster:
            if fit is None:
                rows.append(LearnerMastery(learner=entry, estimate=None, band=None))
                continue
            estimate = mastery_for_attempts(fit=fit, attempts=attempts.get((entry.uuid, code), ()))
            band = _band(estimate)
            counts[band] += 1
            rows.append(LearnerMastery(learner=entry, estimate=estimate, band=band))
        out.append(CodeMastery(code=code, fit=fit, learners=rows, counts=counts))
    return out


def class_mastery_from_assessment(*, actor: Actor, school_class: SchoolClass) -> list[CodeMastery]:
    """Mastery per code for a class from its learners' marked answers (assessment app).

    Codes are those the class's learners answered, in code order; each learner's answers are
    the evidence (attempt id = the answer's UUID). Reading the answers is audited per learner
    (``insights.mastery.read``).
    """
    roster = class_roster(actor=actor, school_class=school_class)
    uuids = [entry.uuid for entry in roster]
    attempts: dict[tuple[str, str], list[Attempt]] = {}
    rows = (
        AssessmentResponse.objects.filter(
            attempt__learner__uuid__in=uuids, fraction__isnull=False, answered_at__isnull=False
        )
        .order_by("answered_at", "id")
        .values_list("uuid", "attempt__learner__uuid", "question__codes", "fraction")
    )
    for answer_uuid, learner_uuid, codes, fraction in rows:
        for code in codes or ():
            attempts.setdefault((str(learner_uuid), str(code)), []).append(
                Attempt(id=str(answer_uuid), correct=(fraction or 0.0) >= 1 - 1e-9)
            )
    if teaching_classes(actor).filter(pk=school_class.pk).exists():
        relation = (
            Relation.HOMEROOM_TEACHER
            if school_class.class_type == ClassType.HOMEROOM
            else Relation.SUBJECT_TEACHER
        )
    else:
        relation = Relation.SCHOOL_ADMIN
    audit_record_many(
        [
            {
                "actor": actor.audit_actor(relation),
                "action": "insights.mastery.read",
                "purpose": Purpose.INSTRUCTION,
                "school_uuid": school_class.school.uuid,
                "target_type": "roster.schoolclass",
                "target_uuid": school_class.uuid,
                "subject_uuid": uuid_module.UUID(entry.uuid),
            }
            for entry in roster
        ]
    )
    codes = sorted({code for _, code in attempts})
    return _mastery_table(roster, codes, attempts, school_class.school.board)


@dataclass(frozen=True)
class ClassAlerts:
    learner: RosterEntry
    alerts: tuple[Alert, ...]


def class_alerts(
    *,
    actor: Actor,
    school_class: SchoolClass,
    signals: Mapping[str, LearnerSignals],
    today: dt.date,
    thresholds: Thresholds | None = None,
) -> list[ClassAlerts]:
    """The class's "falling through the cracks" list: learners with alerts, in roster order."""
    roster = class_roster(actor=actor, school_class=school_class)
    by_uuid = {entry.uuid: entry for entry in roster}
    found = alerts_for_class(
        [entry.uuid for entry in roster], signals, today=today, thresholds=thresholds
    )
    return [ClassAlerts(learner=by_uuid[item.learner], alerts=item.alerts) for item in found]


# --- Parameters a teacher can inspect ---------------------------------------------------------


@dataclass(frozen=True)
class ParameterView:
    name: str  # one of bkt.PARAMETER_NAMES
    value: float
    low: float | None  # 90 % bootstrap interval, None without replicates
    high: float | None


@dataclass(frozen=True)
class SkillFitRow:
    code: str
    board_name: str  # "" for an installation-wide fit
    parameters: tuple[ParameterView, ...]
    fitted_at: dt.datetime
    n_responses: int
    n_learners: int
    log_likelihood: float
    log_likelihood_per_response: float
    iterations: int
    converged: bool
    replicates: int


def _interval(values: list[float], level: float = 0.9) -> tuple[float, float]:
    ordered = sorted(values)
    tail = (1.0 - level) / 2.0
    return quantile(ordered, tail), quantile(ordered, 1.0 - tail)


def skill_fit_rows(*, board_ids: Iterable[int]) -> list[SkillFitRow]:
    """The fits in use (newest per board and code) for the installation and ``board_ids``.

    Ordered by code, then board: the parameters describe skills, not people.
    """
    latest: dict[tuple[int | None, str], SkillFit] = {}
    fits = (
        SkillFit.objects.filter(Q(board__isnull=True) | Q(board_id__in=list(board_ids)))
        .select_related("board")
        .order_by("code", "board_id", "-fitted_at", "-id")
    )
    for fit in fits:
        latest.setdefault((fit.board_id, fit.code), fit)
    rows = []
    for fit in latest.values():
        values = (fit.p_init, fit.p_transit, fit.p_slip, fit.p_guess)
        params = []
        for i, name in enumerate(PARAMETER_NAMES):
            reps = [float(r[i]) for r in fit.replicates]
            low, high = _interval(reps) if reps else (None, None)
            params.append(ParameterView(name=name, value=values[i], low=low, high=high))
        rows.append(
            SkillFitRow(
                code=fit.code,
                board_name=fit.board.name if fit.board is not None else "",
                parameters=tuple(params),
                fitted_at=fit.fitted_at,
                n_responses=fit.n_responses,
                n_learners=fit.n_learners,
                log_likelihood=fit.log_likelihood,
                log_likelihood_per_response=fit.log_likelihood / max(fit.n_responses, 1),
                iterations=fit.iterations,
                converged=fit.converged,
                replicates=len(fit.replicates),
            )
        )
    return rows


def privacy_ledgers_for_boards(*, board_ids: Iterable[int]) -> list[tuple[Board, list[LedgerView]]]:
    """Each board's ledger (see :func:`privacy_ledger_for_board`), boards by name."""
    return [
        (board, privacy_ledger_for_board(board=board))
        for board in Board.objects.filter(pk__in=list(board_ids)).order_by("name")
    ]


# --- School dashboard: aggregates per grade and class, suppressed ----------------------------

#: The column for learners the caller gave no category (no record yet).
NO_RECORD = "記録なし"


def _homeroom_learners(actor: Actor, school: School) -> list[tuple[SchoolClass, list[Person]]]:
    """Each current homeroom of the school with its learners, read through the gate."""
    return [
        (
            school_class,
            [
                person
                for _enrolment, person in scope_class_learners(
                    actor, school_class, purpose=Purpose.AGGREGATE_STATISTICS
                )
            ],
        )
        for school_class in school_homerooms(school=school)
    ]


def _suppressed_school(
    school: School,
    columns: Sequence[str],
    classes: list[tuple[SchoolClass, list[Person]]],
    category_of: Callable[[Person], str],
) -> ShownSchool:
    index = {name: i for i, name in enumerate(columns)}
    by_grade: dict[str, list[tuple[str, list[int]]]] = {}
    for school_class, learners in classes:
        counts = [0] * len(columns)
        for person in learners:
            counts[index[category_of(person)]] += 1
        grade = school_class.grades[0] if school_class.grades else "-"
        by_grade.setdefault(grade, []).append((school_class.name, counts))
    if not by_grade:
        raise UserError(
            "この学校には今年度の学級がありません。",
            "This school has no homerooms this year.",
            code="no_classes",
        )
    tables = {
        grade: Table(
            name=f"grade:{grade}",
            rows=tuple(name for name, _ in rows),
            columns=tuple(columns),
            cells=tuple(tuple(counts) for _, counts in rows),
        )
        for grade, rows in by_grade.items()
    }
    return suppress_school(f"school:{school.uuid}", tables)


def school_aggregate(
    *,
    actor: Actor,
    school: School,
    categories: Sequence[str],
    category_of: Mapping[str, str],
) -> ShownSchool:
    """Counts of learners by grade × homeroom × category, with small-cell suppression.

    ``school`` comes from the gate (an administrator's school); each homeroom's learners are
    read through ``scope_class_learners`` (audited). ``category_of`` maps a learner's UUID to
    one of ``categories`` (plain data, e.g. handed in / not yet from the assessment app);
    learners without one are counted under 「記録なし」. The result is the grade → class
    hierarchy suppressed together, so no per-class figure under 10 shows and none can be
    recovered from the grade or school totals.
    """
    columns = (*categories, NO_RECORD)
    known = set(categories)

    def category(person: Person) -> str:
        value = category_of.get(str(person.uuid), NO_RECORD)
        return value if value in known else NO_RECORD

    return _suppressed_school(school, columns, _homeroom_learners(actor, school), category)


#: Consent states counted by the school dashboard (codes; the page shows them translated).
CONSENT_COLUMNS = ("granted", "withdrawn", "no_answer")


def school_consent_aggregate(*, actor: Actor, school: School, purpose: Purpose) -> ShownSchool:
    """How many learners per class have consent for an optional ``purpose``, suppressed.

    The latest purpose-wide event per learner decides: a grant, a withdrawal, or no answer.
    """
    if not PURPOSES[purpose].needs_consent:
        raise UserError(
            "この目的には同意は不要です。",
            "This purpose does not need consent.",
            location="purpose",
        )
    classes = _homeroom_learners(actor, school)
    ids = [person.pk for _, learners in classes for person in learners]
    latest: dict[int, str] = {}
    for learner_id, action in (
        ConsentEvent.objects.filter(learner_id__in=ids, purpose=purpose, recipient="")
        .order_by("at", "id")
        .values_list("learner_id", "action")
    ):
        latest[learner_id] = action

    def category(person: Person) -> str:
        action = latest.get(person.pk)
        if action == ConsentAction.GRANT:
            return "granted"
        return "withdrawn" if action == ConsentAction.WITHDRAW else "no_answer"

    return _suppressed_school(school, CONSENT_COLUMNS, classes, category)


def classes_for_mastery(*, actor: Actor) -> list[SchoolClass]:
    """Classes the actor teaches, then (for administrators) the other classes of their school."""
    taught = list(teaching_classes(actor).select_related("school").order_by("name"))
    admin_schools = actor.school_ids("school_admin", "principal")
    others = (
        list(school_classes(school_ids=admin_schools).exclude(pk__in=[c.pk for c in taught]))
        if admin_schools
        else []
    )
    return taught + others
