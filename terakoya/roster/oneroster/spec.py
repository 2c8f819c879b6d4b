"""The OneRoster 1.2 Japan Profile bulk CSV format: files, headers, value sets and patterns.

Facts from /work/shared/reference/oneroster-jp.md (the Digital Agency's 2022 reference
validator and the specification). Nothing here touches the database.
"""

from __future__ import annotations

import re

#: Every file a manifest names, in the manifest's order.
ALL_FILES = (
    "academicSessions",
    "categories",
    "classResources",
    "classes",
    "courseResources",
    "courses",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "lineItems",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "results",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)

#: The files Terakoya imports, in the order they are applied (references point backwards).
IMPORTED = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "demographics",
    "roles",
    "enrollments",
)

HEADERS: dict[str, tuple[str, ...]] = {
    "academicSessions": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "classes": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
        "metadata.jp.specialNeeds",
    ),
    "courses": (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "demographics": (
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
    "enrollments": (
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
        "metadata.jp.ShussekiNo",
        "metadata.jp.PublicFlg",
    ),
    "orgs": (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    "roles": (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    "userProfiles": (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "profileType",
        "vendorId",
        "applicationId",
        "description",
        "credentialType",
        "username",
        "password",
    ),
    "users": (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
        "metadata.jp.kanaGivenName",
        "metadata.jp.kanaFamilyName",
        "metadata.jp.kanaMiddleName",
        "metadata.jp.homeClass",
    ),
}

VERSION = "1.2"
#: The variant seen in the wild ("JapanK12SchoolsProfile"); read, never written.
VERSION_JP_VARIANT = "1.2_JP"
VERSIONS = frozenset({VERSION, VERSION_JP_VARIANT})
MANIFEST_VERSION = "1.0"
FILE_MODES = frozenset({"absent", "bulk", "delta"})

STATUSES = frozenset({"active", "tobedeleted"})
ORG_TYPES = frozenset({"district", "school"})
SESSION_TYPES = frozenset({"schoolYear"})
CLASS_TYPES = frozenset({"homeroom", "scheduled"})
ENROLMENT_ROLES = frozenset({"administrator", "proctor", "student", "teacher"})
ROLE_TYPES = frozenset({"primary", "secondary"})
ROLES = frozenset(
    {"districtAdministrator", "guardian", "principal", "siteAdministrator", "student", "teacher"}
)
SEXES = frozenset({"male", "female", "unspecified", "other"})
BOOLEANS = frozenset({"true", "false"})
GRADES = frozenset({"P1", "P2", "P3", "P4", "P5", "P6", "J1", "J2", "J3"})

UUID4_RE = re.compile(
    r"^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", re.IGNORECASE
)
HALF_WIDTH_KANA_RE = re.compile(r"[ｦ-ﾟ]")
SCHOOL_YEAR_TITLE_RE = re.compile(r"^(\d{4})年度$")
COURSE_TITLE_RE = re.compile(r"^(\d{4})年度")
SUBJECT_CODE_RE = re.compile(r"^(P0[1-9]0|P100|J0[1-9]0)$")
USER_ID_RE = re.compile(r"^\{[^:{}]+:[^{}]+\}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHUSSEKI_RE = re.compile(r"^\d{1,4}$")

#: Lower-case spellings of metadata columns seen in the 1.2_JP variant, and the column read.
METADATA_VARIANTS = {
    "metadata.jp.shussekino": "metadata.jp.ShussekiNo",
    "metadata.jp.publicflg": "metadata.jp.PublicFlg",
}


def normalise_sourced_id(value: str) -> str:
    """Return a sourcedId in canonical form: lower case, hyphenated (compared this way)."""
    compact = value.strip().replace("-", "").lower()
    if len(compact) != 32:
        return value.strip().lower()
    return f"{compact[:8]}-{compact[8:12]}-{compact[12:16]}-{compact[16:20]}-{compact[20:]}"


def split_list(value: str) -> list[str]:
    """Split a OneRoster list cell ("a,b,c"); an empty cell is an empty list."""
    return [item.strip() for item in value.split(",") if item.strip()] if value else []
