"""Input schemas of the roster's JSON API (validated with pydantic before anything is written)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from terakoya.roster.choices import Grade

KANA_PATTERN = r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$"


class PersonIn(BaseModel):
    """A person to register in the administrator's school."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Literal[
        "learner", "guardian", "teacher", "nurse", "school_admin", "principal", "special_support"
    ]
    family_name: str = Field(min_length=1, max_length=50)
    given_name: str = Field(min_length=1, max_length=50)
    family_name_kana: str = Field(min_length=1, max_length=100, pattern=KANA_PATTERN)
    given_name_kana: str = Field(min_length=1, max_length=100, pattern=KANA_PATTERN)
    birth_date: dt.date | None = None
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30, pattern=r"^[0-9\-+() ]*$")
    grade: Grade | None = None
    homeroom: uuid.UUID | None = None
    shusseki_no: int | None = Field(default=None, ge=1, le=99)
    children: list[uuid.UUID] = Field(default_factory=list)
    relationship: str = Field(default="", max_length=20)
