"""What the demo seed hands to each app's ``demo.py`` hook.

``manage.py seed_demo`` builds the roster (board, two schools, classes, people), then calls
``seed(ctx)`` in every ``terakoya/<app>/demo.py`` that exists, in INSTALLED_APPS order, inside
one transaction. Hooks must be deterministic (use ``ctx.random``) and idempotent (the whole
seed runs only when the demo board does not exist yet).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from terakoya.roster.models import Board, Person, School, SchoolClass, SchoolYear


@dataclass
class DemoClass:
    school_class: SchoolClass
    homeroom_teacher: Person
    learners: list[Person]


@dataclass
class DemoSchool:
    school: School
    homerooms: list[DemoClass]
    subject_classes: list[DemoClass]
    principal: Person
    nurse: Person
    school_admin: Person
    teachers: list[Person]


@dataclass
class DemoContext:
    board: Board
    year: SchoolYear
    schools: list[DemoSchool]
    guardians_of: dict[int, list[Person]]  # learner pk → guardians
    board_analyst: Person
    random: random.Random = field(default_factory=lambda: random.Random(20260401))
