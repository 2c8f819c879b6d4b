"""Reads behind the dashboards: the joins of assessment, courses and attendance per class.

Callers get the class and its learners from :mod:`terakoya.insights.dashboards.access` first;
these functions assume the reader is authorised. Everything is aggregated in SQL or read for a
bounded window (the last four weeks for the "falling through the cracks" rules, the codes
practised in that window for mastery), so the class dashboard never loads a school year of rows
into Python (docs/decisions/0222-class-dashboard-data.md).

Learners always come back in 出席番号 order; no function here sorts people by a figure
(docs/decisions/0204-class-dashboard-inputs-and-no-ranking.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast

from terakoya.assessment.models import Attempt, AttemptState, Drill, DrillItem, Question, Response
from terakoya.attendance.codes import Status
from terakoya.attendance.models import AttendanceEntry
from terakoya.attendance.selectors import EXCUSED, school_days
from terakoya.core import clock
from terakoya.courses.models import Assignment, Unit
from terakoya.insights import selectors as insights
from terakoya.insights.cracks import Alert, LearnerSignals, SchoolDay, Work, alerts_for_class
from terakoya.insights.mastery import Attempt as MasteryAttempt
from terakoya.insights.mastery import MasteryEstimate, mastery_estimate
from terakoya.insights.models import SkillFit
from terakoya.insights.models_suggestions import MasteryState, Suggestion, SuggestionStatus
from terakoya.privacy.gate import Actor
from terakoya.roster.models import Enrolment, LearnerGroup, Person, School, SchoolClass
from terakoya.roster.selectors import school_homerooms

#: The "falling through the cracks" rules look at this many days back from today.
WINDOW_DAYS = 28
#: The class overview shows mastery for at most this many codes practised in the window.
RECENT_CODES = 8
#: A code is proposed for more practice when P(mastered) is under this, with enough attempts.
SUGGEST_BELOW = 0.6
SUGGEST_MIN_ATTEMPTS = 3
#: A response counts as right when its fraction is full marks (as the drill's rules count it).
RIGHT = 1 - 1e-6

FINISHED = (AttemptState.COMPLETED, AttemptState.NEEDS_MARKING)


@dataclass(frozen=True)
class LearnerRef:
    pk: int
    uuid: str
    name: str
    number: int | None  # 出席番号

    @property
    def label(self) -> str:
        return f"{self.number if self.number is not None else '-'} {self.name}"


def learner_refs(learners: Iterable[tuple[int | None, Person]]) -> list[LearnerRef]:
    return [
        LearnerRef(pk=p.pk, uuid=str(p.uuid), name=p.full_name, number=number)
        for number, p in learners
    ]


@dataclass(frozen=True)
class Grid:
    """A table as shown: header and rows of strings. The page and the CSV render the same."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    links: tuple[str, ...] = ()  # per row, the learner's UUID (for the page's links)

    def linked(self) -> list[tuple[tuple[str, ...], str]]:
        """Each row with its link key ("" when the grid has none)."""
        links: tuple[str, ...] = self.links[: len(self.rows)]
        links += ("",) * (len(self.rows) - len(links))
        return list(zip(self.rows, links, strict=True))


# --------------------------------------------------------------------------- assignments


@dataclass(frozen=True)
class DrillAssignment:
    uuid: str
    title: str
    drill_id: int
    due: dt.datetime | None
    target_class_id: int | None
    target_group_id: int | None
    target_learner_id: int | None


def class_drill_assignments(*, school_class: SchoolClass) -> list[DrillAssignment]:
    """Drill and test assignments of the class's courses, oldest due first."""
    rows = (
        Assignment.objects.filter(course__school_class=school_class, drill__isnull=False)
        .order_by(F("due_at").asc(nulls_last=True), "open_at", "id")
        .values_list(
            "uuid",
            "title",
            "drill_id",
            "due_at",
            "target_class_id",
            "target_group_id",
            "target_learner_id",
        )
    )
    return [
        DrillAssignment(str(u), t, int(d), due, c, g, le)
        for u, t, d, due, c, g, le in rows
        if d is not None
    ]


def _group_members(assignments: Sequence[DrillAssignment]) -> dict[int, set[int]]:
    groups = {a.target_group_id for a in assignments if a.target_group_id is not None}
    members: dict[int, set[int]] = defaultdict(set)
    if groups:
        for group_id, person_id in LearnerGroup.members.through.objects.filter(
            learnergroup_id__in=groups
        ).values_list("learnergroup_id", "person_id"):
            members[group_id].add(person_id)
    return members


def _assigned_to(
    assignment: DrillAssignment, learner_pk: int, members: Mapping[int, set[int]]
) -> bool:
    if assignment.target_class_id is not None:
        return True
    if assignment.target_group_id is not None:
        return learner_pk in members.get(assignment.target_group_id, set())
    return assignment.target_learner_id == learner_pk


def _handed_in(*, drill_ids: Iterable[int], learner_pks: Iterable[int]) -> set[tuple[int, int]]:
    """(learner pk, drill id) pairs with at least one finished attempt."""
    return set(
        Attempt.objects.filter(
            drill_id__in=list(drill_ids), learner_id__in=list(learner_pks), state__in=FINISHED
        )
        .values_list("learner_id", "drill_id")
        .distinct()
    )


def _attempt_figures(
    *,
    school_class: SchoolClass,
    handed_ids: set[int],
    marked_ids: set[int],
    learner_pks: Sequence[int],
) -> tuple[dict[int, int], dict[int, float]]:
    """Per learner, in one grouped scan of the class's attempts: how many of ``handed_ids``
    they handed in, and their mean share of the maximum over marked attempts at
    ``marked_ids``."""
    handed_q = Q(drill_id__in=list(handed_ids), state__in=FINISHED)
    marked_q = Q(
        drill_id__in=list(marked_ids),
        state=AttemptState.COMPLETED,
        max_score__gt=0,
        score__isnull=False,
    )
    handed: dict[int, int] = {}
    means: dict[int, float] = {}
    for pk, n, mean in (
        Attempt.objects.filter(drill__course__school_class=school_class, learner_id__in=learner_pks)
        .values("learner_id")
        .annotate(
            n=Count("drill_id", distinct=True, filter=handed_q),
            mean=Avg(Cast("score", FloatField()) / F("max_score"), filter=marked_q),
        )
        .values_list("learner_id", "n", "mean")
    ):
        handed[pk] = int(n)
        if mean is not None:
            means[pk] = float(mean)
    return handed, means


@dataclass(frozen=True)
class ClassWork:
    """The class's drill assignments at ``now`` and, per learner pk, how many class-wide ones
    past due they handed in and their mean share of the maximum over marked attempts."""

    now: dt.datetime
    assignments: tuple[DrillAssignment, ...]
    handed: Mapping[int, int]
    means: Mapping[int, float]


def work_ids(assignments: Sequence[DrillAssignment], now: dt.datetime) -> tuple[set[int], set[int]]:
    """(class-wide drills past due, every drill assigned): what the year figures count."""
    handed = {
        a.drill_id
        for a in assignments
        if a.target_class_id is not None and a.due is not None and a.due <= now
    }
    return handed, {a.drill_id for a in assignments}


def work_digest(assignments: Sequence[DrillAssignment], now: dt.datetime) -> str:
    """Changes when the drills the year figures count change (new work, a due date passing)."""
    handed, marked = work_ids(assignments, now)
    text = ",".join(map(str, sorted(handed))) + "|" + ",".join(map(str, sorted(marked)))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def class_work(
    *,
    school_class: SchoolClass,
    learner_pks: Sequence[int],
    now: dt.datetime,
    assignments: Sequence[DrillAssignment] | None = None,
) -> ClassWork:
    """The year figures computed from the attempts (one grouped scan of the class's)."""
    if assignments is None:
        assignments = class_drill_assignments(school_class=school_class)
    handed_ids, marked_ids = work_ids(assignments, now)
    handed, means = _attempt_figures(
        school_class=school_class,
        handed_ids=handed_ids,
        marked_ids=marked_ids,
        learner_pks=learner_pks,
    )
    return ClassWork(now=now, assignments=tuple(assignments), handed=handed, means=means)


@dataclass(frozen=True)
class LatestMark:
    attempt_uuid: str
    score: float | None
    max_score: float
    state: str
    finished_at: dt.datetime | None
    comment: str
    feedback_at: dt.datetime | None


def _latest_marks(
    *, drill_ids: Iterable[int], learner_pks: Iterable[int]
) -> dict[tuple[int, int], tuple[float | None, float, str]]:
    """(score, max, state) of the latest finished attempt per (learner, drill): the overview's
    lighter read of :func:`_latest_attempts` (no UUIDs, datetimes or comments to convert)."""
    latest: dict[tuple[int, int], tuple[float | None, float, str]] = {}
    for pk, drill_id, score, max_score, state in (
        Attempt.objects.filter(
            drill_id__in=list(drill_ids), learner_id__in=list(learner_pks), state__in=FINISHED
        )
        .order_by("number")
        .values_list("learner_id", "drill_id", "score", "max_score", "state")
    ):
        latest[(pk, drill_id)] = (score, max_score, state)
    return latest


def _latest_attempts(
    *, drill_ids: Iterable[int], learner_pks: Iterable[int]
) -> dict[tuple[int, int], LatestMark]:
    """The latest finished attempt per (learner, drill): for a bounded set of drills."""
    latest: dict[tuple[int, int], LatestMark] = {}
    for pk, drill_id, uuid, score, max_score, state, finished, comment, fb in (
        Attempt.objects.filter(
            drill_id__in=list(drill_ids), learner_id__in=list(learner_pks), state__in=FINISHED
        )
        .order_by("number")
        .values_list(
            "learner_id",
            "drill_id",
            "uuid",
            "score",
            "max_score",
            "state",
            "finished_at",
            "teacher_comment",
            "feedback_at",
        )
    ):
        latest[(pk, drill_id)] = LatestMark(
            str(uuid), score, max_score, state, finished, comment, fb
        )
    return latest


# --------------------------------------------------------------------------- mastery inputs


def class_codes(*, school_class: SchoolClass) -> list[str]:
    """Course-of-study codes of the class's units, in unit order (the curriculum's order)."""
    codes: list[str] = []
    for unit_codes in Unit.objects.filter(course__school_class=school_class).values_list(
        "codes", flat=True
    ):
        codes.extend(c for c in unit_codes or [] if c not in codes)
    return codes


def code_titles(*, school_classes: Iterable[SchoolClass]) -> dict[str, str]:
    """Code → the title of the first unit carrying it (a name a learner recognises)."""
    titles: dict[str, str] = {}
    for title, codes in (
        Unit.objects.filter(course__school_class__in=list(school_classes))
        .order_by("position", "id")
        .values_list("title", "codes")
    ):
        for code in codes or []:
            titles.setdefault(code, title)
    return titles


def _question_codes(question_ids: Iterable[int]) -> dict[int, list[str]]:
    return {
        qid: list(codes or [])
        for qid, codes in Question.objects.filter(pk__in=list(question_ids)).values_list(
            "id", "codes"
        )
    }


def window_since(day: dt.date) -> dt.datetime:
    """The start of the cracks window (and of "recent" codes) as an instant."""
    return dt.datetime.combine(day - dt.timedelta(days=WINDOW_DAYS), dt.time.min, tzinfo=dt.UTC)


def recent_codes(
    *, school_class: SchoolClass, since: dt.datetime, limit: int = RECENT_CODES
) -> list[str]:
    """Codes of the drills the class was given since ``since`` (their pool codes and their
    questions' codes): unit order first, at most ``limit`` (a learner's page shows every
    code). Read from the assignments, never by scanning answers."""
    drills = list(
        Assignment.objects.filter(
            course__school_class=school_class, drill__isnull=False, due_at__gte=since
        ).values_list("drill_id", flat=True)
    )
    practised: set[str] = set()
    for codes in Drill.objects.filter(pk__in=drills).values_list("pool_codes", flat=True):
        practised.update(codes or [])
    for codes in DrillItem.objects.filter(drill_id__in=drills).values_list(
        "question__codes", flat=True
    ):
        practised.update(codes or [])
    ordered = [c for c in class_codes(school_class=school_class) if c in practised]
    ordered += sorted(practised - set(ordered))
    return ordered[-limit:] if len(ordered) > limit else ordered


@dataclass(frozen=True)
class Evidence:
    """What one response tells the model, for showing the attempts an estimate rests on."""

    response_uuid: str
    answered_at: dt.datetime | None
    question: str
    correct: bool


def mastery_attempts(
    *,
    school_class: SchoolClass,
    learners: Sequence[LearnerRef],
    codes: Sequence[str],
    light: bool = False,
) -> tuple[dict[tuple[str, str], list[MasteryAttempt]], dict[str, Evidence]]:
    """Per (learner UUID, code) the marked responses in time order, as the mastery model's
    attempts; and each response's evidence by its UUID (for the learner's page)."""
    wanted = set(codes)
    school_id = school_class.school_id
    qcodes = {
        qid: [c for c in qc if c in wanted]
        for qid, qc in Question.objects.filter(school_id=school_id)
        .values_list("id", "codes")
        .iterator()
        if any(c in wanted for c in qc or [])
    }
    by_pk = {ref.pk: ref.uuid for ref in learners}
    out: dict[tuple[str, str], list[MasteryAttempt]] = defaultdict(list)
    evidence: dict[str, Evidence] = {}
    if not qcodes or not by_pk:
        return out, evidence
    query = Response.objects.filter(
        attempt__drill__course__school_class=school_class,
        attempt__learner_id__in=list(by_pk),
        question_id__in=list(qcodes),
        fraction__isnull=False,
    ).order_by("answered_at", "id")
    if light:
        # The overview needs only the outcomes in order: no UUID or datetime conversions.
        for pk, qid, fraction, rpk in query.values_list(
            "attempt__learner_id", "question_id", "fraction", "id"
        ).iterator(chunk_size=5000):
            right = fraction is not None and fraction >= RIGHT
            attempt = MasteryAttempt(id=str(rpk), correct=right, item="")
            for code in qcodes[qid]:
                out[(by_pk[pk], code)].append(attempt)
        return out, evidence
    rows = query.values_list(
        "attempt__learner_id", "question_id", "fraction", "uuid", "answered_at"
    )
    for pk, qid, fraction, uuid, answered in rows:
        correct = fraction is not None and fraction >= RIGHT
        rid = str(uuid)
        for code in qcodes[qid]:
            out[(by_pk[pk], code)].append(MasteryAttempt(id=rid, correct=correct, item=str(qid)))
        evidence[rid] = Evidence(rid, answered, str(qid), correct)
    return out, evidence


# --------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceFigures:
    school_days: int
    excused: int
    absent: int
    late: int
    early_leave: int

    @property
    def required(self) -> int:
        return self.school_days - self.excused

    @property
    def present(self) -> int:
        return self.required - self.absent


def attendance_figures(
    *, school: School, learner_pks: Sequence[int], start: dt.date, end: dt.date
) -> tuple[dict[int, AttendanceFigures], dict[int, list[SchoolDay]], list[dt.date]]:
    """Per learner: the year's figures (as the 出席簿 counts them, day entries only) and the
    school days of the last WINDOW_DAYS as the cracks rules read them; and the school days.

    One calendar query and one query for the entries (the register stores exceptions only:
    no row on a school day means present).
    """
    days = school_days(school=school, start=start, end=end)
    day_set = set(days)
    status: dict[int, dict[dt.date, str]] = defaultdict(dict)
    for pk, date, value in AttendanceEntry.objects.filter(
        learner_id__in=list(learner_pks), period=0, date__gte=start, date__lte=end
    ).values_list("learner_id", "date", "status"):
        if date in day_set:
            status[pk][date] = value
    window_start = end - dt.timedelta(days=WINDOW_DAYS)
    recent = [d for d in days if d >= window_start]
    figures: dict[int, AttendanceFigures] = {}
    signals: dict[int, list[SchoolDay]] = {}
    for pk in learner_pks:
        own = status.get(pk, {})
        values = list(own.values())
        figures[pk] = AttendanceFigures(
            school_days=len(days),
            excused=sum(1 for s in values if s in EXCUSED),
            absent=sum(1 for s in values if s == Status.ABSENT),
            late=sum(1 for s in values if s == Status.LATE),
            early_leave=sum(1 for s in values if s == Status.EARLY_LEAVE),
        )
        signals[pk] = [
            SchoolDay(
                day=d,
                absent=own.get(d) == Status.ABSENT,
                excused=own.get(d) in EXCUSED,
            )
            for d in recent
        ]
    return figures, signals, days


# --------------------------------------------------------------------------- the class dashboard


@dataclass(frozen=True)
class LearnerRow:
    learner: LearnerRef
    due: int  # drill assignments assigned and past due (or due today)
    handed_in: int  # of those, handed in
    mean_mark: float | None  # share of the maximum over marked attempts, 0..1
    mastery: tuple[insights.LearnerMastery | None, ...]  # per code of the dashboard
    attendance: AttendanceFigures | None  # None when the reader may not see attendance
    open_alerts: int
    cracks: tuple[Alert, ...]


@dataclass(frozen=True)
class Candidate:
    """A "next practice" candidate for the teacher, with its reason and evidence."""

    learner: LearnerRef
    code: str
    estimate: MasteryEstimate
    reason_ja: str
    reason_en: str

    def evidence(self) -> dict[str, object]:
        return {
            "p_mastered": round(self.estimate.p_mastered, 3),
            "low": round(self.estimate.low, 3),
            "high": round(self.estimate.high, 3),
            "n_attempts": self.estimate.n_attempts,
            "attempt_ids": [s.attempt_id for s in self.estimate.trace],
            "threshold": SUGGEST_BELOW,
        }


@dataclass(frozen=True)
class ClassDashboard:
    school_class: SchoolClass
    today: dt.date
    codes: tuple[str, ...]
    code_mastery: tuple[insights.CodeMastery, ...]
    rows: tuple[LearnerRow, ...]
    sees_attendance: bool
    work_titles: Mapping[str, str] = field(default_factory=dict)  # assignment uuid → title
    candidates: tuple[Candidate, ...] = ()


def fits_for(*, school_class: SchoolClass, codes: Sequence[str]) -> dict[str, SkillFit]:
    """The board's own fits for ``codes``, falling back to the installation-wide ones."""
    fits = insights.skill_fit_latest(codes=codes, board=school_class.school.board)
    missing = [c for c in codes if c not in fits]
    if missing:
        fits.update(insights.skill_fit_latest(codes=missing))
    return fits


def learner_fingerprints(
    *, school_class: SchoolClass, learners: Sequence[LearnerRef]
) -> dict[int, str]:
    """Per learner pk, a string that changes whenever their marked answers change: their
    attempts' count and latest change (finishing, marking, re-marking and feedback all save
    the attempt), plus the marked answers of attempts still in progress (saved answer by
    answer). All the learner's attempts, not only this class's: work elsewhere only makes a
    state look stale (a recomputation), never fresh. Reads the attempts' (learner, state,
    updated_at) index only, never a year of attempt rows or any answers."""
    del school_class  # the fingerprint is the learner's, whatever the class
    pks = [r.pk for r in learners]
    attempts: dict[int, tuple[int, dt.datetime | None]] = {}
    open_ids: list[int] = []
    for pk, n, last, running in (
        Attempt.objects.filter(learner_id__in=pks)
        .values("learner_id")
        .annotate(
            n=Count("id"),
            last=Max("updated_at"),
            running=Count("id", filter=Q(state=AttemptState.IN_PROGRESS)),
        )
        .values_list("learner_id", "n", "last", "running")
        .order_by()
    ):
        attempts[pk] = (n, last)
        if running:
            open_ids.append(pk)
    open_answers: dict[int, tuple[int, int, float]] = {}
    if open_ids:
        open_answers = {
            pk: (n, last, total)
            for pk, n, last, total in Response.objects.filter(
                attempt_id__in=list(
                    Attempt.objects.filter(
                        learner_id__in=open_ids, state=AttemptState.IN_PROGRESS
                    ).values_list("id", flat=True)
                ),
                fraction__isnull=False,
            )
            .values("attempt__learner_id")
            .annotate(n=Count("id"), last=Max("id"), total=Sum("fraction"))
            .values_list("attempt__learner_id", "n", "last", "total")
        }
    out = {}
    for pk in pks:
        n, last = attempts.get(pk, (0, None))
        m, last_answer, total = open_answers.get(pk, (0, 0, 0.0))
        stamp = last.isoformat() if last is not None else "-"
        out[pk] = f"{n}:{stamp}:{m}:{last_answer}:{(total or 0.0):.4f}"
    return out


@dataclass(frozen=True)
class StoredMastery:
    p_mastered: float
    n_attempts: int
    n_right: int
    fingerprint: str
    fit_id: int


def stored_mastery(
    *, school_class: SchoolClass, learners: Sequence[LearnerRef], codes: Sequence[str]
) -> dict[tuple[int, str], StoredMastery]:
    return {
        (pk, code): StoredMastery(p, n, r, fp, fit)
        for pk, code, p, n, r, fp, fit in MasteryState.objects.filter(
            school_class=school_class,
            learner_id__in=[ref.pk for ref in learners],
            code__in=list(codes),
        ).values_list(
            "learner_id", "code", "p_mastered", "n_attempts", "n_right", "fingerprint", "fit_id"
        )
    }


def state_fingerprint(answers: str, fit: SkillFit) -> str:
    return f"{answers}:fit{fit.pk}"


def class_mastery_points(
    *,
    school_class: SchoolClass,
    learners: Sequence[LearnerRef],
    codes: Sequence[str],
) -> tuple[list[insights.CodeMastery], dict[tuple[str, str], int]]:
    """:func:`terakoya.insights.selectors.class_mastery` for the overview, from the stored
    per-learner estimates (kept fresh by ``services.mastery_states_refresh``): the same
    estimate (Corbett and Anderson's P(L_n)), the same bands, roster order; without the
    bootstrap interval (the learner's page shows it, with every answer) and without a second
    audited roster read (docs/decisions/0222-class-dashboard-data.md). Also returns the
    number of right answers per (learner UUID, code), for the suggestions' reasons.
    """
    fits = fits_for(school_class=school_class, codes=codes)
    stored = stored_mastery(school_class=school_class, learners=learners, codes=codes)
    out = []
    rights: dict[tuple[str, str], int] = {}
    for code in codes:
        fit = fits.get(code)
        rows = []
        counts = dict.fromkeys(insights.MasteryBand, 0)
        for ref in learners:
            entry = insights.RosterEntry(uuid=ref.uuid, name=ref.name, shusseki_no=ref.number)
            if fit is None:
                rows.append(insights.LearnerMastery(learner=entry, estimate=None, band=None))
                continue
            params = insights.skill_fit_params(fit)
            state = stored.get((ref.pk, code))
            if state is None or state.fit_id != fit.pk:
                est = mastery_estimate(params, ())
            else:
                est = MasteryEstimate(
                    p_mastered=state.p_mastered,
                    low=state.p_mastered,
                    high=state.p_mastered,
                    level=0.9,
                    n_attempts=state.n_attempts,
                    trace=(),
                    params=params,
                    replicates=0,
                )
                rights[(ref.uuid, code)] = state.n_right
            if est.rests_on_prior_only:
                band = insights.MasteryBand.NOT_STARTED
            elif est.p_mastered >= insights.MASTERED_AT:
                band = insights.MasteryBand.MASTERED
            else:
                band = insights.MasteryBand.LEARNING
            counts[band] += 1
            rows.append(insights.LearnerMastery(learner=entry, estimate=est, band=band))
        out.append(insights.CodeMastery(code=code, fit=fit, learners=rows, counts=counts))
    return out, rights


def candidate_for(
    learner: LearnerRef, code: str, item: insights.LearnerMastery | None, right: int | None = None
) -> Candidate | None:
    """A code is suggested for more practice when its estimate is low and rests on attempts."""
    if item is None or item.estimate is None:
        return None
    est = item.estimate
    if est.n_attempts < SUGGEST_MIN_ATTEMPTS or est.p_mastered >= SUGGEST_BELOW:
        return None
    if right is None:
        right = sum(1 for s in est.trace if s.correct)
    pct = round(est.p_mastered * 100)
    return Candidate(
        learner=learner,
        code=code,
        estimate=est,
        reason_ja=(
            f"コード{code}の習得の見込みが{pct}%(基準{round(SUGGEST_BELOW * 100)}%未満)。"
            f"{est.n_attempts}回の解答のうち{right}回正解にもとづきます。"
        ),
        reason_en=(
            f"The estimate of mastering {code} is {pct}% (under {round(SUGGEST_BELOW * 100)}%), "
            f"based on {est.n_attempts} answers, {right} of them right."
        ),
    )


def class_dashboard(
    *,
    actor: Actor,
    school_class: SchoolClass,
    learners: Sequence[LearnerRef],
    sees_attendance: bool,
    open_alerts: Mapping[int, int],
    codes: Sequence[str] | None = None,
    today: dt.date | None = None,
    work: ClassWork | None = None,
) -> ClassDashboard:
    """Everything the class dashboard shows, one row per learner in 出席番号 order.

    ``learners`` come from the gate (audited roster read); ``open_alerts`` counts the
    attendance app's unacknowledged alerts per learner pk (read through its gate).
    """
    day = today or clock.today()
    pks = [ref.pk for ref in learners]
    # Class-wide work is counted per learner in SQL (or read from the stored figures,
    # ``services.work_states_refresh``); only work given to a group or one learner, and the
    # window's work (for the cracks rules), is read as pairs.
    if work is None:
        work = class_work(school_class=school_class, learner_pks=pks, now=clock.now())
    now = work.now
    window_start = day - dt.timedelta(days=WINDOW_DAYS)
    assignments = list(work.assignments)
    members = _group_members(assignments)
    handed_class_wide, means = work.handed, work.means
    past_due = [a for a in assignments if a.due is not None and a.due <= now]
    in_window = [a for a in past_due if a.due is not None and a.due.date() >= window_start]
    latest = _latest_marks(drill_ids={a.drill_id for a in in_window}, learner_pks=pks)
    # Handed in = a finished attempt: for the window's work that is the keys of ``latest``;
    # only older work given to a group or one learner is read again.
    class_wide_due = sum(1 for a in past_due if a.target_class_id is not None)
    targeted_due = [a for a in past_due if a.target_class_id is None]
    older = {a.drill_id for a in targeted_due} - {a.drill_id for a in in_window}
    handed = set(latest)
    if older:
        handed |= _handed_in(drill_ids=older, learner_pks=pks)

    if codes is None:
        codes = recent_codes(school_class=school_class, since=window_since(day))
    code_mastery, rights = class_mastery_points(
        school_class=school_class, learners=learners, codes=codes
    )
    by_learner: dict[str, list[insights.LearnerMastery | None]] = {ref.uuid: [] for ref in learners}
    for cm in code_mastery:
        found = {m.learner.uuid: m for m in cm.learners}
        for ref in learners:
            by_learner[ref.uuid].append(found.get(ref.uuid))

    figures: dict[int, AttendanceFigures] = {}
    days: dict[int, list[SchoolDay]] = {}
    if sees_attendance:
        year = school_class.school_year
        figures, days, _all = attendance_figures(
            school=school_class.school,
            learner_pks=pks,
            start=year.start_date,
            end=min(day, year.end_date),
        )

    signals: dict[str, LearnerSignals] = {}
    titles: dict[str, str] = {}
    for ref in learners:
        works = []
        for a in in_window:
            if not _assigned_to(a, ref.pk, members) or a.due is None:
                continue
            mark = latest.get((ref.pk, a.drill_id))
            titles[a.uuid] = a.title
            works.append(
                Work(
                    id=a.uuid,
                    title=a.title,
                    due=a.due.date(),
                    submitted=(ref.pk, a.drill_id) in handed,
                    mark=mark[0] if mark is not None and mark[2] == "completed" else None,
                    max_mark=mark[1] if mark is not None else None,
                )
            )
        signals[ref.uuid] = LearnerSignals(works=works, days=days.get(ref.pk, ()))
    cracks = {
        item.learner: item.alerts
        for item in alerts_for_class([r.uuid for r in learners], signals, today=day)
    }

    rows = []
    candidates = []
    for ref in learners:
        mine = [a for a in targeted_due if _assigned_to(a, ref.pk, members)]
        rows.append(
            LearnerRow(
                learner=ref,
                due=class_wide_due + len(mine),
                handed_in=handed_class_wide.get(ref.pk, 0)
                + sum(1 for a in mine if (ref.pk, a.drill_id) in handed),
                mean_mark=means.get(ref.pk),
                mastery=tuple(by_learner[ref.uuid]),
                attendance=figures.get(ref.pk),
                open_alerts=open_alerts.get(ref.pk, 0),
                cracks=cracks.get(ref.uuid, ()),
            )
        )
        for code, item in zip(codes, by_learner[ref.uuid], strict=True):
            candidate = candidate_for(ref, code, item, rights.get((ref.uuid, code)))
            if candidate is not None:
                candidates.append(candidate)
    return ClassDashboard(
        school_class=school_class,
        today=day,
        codes=tuple(codes),
        code_mastery=tuple(code_mastery),
        rows=tuple(rows),
        sees_attendance=sees_attendance,
        work_titles=titles,
        candidates=tuple(candidates),
    )


# --------------------------------------------------------------------------- shown as tables

BAND_JA = {
    insights.MasteryBand.NOT_STARTED: "未着手",
    insights.MasteryBand.LEARNING: "学習中",
    insights.MasteryBand.MASTERED: "習得",
}
BAND_EN = {
    insights.MasteryBand.NOT_STARTED: "not started",
    insights.MasteryBand.LEARNING: "learning",
    insights.MasteryBand.MASTERED: "mastered",
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def mastery_cell(item: insights.LearnerMastery | None, *, en: bool = False) -> str:
    """A learner's mastery of one code as shown: band, P(mastered) and the attempts count."""
    if item is None or item.estimate is None or item.band is None:
        return "—"
    band = (BAND_EN if en else BAND_JA)[item.band]
    if item.estimate.rests_on_prior_only:
        return band
    return f"{band} {pct(item.estimate.p_mastered)} ({item.estimate.n_attempts})"


def class_grid(board: ClassDashboard, *, en: bool = False) -> Grid:
    """The class table: the page and the CSV export both render exactly this."""
    header = (
        ["出席番号", "氏名", "提出", "得点率"]
        if not en
        else [
            "No.",
            "Name",
            "Handed in",
            "Mean mark",
        ]
    )
    header += list(board.codes)
    if board.sees_attendance:
        header += (
            ["欠席", "遅刻", "早退", "未対応の出欠アラート"]
            if not en
            else ["Absent", "Late", "Left early", "Open attendance alerts"]
        )
    header += ["気になる点"] if not en else ["Flags"]
    rows = []
    for row in board.rows:
        cells = [
            "" if row.learner.number is None else str(row.learner.number),
            row.learner.name,
            f"{row.handed_in}/{row.due}",
            pct(row.mean_mark),
        ]
        cells += [mastery_cell(m, en=en) for m in row.mastery]
        if board.sees_attendance:
            figures = row.attendance
            cells += (
                [str(figures.absent), str(figures.late), str(figures.early_leave)]
                if figures is not None
                else ["—", "—", "—"]
            )
            cells.append(str(row.open_alerts))
        cells.append(str(len(row.cracks)))
        rows.append(tuple(cells))
    return Grid(
        header=tuple(header),
        rows=tuple(rows),
        links=tuple(row.learner.uuid for row in board.rows),
    )


def evidence_text(alert: Alert, titles: Mapping[str, str]) -> str:
    """An alert's evidence as a reader sees it: work titles, or the dates."""
    return "、".join(titles.get(item, item) for item in alert.evidence)


def cracks_grid(board: ClassDashboard, *, en: bool = False) -> Grid:
    """The "falling through the cracks" list: a row per alert, in 出席番号 order."""
    header = (
        ("出席番号", "氏名", "理由", "根拠") if not en else ("No.", "Name", "Reason", "Evidence")
    )
    rows = []
    links = []
    for row in board.rows:
        for alert in row.cracks:
            rows.append(
                (
                    "" if row.learner.number is None else str(row.learner.number),
                    row.learner.name,
                    alert.explanation_en if en else alert.explanation_ja,
                    evidence_text(alert, board.work_titles),
                )
            )
            links.append(row.learner.uuid)
    return Grid(header=header, rows=tuple(rows), links=tuple(links))


# --------------------------------------------------------------------------- one learner


@dataclass(frozen=True)
class WorkRow:
    assignment_uuid: str
    title: str
    due: dt.datetime | None
    handed_in: bool
    mark: LatestMark | None


@dataclass(frozen=True)
class CodeDetail:
    code: str
    fit: object | None
    estimate: MasteryEstimate | None
    band: insights.MasteryBand | None
    steps: tuple[tuple[Evidence | None, float], ...]  # each attempt and P(mastered) after it


@dataclass(frozen=True)
class LearnerDetail:
    learner: LearnerRef
    works: tuple[WorkRow, ...]
    codes: tuple[CodeDetail, ...]
    attendance: AttendanceFigures | None
    recent_absences: tuple[tuple[dt.date, str], ...]
    cracks: tuple[Alert, ...]
    work_titles: Mapping[str, str]
    suggestions: tuple[Suggestion, ...]
    candidates: tuple[Candidate, ...]


def learner_works(*, school_classes: Sequence[SchoolClass], learner: LearnerRef) -> list[WorkRow]:
    """Every drill assignment of these classes given to the learner, with their latest mark."""
    out: list[WorkRow] = []
    for school_class in school_classes:
        assignments = class_drill_assignments(school_class=school_class)
        members = _group_members(assignments)
        mine = [a for a in assignments if _assigned_to(a, learner.pk, members)]
        drill_ids = {a.drill_id for a in mine}
        handed = _handed_in(drill_ids=drill_ids, learner_pks=[learner.pk])
        latest = _latest_attempts(drill_ids=drill_ids, learner_pks=[learner.pk])
        out.extend(
            WorkRow(
                assignment_uuid=a.uuid,
                title=a.title,
                due=a.due,
                handed_in=(learner.pk, a.drill_id) in handed,
                mark=latest.get((learner.pk, a.drill_id)),
            )
            for a in mine
        )
    return out


def learner_code_details(
    *, school_class: SchoolClass, learner: LearnerRef, codes: Sequence[str] | None = None
) -> list[CodeDetail]:
    """Every code the learner answered questions of in this class, with its estimate and the
    attempts it rests on (P(mastered) after each)."""
    wanted = list(codes) if codes is not None else class_codes(school_class=school_class)
    if codes is None:
        answered = (
            Response.objects.filter(
                attempt__drill__course__school_class=school_class,
                attempt__learner_id=learner.pk,
                fraction__isnull=False,
            )
            .values_list("question_id", flat=True)
            .distinct()
        )
        for qc in _question_codes(answered).values():
            wanted.extend(c for c in qc if c not in wanted)
    attempts, evidence = mastery_attempts(
        school_class=school_class, learners=[learner], codes=wanted
    )
    fits = fits_for(school_class=school_class, codes=wanted)
    names = dict(
        Question.objects.filter(pk__in={int(e.question) for e in evidence.values()}).values_list(
            "id", "name"
        )
    )
    evidence = {
        k: Evidence(e.response_uuid, e.answered_at, names.get(int(e.question), ""), e.correct)
        for k, e in evidence.items()
    }
    out = []
    for code in wanted:
        mine = attempts.get((learner.uuid, code), [])
        fit = fits.get(code)
        if fit is None:
            if mine:
                out.append(CodeDetail(code, None, None, None, ()))
            continue
        est = insights.mastery_for_attempts(fit=fit, attempts=mine)
        if not mine:
            continue
        band = (
            insights.MasteryBand.MASTERED
            if est.p_mastered >= insights.MASTERED_AT
            else insights.MasteryBand.LEARNING
        )
        steps = tuple((evidence.get(s.attempt_id), s.p_after) for s in est.trace)
        out.append(CodeDetail(code, fit, est, band, steps))
    return out


def suggestions_for(*, learner_pk: int, statuses: Iterable[str]) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(learner_id=learner_pk, status__in=list(statuses)).order_by(
            "-created_at", "-id"
        )
    )


def learner_detail(
    *,
    school_class: SchoolClass,
    learner: LearnerRef,
    sees_attendance: bool,
    today: dt.date | None = None,
) -> LearnerDetail:
    """A teacher's drill-down: every assignment with its mark and feedback, every code with the
    attempts its estimate rests on, attendance (homeroom), alerts with evidence, suggestions."""
    day = today or clock.today()
    works = learner_works(school_classes=[school_class], learner=learner)
    codes = learner_code_details(school_class=school_class, learner=learner)
    figures = None
    absences: list[tuple[dt.date, str]] = []
    days: list[SchoolDay] = []
    if sees_attendance:
        year = school_class.school_year
        all_figures, signals, _days = attendance_figures(
            school=school_class.school,
            learner_pks=[learner.pk],
            start=year.start_date,
            end=min(day, year.end_date),
        )
        figures = all_figures.get(learner.pk)
        days = signals.get(learner.pk, [])
        absences = [
            (d, str(Status(s).label))
            for d, s in AttendanceEntry.objects.filter(
                learner_id=learner.pk, period=0, date__gte=year.start_date, date__lte=day
            )
            .order_by("-date")
            .values_list("date", "status")[:10]
        ]
    window_start = day - dt.timedelta(days=WINDOW_DAYS)
    now = clock.now()
    recent = [
        Work(
            id=w.assignment_uuid,
            title=w.title,
            due=w.due.date(),
            submitted=w.handed_in,
            mark=w.mark.score if w.mark is not None and w.mark.state == "completed" else None,
            max_mark=w.mark.max_score if w.mark is not None else None,
        )
        for w in works
        if w.due is not None and w.due <= now and w.due.date() >= window_start
    ]
    found = alerts_for_class(
        [learner.uuid], {learner.uuid: LearnerSignals(works=recent, days=days)}, today=day
    )
    candidates = []
    for detail in codes:
        if detail.estimate is None:
            continue
        item = insights.LearnerMastery(
            learner=insights.RosterEntry(learner.uuid, learner.name, learner.number),
            estimate=detail.estimate,
            band=detail.band,
        )
        candidate = candidate_for(learner, detail.code, item)
        if candidate is not None:
            candidates.append(candidate)
    return LearnerDetail(
        learner=learner,
        works=tuple(works),
        codes=tuple(codes),
        attendance=figures,
        recent_absences=tuple(absences),
        cracks=found[0].alerts if found else (),
        work_titles={w.assignment_uuid: w.title for w in works},
        suggestions=tuple(
            suggestions_for(
                learner_pk=learner.pk,
                statuses=[SuggestionStatus.PROPOSED, SuggestionStatus.APPROVED],
            )
        ),
        candidates=tuple(candidates),
    )


# --------------------------------------------------------------------------- own dashboards


@dataclass(frozen=True)
class Feedback:
    title: str
    comment: str
    at: dt.datetime | None
    attempt_uuid: str


@dataclass(frozen=True)
class OwnOverview:
    """A learner's own dashboard (also what their guardian sees)."""

    learner: LearnerRef
    grade: int  # 1..9 (小1..中3), 0 when unknown
    homeroom: SchoolClass | None
    works: tuple[WorkRow, ...]
    open_works: tuple[WorkRow, ...]
    codes: tuple[CodeDetail, ...]
    feedback: tuple[Feedback, ...]
    attendance: AttendanceFigures | None
    suggestions: tuple[Suggestion, ...]  # approved only
    code_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def due(self) -> int:
        now = clock.now()
        return sum(1 for w in self.works if w.due is not None and w.due <= now)

    @property
    def handed_in(self) -> int:
        now = clock.now()
        return sum(1 for w in self.works if w.due is not None and w.due <= now and w.handed_in)


def grade_number(school_class: SchoolClass | None) -> int:
    """1–6 for 小1–小6 (P1–P6), 7–9 for 中1–中3 (J1–J3); 0 when the class has no grade."""
    if school_class is None or not school_class.grades:
        return 0
    grade = str(school_class.grades[0])
    if len(grade) == 2 and grade[1].isdigit():
        if grade[0] == "P":
            return int(grade[1])
        if grade[0] == "J":
            return 6 + int(grade[1])
    return 0


def own_overview(
    *,
    learner: LearnerRef,
    homeroom: SchoolClass | None,
    classes: Sequence[SchoolClass],
    today: dt.date | None = None,
) -> OwnOverview:
    """What a learner (and their guardian) sees: own work, marks, feedback, attendance, codes,
    and the suggestions a teacher approved — with their reasons."""
    day = today or clock.today()
    now = clock.now()
    works = learner_works(school_classes=classes, learner=learner)
    codes: list[CodeDetail] = []
    for school_class in classes:
        codes.extend(learner_code_details(school_class=school_class, learner=learner))
    feedback_rows = (
        Attempt.objects.filter(learner_id=learner.pk)
        .filter(~Q(teacher_comment="") | Q(responses__comment__gt=""))
        .select_related("drill")
        .order_by("-feedback_at", "-finished_at")
        .distinct()[:5]
    )
    feedback = tuple(
        Feedback(a.drill.title, a.teacher_comment, a.feedback_at or a.finished_at, str(a.uuid))
        for a in feedback_rows
    )
    figures = None
    if homeroom is not None:
        year = homeroom.school_year
        found, _signals, _days = attendance_figures(
            school=homeroom.school,
            learner_pks=[learner.pk],
            start=year.start_date,
            end=min(day, year.end_date),
        )
        figures = found.get(learner.pk)
    open_works = tuple(w for w in works if not w.handed_in and (w.due is None or w.due >= now))
    return OwnOverview(
        learner=learner,
        grade=grade_number(homeroom),
        homeroom=homeroom,
        works=tuple(works),
        open_works=open_works,
        codes=tuple(codes),
        feedback=feedback,
        attendance=figures,
        suggestions=tuple(
            suggestions_for(learner_pk=learner.pk, statuses=[SuggestionStatus.APPROVED])
        ),
        code_titles=code_titles(school_classes=classes),
    )


def stars(detail: CodeDetail) -> int:
    """0–3 stars for a young learner: started, learning past half-way, mastered. Never a
    comparison with anyone else."""
    if detail.estimate is None or detail.band is None:
        return 0
    if detail.band is insights.MasteryBand.MASTERED:
        return 3
    return 2 if detail.estimate.p_mastered >= 0.5 else 1


# --------------------------------------------------------------------------- aggregates

HANDED_IN_MOST = "提出8割以上"
HANDED_IN_LESS = "提出8割未満"
ABSENT_UNDER_30 = "欠席30日未満"
ABSENT_30 = "欠席30日以上"


def school_learner_categories(
    *, school: School, learner_pks_by_uuid: Mapping[str, int], today: dt.date | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Per learner UUID: a work category (handed in ≥ 80 % of past-due drill work) and an
    attendance category (under 30 absent days this year: 文部科学省's 長期欠席 line).

    Three grouped SQL queries for the whole school; learners with no past-due work get no
    work category (counted as 「記録なし」 by the aggregate).
    """
    day = today or clock.today()
    now = clock.now()
    pks = list(learner_pks_by_uuid.values())
    due_by_drill: dict[int, int] = {}
    assigned: dict[int, int] = defaultdict(int)
    for drill_id, class_id in Assignment.objects.filter(
        course__school=school,
        drill__isnull=False,
        target_class__isnull=False,
        due_at__lte=now,
    ).values_list("drill_id", "target_class_id"):
        if drill_id is not None and class_id is not None:
            due_by_drill[drill_id] = class_id
    class_of: dict[int, set[int]] = defaultdict(set)
    for pk, class_id in Enrolment.objects.filter(
        person_id__in=pks, school_class_id__in=set(due_by_drill.values()), role="student"
    ).values_list("person_id", "school_class_id"):
        class_of[pk].add(class_id)
    per_class: dict[int, int] = defaultdict(int)
    for class_id in due_by_drill.values():
        per_class[class_id] += 1
    for pk in pks:
        assigned[pk] = sum(per_class[c] for c in class_of.get(pk, ()))
    handed = dict(
        Attempt.objects.filter(
            drill_id__in=list(due_by_drill), learner_id__in=pks, state__in=FINISHED
        )
        .values("learner_id")
        .annotate(n=Count("drill_id", distinct=True))
        .values_list("learner_id", "n")
    )
    year_start = dt.date(clock.school_year_of(day), 4, 1)
    absent = dict(
        AttendanceEntry.objects.filter(
            learner_id__in=pks, period=0, status=Status.ABSENT, date__gte=year_start, date__lte=day
        )
        .values("learner_id")
        .annotate(n=Count("date", distinct=True))
        .values_list("learner_id", "n")
    )
    work: dict[str, str] = {}
    attendance: dict[str, str] = {}
    for uuid, pk in learner_pks_by_uuid.items():
        if assigned.get(pk):
            work[uuid] = (
                HANDED_IN_MOST if handed.get(pk, 0) >= 0.8 * assigned[pk] else HANDED_IN_LESS
            )
        attendance[uuid] = ABSENT_30 if absent.get(pk, 0) >= 30 else ABSENT_UNDER_30
    return work, attendance


def school_learner_pks(*, school: School) -> dict[str, int]:
    """Every learner enrolled today in a homeroom of the school: UUID → pk (for the
    aggregate's categories; never shown)."""
    day = clock.today()
    return {
        str(u): pk
        for u, pk in Person.objects.filter(
            enrolments__school_class__in=school_homerooms(school=school),
            enrolments__role="student",
            enrolments__begin_date__lte=day,
        )
        .exclude(enrolments__end_date__lt=day)
        .values_list("uuid", "pk")
        .distinct()
    }
