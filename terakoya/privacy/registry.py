"""The personal-data registry: every model says what personal data it holds, or that it holds none.

A test walks every installed model (third-party ones included) and fails on an undeclared model
or field. The same declarations drive subject-access export, erasure and the retention sweep, so
a model that forgets to declare cannot silently escape any of them.

Declare with the :func:`personal_data` / :func:`no_personal_data` class decorators in the owning
app, or with :func:`declare` for third-party models (see :mod:`terakoya.privacy.declarations`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.db import models

from terakoya.privacy.categories import DataCategory

#: Fields that never hold personal data on any model and need not be listed.
IMPLICITLY_STRUCTURAL = frozenset({"id", "uuid", "created_at", "updated_at"})


class Subject(StrEnum):
    """Whose data a record is."""

    LEARNER = "learner"
    GUARDIAN = "guardian"
    STAFF = "staff"
    PERSON = "person"  # any person: learner, guardian or staff, decided per record


@dataclass(frozen=True)
class PersonalData:
    """A model's declaration of the personal data it holds.

    - ``subject_path``: ORM path from this model to the ``roster.Person`` the data is about
      ("" when the model *is* the person). Export and erasure filter on it.
    - ``fields``: every personal field and its category.
    - ``structural``: every other concrete field (keys, flags, foreign keys to non-persons).
    - ``retention``: a rule code from :data:`terakoya.privacy.retention.RULES`;
      ``retention_anchor`` is the date or datetime field (ORM path) the period counts from.
    - ``exportable``: included in the subject-access download (credentials are not).
    - ``erasable``: may be erased on request once no statutory retention applies.
    """

    subject: Subject
    subject_path: str
    fields: Mapping[str, DataCategory]
    structural: tuple[str, ...] = ()
    retention: str = "while_active"
    retention_anchor: str | None = None
    exportable: bool = True
    erasable: bool = True
    label_ja: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        for name, category in self.fields.items():
            if category.prohibited:
                raise ValueError(f"field {name!r} declares prohibited category {category}")

    @property
    def categories(self) -> frozenset[DataCategory]:
        return frozenset(self.fields.values())


@dataclass(frozen=True)
class NoPersonalData:
    """A model's statement that it holds no personal data, with the reason."""

    reason: str
    structural: tuple[str, ...] = field(default=())


Declaration = PersonalData | NoPersonalData

_REGISTRY: dict[str, Declaration] = {}

M = TypeVar("M", bound=type[models.Model])


def declare(label: str, declaration: Declaration) -> None:
    """Register ``declaration`` for the model ``app_label.ModelName``."""
    key = label.lower()
    if key in _REGISTRY and _REGISTRY[key] != declaration:
        raise ValueError(f"{label} is declared twice")
    _REGISTRY[key] = declaration


def personal_data(declaration: PersonalData) -> Callable[[M], M]:
    """Class decorator: the model holds the personal data ``declaration`` describes."""

    def wrap(model: M) -> M:
        declare(model._meta.label_lower, declaration)
        return model

    return wrap


def no_personal_data(reason: str, *, structural: tuple[str, ...] = ()) -> Callable[[M], M]:
    """Class decorator: the model holds no personal data, for the stated reason."""

    def wrap(model: M) -> M:
        declare(model._meta.label_lower, NoPersonalData(reason=reason, structural=structural))
        return model

    return wrap


def declaration_for(model: type[models.Model]) -> Declaration | None:
    """Return the declaration for ``model``, or None when it has none."""
    return _REGISTRY.get(model._meta.label_lower)


def personal_models() -> list[tuple[type[models.Model], PersonalData]]:
    """Return every installed model that holds personal data, with its declaration."""
    from django.apps import apps

    found = []
    for model in apps.get_models(include_auto_created=True):
        decl = declaration_for(model)
        if isinstance(decl, PersonalData):
            found.append((model, decl))
    return found


def registry_problems() -> list[str]:
    """Return a description of every undeclared model or field; empty when all is declared."""
    from django.apps import apps

    problems: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        decl = declaration_for(model)
        if decl is None:
            problems.append(f"{label}: no personal-data declaration")
            continue
        concrete = {f.name for f in model._meta.concrete_fields}
        # Every field is accounted for, on models without personal data too: a personal field
        # added later to a "no personal data" model must fail this check, not slip through.
        listed = set(decl.structural)
        if isinstance(decl, PersonalData):
            listed |= set(decl.fields)
        problems.extend(
            f"{label}.{name}: field not declared"
            for name in sorted(concrete - listed - IMPLICITLY_STRUCTURAL)
        )
        problems.extend(
            f"{label}.{name}: declared but not a field" for name in sorted(listed - concrete)
        )
    return problems
