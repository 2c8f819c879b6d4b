"""Statement validation against xAPI 1.0.3 (Data §2, §4) and 2.0 (IEEE 9274.1.1 §4.2).

Hand-written rather than a schema library: the rules are few but precise (exactly one inverse
functional identifier, SubStatement restrictions, interaction components per type), and a
single pass over the dict is several times faster than building model objects (measured in
bench/lrs_ingest.py). Each error names the JSON path that failed.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import orjson

from terakoya.records.xapi.errors import XapiError, bad

V1 = "1.0.3"
V2 = "2.0.0"

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")
_MAILTO = re.compile(r"^mailto:[^\s@]+@[^\s@]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_LANG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$|^i-[A-Za-z]+$"
)
_DURATION = re.compile(
    r"^P\d+(?:[.,]\d+)?W$|"
    r"^P(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?"
    r"(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?"
    r"(?:\d+(?:[.,]\d+)?S)?)?$"
)
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|z|[+\-]\d{2}(?::?\d{2})?)?$"
)
_TIMESTAMP_BASIC = re.compile(
    r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+\-]\d{2}(?:\d{2})?)?$"
)
_MIME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*(?:\s*;.*)?$"
)
_VERSION = re.compile(r"^(?:1\.0|2\.0)(?:\.\d+)?$")

INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
_COMPONENT_LISTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}
_ALL_COMPONENT_LISTS = frozenset({"choices", "scale", "source", "target", "steps"})


def _type_name(value: Any) -> str:
    return type(value).__name__


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(f"{where} must be a JSON object", location=where)
    return value


def _keys(value: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in value:
        if key not in allowed:
            raise bad(f"unexpected property {key!r} in {where}", location=f"{where}.{key}")


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise bad(f"{where} must be a string, not {_type_name(value)}", location=where)
    return value


def _bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise bad(f"{where} must be true or false", location=where)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad(f"{where} must be a number", location=where)
    return float(value)


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def _uuid(value: Any, where: str) -> str:
    if not is_uuid(value):
        raise bad(f"{where} must be a UUID", location=where)
    return str(value)


#: IRIs already found valid (verbs, activity ids and types, extension keys repeat in every
#: statement of a batch); bounded, and only valid ones enter.
_IRIS_SEEN: set[str] = set()


def is_iri(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if value in _IRIS_SEEN:
        return True
    if _IRI.match(value) is None:
        return False
    if len(_IRIS_SEEN) >= 50_000:
        _IRIS_SEEN.clear()
    _IRIS_SEEN.add(value)
    return True


def _iri(value: Any, where: str) -> str:
    if not is_iri(value):
        raise bad(f"{where} must be an absolute IRI", location=where)
    return str(value)


def is_language_tag(value: str) -> bool:
    return _LANG.match(value) is not None


def _langmap(value: Any, where: str) -> None:
    _obj(value, where)
    for key, text in value.items():
        if not is_language_tag(key):
            raise bad(f"{where} has an invalid language tag {key!r}", location=where)
        _string(text, f"{where}.{key}")


def _extensions(value: Any, where: str) -> None:
    _obj(value, where)
    for key in value:
        _iri(key, f"{where}[{key!r}]")


def parse_timestamp(value: Any, where: str, *, version: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp (extended or basic); aware, converted to UTC.

    Without an offset the instant is read as UTC (1.0.3 says SHOULD include one). The
    "unknown local offset" forms -00, -0000 and -00:00 (RFC 3339 §4.3) are refused: both
    conformance batteries test it (suite issue #229).
    """
    text = _string(value, where)
    match = _TIMESTAMP.match(text) or _TIMESTAMP_BASIC.match(text)
    if match is None:
        raise bad(f"{where} must be an ISO 8601 timestamp", location=where)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset in {"-00", "-0000", "-00:00"}:
        raise bad(f"{where} must not use an unknown-offset (-00:00) form", location=where)
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    tz: dt.tzinfo = dt.UTC
    if offset and offset not in {"Z", "z"}:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours = int(digits[:2])
        minutes = int(digits[2:4] or "0")
        if hours > 23 or minutes > 59:
            raise bad(f"{where} has an invalid offset", location=where)
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        stamp = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micros, tz
        )
    except ValueError as exc:
        raise bad(f"{where} is not a valid date and time", location=where) from exc
    return stamp.astimezone(dt.UTC)


# --- agents and groups -----------------------------------------------------------------------

_AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
_GROUP_KEYS = _AGENT_KEYS | {"member"}
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _ifi_count(value: dict[str, Any], where: str) -> int:
    count = 0
    if "mbox" in value:
        mbox = _string(value["mbox"], f"{where}.mbox")
        if not _MAILTO.match(mbox):
            raise bad(f"{where}.mbox must be a mailto: IRI", location=f"{where}.mbox")
        count += 1
    if "mbox_sha1sum" in value:
        if not _SHA1.match(_string(value["mbox_sha1sum"], f"{where}.mbox_sha1sum")):
            raise bad(f"{where}.mbox_sha1sum must be a SHA-1 hex digest", location=where)
        count += 1
    if "openid" in value:
        _iri(value["openid"], f"{where}.openid")
        count += 1
    if "account" in value:
        account = _obj(value["account"], f"{where}.account")
        _keys(account, frozenset({"homePage", "name"}), f"{where}.account")
        if "homePage" not in account or "name" not in account:
            raise bad(f"{where}.account needs homePage and name", location=f"{where}.account")
        _iri(account["homePage"], f"{where}.account.homePage")
        _string(account["name"], f"{where}.account.name")
        count += 1
    return count


def validate_agent(value: Any, where: str, *, object_type_required: bool = False) -> None:
    """An Agent: optional name, exactly one inverse functional identifier."""
    agent = _obj(value, where)
    _keys(agent, _AGENT_KEYS, where)
    kind = agent.get("objectType")
    if kind is None and object_type_required:
        raise bad(f"{where}.objectType is required", location=where)
    if kind is not None and kind != "Agent":
        raise bad(f"{where}.objectType must be 'Agent'", location=f"{where}.objectType")
    if "name" in agent:
        _string(agent["name"], f"{where}.name")
    if _ifi_count(agent, where) != 1:
        raise bad(f"{where} must have exactly one inverse functional identifier", location=where)


def validate_group(value: Any, where: str) -> None:
    """A Group: anonymous (members, no identifier) or identified (exactly one identifier)."""
    group = _obj(value, where)
    _keys(group, _GROUP_KEYS, where)
    if group.get("objectType") != "Group":
        raise bad(f"{where}.objectType must be 'Group'", location=f"{where}.objectType")
    if "name" in group:
        _string(group["name"], f"{where}.name")
    count = _ifi_count(group, where)
    if count > 1:
        raise bad(f"{where} must have at most one inverse functional identifier", location=where)
    if "member" in group:
        members = group["member"]
        if not isinstance(members, list):
            raise bad(f"{where}.member must be an array", location=f"{where}.member")
        for index, member in enumerate(members):
            validate_agent(member, f"{where}.member[{index}]")
    if count == 0 and not group.get("member"):
        raise bad(f"an anonymous group needs members ({where}.member)", location=where)


def validate_actor(value: Any, where: str) -> None:
    actor = _obj(value, where)
    if actor.get("objectType") == "Group":
        validate_group(actor, where)
    else:
        validate_agent(actor, where)


# --- activities --------------------------------------------------------------------------------

_ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
_DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
    }
)


def _components(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise bad(f"{where} must be an array", location=where)
    seen: set[str] = set()
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        component = _obj(item, here)
        _keys(component, frozenset({"id", "description"}), here)
        ident = _string(component.get("id"), f"{here}.id")
        if ident in seen:
            raise bad(f"{here}.id repeats an interaction component id", location=here)
        seen.add(ident)
        if "description" in component:
            _langmap(component["description"], f"{here}.description")


def validate_definition(value: Any, where: str) -> None:
    definition = _obj(value, where)
    _keys(definition, _DEFINITION_KEYS, where)
    for key in ("name", "description"):
        if key in definition:
            _langmap(definition[key], f"{where}.{key}")
    if "type" in definition:
        _iri(definition["type"], f"{where}.type")
    if "moreInfo" in definition:
        _iri(definition["moreInfo"], f"{where}.moreInfo")
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{where}.extensions")
    interaction = definition.get("interactionType")
    present = _ALL_COMPONENT_LISTS & definition.keys()
    if interaction is None:
        if present or "correctResponsesPattern" in definition:
            raise bad(f"{where} has interaction properties without interactionType", location=where)
        return
    if not isinstance(interaction, str) or interaction not in INTERACTION_TYPES:
        raise bad(f"{where}.interactionType is not a known type", location=where)
    allowed = set(_COMPONENT_LISTS.get(interaction, ()))
    for key in present:
        if key not in allowed:
            raise bad(f"{where}.{key} is not allowed for {interaction}", location=where)
        _components(definition[key], f"{where}.{key}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list):
            raise bad(f"{where}.correctResponsesPattern must be an array", location=where)
        for index, item in enumerate(pattern):
            _string(item, f"{where}.correctResponsesPattern[{index}]")


def validate_activity(value: Any, where: str) -> None:
    activity = _obj(value, where)
    _keys(activity, _ACTIVITY_KEYS, where)
    if activity.get("objectType", "Activity") != "Activity":
        raise bad(f"{where}.objectType must be 'Activity'", location=where)
    if "id" not in activity:
        raise bad(f"{where}.id is required", location=where)
    _iri(activity["id"], f"{where}.id")
    if "definition" in activity:
        validate_definition(activity["definition"], f"{where}.definition")


# --- statement parts ---------------------------------------------------------------------------


def validate_verb(value: Any, where: str) -> None:
    verb = _obj(value, where)
    _keys(verb, frozenset({"id", "display"}), where)
    if "id" not in verb:
        raise bad(f"{where}.id is required", location=where)
    _iri(verb["id"], f"{where}.id")
    if "display" in verb:
        _langmap(verb["display"], f"{where}.display")


def _statement_ref(value: dict[str, Any], where: str) -> None:
    _keys(value, frozenset({"objectType", "id"}), where)
    _uuid(value.get("id"), f"{where}.id")


def validate_result(value: Any, where: str) -> None:
    result = _obj(value, where)
    _keys(
        result,
        frozenset({"score", "success", "completion", "response", "duration", "extensions"}),
        where,
    )
    if "score" in result:
        score = _obj(result["score"], f"{where}.score")
        _keys(score, frozenset({"scaled", "raw", "min", "max"}), f"{where}.score")
        numbers = {k: _number(v, f"{where}.score.{k}") for k, v in score.items()}
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            raise bad(f"{where}.score.scaled must be between -1 and 1", location=where)
        low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
        if low is not None and high is not None and low > high:
            raise bad(f"{where}.score.min must not exceed max", location=where)
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            raise bad(f"{where}.score.raw must lie between min and max", location=where)
    for key in ("success", "completion"):
        if key in result:
            _bool(result[key], f"{where}.{key}")
    if "response" in result:
        _string(result["response"], f"{where}.response")
    if "duration" in result and not _DURATION.match(
        _string(result["duration"], f"{where}.duration")
    ):
        raise bad(f"{where}.duration must be an ISO 8601 duration", location=where)
    if "extensions" in result:
        _extensions(result["extensions"], f"{where}.extensions")


_CONTEXT_KEYS_V1 = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
_CONTEXT_KEYS_V2 = _CONTEXT_KEYS_V1 | {"contextAgents", "contextGroups"}


def validate_context(value: Any, where: str, *, object_kind: str, version: str) -> None:
    context = _obj(value, where)
    _keys(context, _CONTEXT_KEYS_V2 if version == V2 else _CONTEXT_KEYS_V1, where)
    if "registration" in context:
        _uuid(context["registration"], f"{where}.registration")
    if "instructor" in context:
        validate_actor(context["instructor"], f"{where}.instructor")
    if "team" in context:
        validate_group(context["team"], f"{where}.team")
    if "contextActivities" in context:
        activities = _obj(context["contextActivities"], f"{where}.contextActivities")
        _keys(
            activities,
            frozenset({"parent", "grouping", "category", "other"}),
            f"{where}.contextActivities",
        )
        for key, item in activities.items():
            here = f"{where}.contextActivities.{key}"
            items = item if isinstance(item, list) else [item]
            for index, activity in enumerate(items):
                validate_activity(activity, f"{here}[{index}]")
    for key in ("revision", "platform"):
        if key in context:
            _string(context[key], f"{where}.{key}")
            if object_kind != "Activity":
                raise bad(
                    f"{where}.{key} must not be used when the object is an agent or group",
                    location=where,
                )
    if "language" in context and not is_language_tag(
        _string(context["language"], f"{where}.language")
    ):
        raise bad(f"{where}.language must be an RFC 5646 language tag", location=where)
    if "statement" in context:
        ref = _obj(context["statement"], f"{where}.statement")
        if ref.get("objectType") != "StatementRef":
            raise bad(f"{where}.statement must be a StatementRef", location=where)
        _statement_ref(ref, f"{where}.statement")
    if "extensions" in context:
        _extensions(context["extensions"], f"{where}.extensions")
    if "contextAgents" in context:
        _context_members(context["contextAgents"], f"{where}.contextAgents", "contextAgent")
    if "contextGroups" in context:
        _context_members(context["contextGroups"], f"{where}.contextGroups", "contextGroup")


def _context_members(value: Any, where: str, kind: str) -> None:
    if not isinstance(value, list):
        raise bad(f"{where} must be an array", location=where)
    member_key = "agent" if kind == "contextAgent" else "group"
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        entry = _obj(item, here)
        _keys(entry, frozenset({"objectType", member_key, "relevantTypes"}), here)
        if entry.get("objectType") != kind:
            raise bad(f"{here}.objectType must be {kind!r}", location=here)
        if member_key not in entry:
            raise bad(f"{here}.{member_key} is required", location=here)
        if kind == "contextAgent":
            validate_agent(entry["agent"], f"{here}.agent")
        else:
            validate_group(entry["group"], f"{here}.group")
        if "relevantTypes" in entry:
            types = entry["relevantTypes"]
            if not isinstance(types, list) or not types:
                raise bad(f"{here}.relevantTypes must be a non-empty array", location=here)
            for position, iri in enumerate(types):
                _iri(iri, f"{here}.relevantTypes[{position}]")


def validate_attachment(value: Any, where: str) -> None:
    attachment = _obj(value, where)
    _keys(
        attachment,
        frozenset(
            {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
        ),
        where,
    )
    for key in ("usageType", "display", "contentType", "length", "sha2"):
        if key not in attachment:
            raise bad(f"{where}.{key} is required", location=where)
    _iri(attachment["usageType"], f"{where}.usageType")
    _langmap(attachment["display"], f"{where}.display")
    if "description" in attachment:
        _langmap(attachment["description"], f"{where}.description")
    if not _MIME.match(_string(attachment["contentType"], f"{where}.contentType")):
        raise bad(f"{where}.contentType must be an Internet media type", location=where)
    length = attachment["length"]
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise bad(f"{where}.length must be a non-negative integer", location=where)
    if not re.fullmatch(r"[0-9a-fA-F]{56,128}", _string(attachment["sha2"], f"{where}.sha2")):
        raise bad(f"{where}.sha2 must be a SHA-2 hex digest", location=where)
    if "fileUrl" in attachment:
        _iri(attachment["fileUrl"], f"{where}.fileUrl")


def object_kind(statement: dict[str, Any]) -> str:
    target = statement.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType", "Activity")
        return kind if isinstance(kind, str) else ""
    return ""


def _validate_object(value: Any, where: str, *, version: str, sub: bool) -> str:
    target = _obj(value, where)
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        validate_activity(target, where)
    elif kind == "Agent":
        validate_agent(target, where, object_type_required=True)
    elif kind == "Group":
        validate_group(target, where)
    elif kind == "StatementRef":
        _statement_ref(target, where)
    elif kind == "SubStatement" and not sub:
        _validate_core(target, where, version=version, sub=True)
    else:
        raise bad(f"{where}.objectType {kind!r} is not allowed here", location=where)
    return str(kind)


_STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
        "objectType",
    }
)
_SUB_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)


def _validate_core(statement: dict[str, Any], where: str, *, version: str, sub: bool) -> None:
    _keys(statement, _SUB_KEYS if sub else _STATEMENT_KEYS, where)
    if not sub and statement.get("objectType") not in (None, "Statement"):
        raise bad(f"{where}.objectType is not allowed on a statement", location=where)
    for key in ("actor", "verb", "object"):
        if key not in statement:
            raise bad(f"{where}.{key} is required", location=f"{where}.{key}")
    validate_actor(statement["actor"], f"{where}.actor")
    validate_verb(statement["verb"], f"{where}.verb")
    kind = _validate_object(statement["object"], f"{where}.object", version=version, sub=sub)
    if "result" in statement:
        validate_result(statement["result"], f"{where}.result")
    if "context" in statement:
        validate_context(
            statement["context"], f"{where}.context", object_kind=kind, version=version
        )
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"], f"{where}.timestamp", version=version)
    if "attachments" in statement:
        attachments = statement["attachments"]
        if not isinstance(attachments, list):
            raise bad(f"{where}.attachments must be an array", location=where)
        for index, attachment in enumerate(attachments):
            validate_attachment(attachment, f"{where}.attachments[{index}]")
    if statement["verb"]["id"] == VOIDED and kind != "StatementRef":
        raise bad("a voiding statement's object must be a StatementRef", location=where)


#: Deepest nesting accepted in a statement (extensions included). Real statements need under
#: ten levels; the limit keeps recursive checks and serialisation (orjson stops at 255) safe.
MAX_DEPTH = 64


def check_depth(value: Any, where: str = "$") -> None:
    """Refuse (400) JSON nested deeper than :data:`MAX_DEPTH`, without recursing.

    Level by level over containers only (the root is level 1): a non-empty container on level
    ``MAX_DEPTH`` has children deeper than allowed. Fast path: a value with fewer than
    ``MAX_DEPTH`` containers cannot be that deep, and its serialisation counts them from above
    in C (brackets inside strings only over-count); real statements have about twenty.
    """
    if not isinstance(value, dict | list):
        return
    try:
        text = orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        text = None  # too deep for orjson, or not plain JSON: walk it
    if text is not None and text.count(b"{") + text.count(b"[") < MAX_DEPTH:
        return
    level = [value]
    depth = 1
    while level:
        if depth >= MAX_DEPTH and any(level):
            raise bad(f"{where} is nested more than {MAX_DEPTH} levels deep", location=where)
        deeper: list[Any] = []
        for item in level:
            children = item.values() if isinstance(item, dict) else item
            deeper.extend([child for child in children if isinstance(child, dict | list)])
        level = deeper
        depth += 1


def validate_statement(value: Any, *, version: str, where: str = "$") -> dict[str, Any]:
    """Validate one statement; return it. Raises :class:`XapiError` (400) on the first fault."""
    check_depth(value, where)
    try:
        return _validate_statement(value, version=version, where=where)
    except (TypeError, KeyError, AttributeError) as exc:
        # A value of an unexpected JSON type deep inside: still a malformed statement (400).
        raise bad(f"{where} is malformed", location=where) from exc


def _validate_statement(value: Any, *, version: str, where: str) -> dict[str, Any]:
    statement = _obj(value, where)
    _validate_core(statement, where, version=version, sub=False)
    if "id" in statement:
        _uuid(statement["id"], f"{where}.id")
    if "stored" in statement:
        parse_timestamp(statement["stored"], f"{where}.stored", version=version)
    if "authority" in statement:
        validate_actor(statement["authority"], f"{where}.authority")
        authority = statement["authority"]
        # D 2.4.9: a Group authority is the OAuth pair: anonymous, exactly two agents.
        if authority.get("objectType") == "Group" and (
            len(authority.get("member", [])) != 2 or any(k in authority for k in _IFIS)
        ):
            raise bad("a group authority must be an anonymous group of two agents", location=where)
    if "version" in statement and not _VERSION.match(
        _string(statement["version"], f"{where}.version")
    ):
        raise bad(f"{where}.version must be 1.0.x or 2.0.x", location=f"{where}.version")
    return statement


def check_statement_id(value: str, where: str) -> uuid.UUID:
    if not is_uuid(value):
        raise XapiError(
            400,
            "statementId は UUID で指定してください。",
            f"{where} must be a UUID",
            code="bad_request",
        )
    return uuid.UUID(value)
