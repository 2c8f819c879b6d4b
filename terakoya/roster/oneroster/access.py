"""Who may import and export rosters, and over what: the gate for the OneRoster pages.

A board administrator (教育委員会 管理者) works on their board's schools; a school
administrator (学校管理者) on their own school(s). Anything else — another school, a board
that is not theirs, an upload made by someone else — is the same :class:`NotFound` as a
record that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from terakoya.privacy.audit import AuditActor
from terakoya.privacy.gate import Actor, NotFound, Relation
from terakoya.roster.models import Board, Role, School
from terakoya.roster.oneroster.export import ExportScope
from terakoya.roster.oneroster.validate import Scope

ADMIN_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.BOARD_ADMIN})


@dataclass(frozen=True)
class Target:
    """Something the actor may export: a board or a school."""

    kind: str  # "board" | "school"
    uuid: uuid.UUID
    name: str


def _board_ids(actor: Actor) -> set[int]:
    return actor.board_ids(Role.BOARD_ADMIN)


def _school_ids(actor: Actor) -> set[int]:
    return actor.school_ids(Role.SCHOOL_ADMIN)


def import_scope_for(actor: Actor) -> Scope:
    """The import scope of a roster administrator; NotFound for anyone else."""
    boards = _board_ids(actor)
    if boards:
        return Scope(board_ids=frozenset(boards))
    schools = _school_ids(actor)
    if schools:
        return Scope(school_ids=frozenset(schools))
    raise NotFound()


def export_targets_for(actor: Actor) -> list[Target]:
    boards = _board_ids(actor)
    targets = [
        Target("board", b.uuid, b.name)
        for b in Board.objects.filter(id__in=boards).order_by("name")
    ]
    schools = School.objects.filter(id__in=_school_ids(actor)) | School.objects.filter(
        board_id__in=boards
    )
    targets += [Target("school", s.uuid, s.name) for s in schools.distinct().order_by("code")]
    return targets


def access_board_for_export(actor: Actor, board_uuid: uuid.UUID) -> ExportScope:
    """Tenant: a board the actor administers; missing and forbidden are the same NotFound."""
    board = Board.objects.filter(uuid=board_uuid, id__in=_board_ids(actor)).first()
    if board is None:
        raise NotFound()
    return ExportScope(board_ids=frozenset({board.pk}))


def access_school_for_export(actor: Actor, school_uuid: uuid.UUID) -> ExportScope:
    """Tenant: a school the actor administers (or whose board they administer)."""
    school = (
        School.objects.filter(uuid=school_uuid)
        .filter(id__in=_school_ids(actor))
        .union(School.objects.filter(uuid=school_uuid, board_id__in=_board_ids(actor)))
        .first()
    )
    if school is None:
        raise NotFound()
    return ExportScope(school_ids=frozenset({school.pk}))


def audit_actor_for(actor: Actor) -> AuditActor:
    """How the audit log names a roster administrator acting on imports and exports."""
    role = Role.BOARD_ADMIN if _board_ids(actor) else Relation.SCHOOL_ADMIN
    return actor.audit_actor(str(role))
