"""Demo data for guidance notes: one note by a homeroom teacher."""

from __future__ import annotations

from terakoya.core import clock
from terakoya.guidance import services
from terakoya.privacy.gate import Actor
from terakoya.roster.demo_context import DemoContext


def seed(ctx: DemoContext) -> None:
    for demo_school in ctx.schools[:1]:
        for demo_class in demo_school.homerooms[:1]:
            if len(demo_class.learners) < 3:
                continue
            services.note_create(
                actor=Actor.for_person(demo_class.homeroom_teacher),
                learner=demo_class.learners[2],
                school=demo_school.school,
                title="欠席が続いていることについて",
                body=(
                    "3日続けて欠席。保護者に電話で様子を確認した(発熱、回復に向かっている)。"
                    "登校したら学習の遅れを一緒に確認する。"
                ),
                written_on=clock.today(),
            )
