"""Demo data of the insights app: mastery parameters and a privacy budget for the demo board.

Until the assessment app records real attempts, the demo's skill parameters are fitted from
responses simulated for the demo learners from known parameters; only the fitted, aggregate
parameters are stored (no simulated attempt is kept).
"""

from __future__ import annotations

import numpy as np

from terakoya.core import clock
from terakoya.insights import bkt, services
from terakoya.privacy.audit import SYSTEM
from terakoya.roster.demo_context import DemoContext

#: 小学校 社会 第3学年 items (examples from reference/codes.md and siblings).
DEMO_CODES = ("8220233111000000", "8220233112000000", "8220233113000000")
DEMO_TRUTH = np.array([[0.35, 0.18, 0.08, 0.22], [0.2, 0.12, 0.1, 0.25], [0.5, 0.25, 0.05, 0.15]])


def seed(ctx: DemoContext) -> None:
    learners = [str(p.uuid) for s in ctx.schools for c in s.homerooms for p in c.learners]
    if len(learners) >= services.MIN_LEARNERS:
        rng = np.random.default_rng(ctx.random.randrange(2**32))
        sim = bkt.simulate(
            n_skills=len(DEMO_CODES),
            n_learners=len(learners),
            min_length=4,
            max_length=12,
            rng=rng,
            truth=DEMO_TRUTH,
        )
        responses = [
            services.Response(code=DEMO_CODES[s], learner=learners[le], correct=bool(c))
            for s, le, c in zip(sim.skill, sim.learner, sim.correct, strict=True)
        ]
        services.skill_fit_run(
            actor=SYSTEM, responses=responses, board=ctx.board, replicates=10, seed=1
        )
    start, end = ctx.year.start_date, ctx.year.end_date
    services.privacy_budget_create(
        actor=SYSTEM, board=ctx.board, epsilon_total=3.0, period_start=start, period_end=end
    )
    day = min(max(clock.today(), start), end)
    services.dp_count_release(
        actor=SYSTEM,
        board=ctx.board,
        label="在籍児童生徒数(デモ)",
        true_count=len(learners),
        epsilon=0.5,
        on=day,
    )
