"""Identifiers, index extraction, comparison and output formats of statements."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from terakoya.records.xapi.validate import parse_timestamp


def agent_ifi(agent: dict[str, Any]) -> str | None:
    """The canonical inverse functional identifier of an agent or identified group.

    ``mbox:mailto:a@b``, ``sha1:<hex>``, ``openid:<uri>`` or ``account:<homePage>|<name>``.
    Mailbox addresses compare case-insensitively in the domain; xAPI compares them as given,
    so only the scheme is folded. Returns None for an anonymous group.
    """
    if "mbox" in agent and isinstance(agent["mbox"], str):
        return "mbox:" + agent["mbox"]
    if "mbox_sha1sum" in agent and isinstance(agent["mbox_sha1sum"], str):
        return "sha1:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent and isinstance(agent["openid"], str):
        return "openid:" + agent["openid"]
    account = agent.get("account")
    if isinstance(account, dict):
        return f"account:{account.get('homePage')}|{account.get('name')}"
    return None


def _actor_ifis(actor: Any, out: dict[str, bool], *, main: bool) -> None:
    if not isinstance(actor, dict):
        return
    ifi = agent_ifi(actor)
    if ifi is not None:
        out[ifi] = out.get(ifi, False) or main
    for member in actor.get("member") or []:
        if isinstance(member, dict):
            member_ifi = agent_ifi(member)
            if member_ifi is not None:
                out[member_ifi] = out.get(member_ifi, False) or main
    for key in ("agent", "group"):  # contextAgents / contextGroups entries
        if key in actor:
            _actor_ifis(actor[key], out, main=main)


def _activity(activity: Any, out: dict[str, bool], *, main: bool) -> None:
    if isinstance(activity, dict) and isinstance(activity.get("id"), str):
        out[activity["id"]] = out.get(activity["id"], False) or main


def _context_index(context: Any, agents: dict[str, bool], activities: dict[str, bool]) -> None:
    if not isinstance(context, dict):
        return
    for key in ("instructor", "team"):
        _actor_ifis(context.get(key), agents, main=False)
    for key in ("contextAgents", "contextGroups"):
        for entry in context.get(key) or []:
            _actor_ifis(entry, agents, main=False)
    for items in (context.get("contextActivities") or {}).values():
        for activity in items if isinstance(items, list) else [items]:
            _activity(activity, activities, main=False)


def index_terms(statement: dict[str, Any]) -> tuple[dict[str, bool], dict[str, bool]]:
    """Agents (IFI → is actor/object) and activities (id → is the object) a statement mentions.

    The ``False`` entries are reached only through ``related_agents``/``related_activities``:
    context, authority, instructor, team, group members and the SubStatement (C 2.1.3).
    """
    agents: dict[str, bool] = {}
    activities: dict[str, bool] = {}
    _actor_ifis(statement.get("actor"), agents, main=True)
    target = statement.get("object") or {}
    kind = target.get("objectType", "Activity")
    if kind in {"Agent", "Group"}:
        _actor_ifis(target, agents, main=True)
    elif kind == "Activity":
        _activity(target, activities, main=True)
    elif kind == "SubStatement":
        _actor_ifis(target.get("actor"), agents, main=False)
        inner = target.get("object") or {}
        inner_kind = inner.get("objectType", "Activity")
        if inner_kind in {"Agent", "Group"}:
            _actor_ifis(inner, agents, main=False)
        elif inner_kind == "Activity":
            _activity(inner, activities, main=False)
        _context_index(target.get("context"), agents, activities)
    _actor_ifis(statement.get("authority"), agents, main=False)
    _context_index(statement.get("context"), agents, activities)
    return agents, activities


def normalise(statement: dict[str, Any]) -> dict[str, Any]:
    """Return the statement with single context activities wrapped in arrays (D 2.4.6.2)."""
    out = dict(statement)
    for part in (out, out.get("object")):
        if not isinstance(part, dict):
            continue
        context = part.get("context")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            activities = {
                key: items if isinstance(items, list) else [items]
                for key, items in context["contextActivities"].items()
            }
            part_context = {**context, "contextActivities": activities}
            if part is out:
                out["context"] = part_context
            else:
                out["object"] = {**part, "context": part_context}
    return out


def activities_with_definitions(statement: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (activity id, definition) a statement carries: object, SubStatement, context."""
    found: list[tuple[str, dict[str, Any]]] = []

    def take(activity: Any) -> None:
        if (
            isinstance(activity, dict)
            and activity.get("objectType", "Activity") == "Activity"
            and isinstance(activity.get("id"), str)
            and isinstance(activity.get("definition"), dict)
        ):
            found.append((activity["id"], activity["definition"]))

    def part(value: dict[str, Any]) -> None:
        target = value.get("object")
        take(target)
        context = value.get("context")
        if isinstance(context, dict):
            for items in (context.get("contextActivities") or {}).values():
                for item in items if isinstance(items, list) else [items]:
                    take(item)
        if isinstance(target, dict) and target.get("objectType") == "SubStatement":
            part(target)

    part(statement)
    return found


def activity_ids(statement: dict[str, Any]) -> set[str]:
    """Every activity id in a statement (for canonical definitions)."""
    ids: set[str] = set()

    def part(value: dict[str, Any]) -> None:
        target = value.get("object")
        if (
            isinstance(target, dict)
            and target.get("objectType", "Activity") == "Activity"
            and isinstance(target.get("id"), str)
        ):
            ids.add(target["id"])
        context = value.get("context")
        if isinstance(context, dict):
            for items in (context.get("contextActivities") or {}).values():
                for item in items if isinstance(items, list) else [items]:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        ids.add(item["id"])
        if isinstance(target, dict) and target.get("objectType") == "SubStatement":
            part(target)

    part(statement)
    return ids


# --- comparison (C 2.1.1/2.1.2: a repeated id with a different statement is a conflict) --------

_IGNORED_TOP = ("id", "authority", "stored", "version", "attachments")


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key in {"definition", "display"}:
                continue
            if key == "mbox" and isinstance(item, str):
                result[key] = item.lower()
            elif key == "member" and isinstance(item, list):
                result[key] = sorted(
                    (_canonical(m) for m in item),
                    key=lambda m: orjson.dumps(m, option=orjson.OPT_SORT_KEYS),
                )
            else:
                result[key] = _canonical(item)
        if result.get("objectType") == "Activity" and len(result) > 1:
            result.pop("objectType")
        return result
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _duration(value: Any) -> Any:
    """D 4.6: precision beyond 0.01 s is not compared."""
    if isinstance(value, str) and "." in value and value.endswith("S"):
        head, _, fraction = value[:-1].rpartition(".")
        return f"{head}.{fraction[:2]}S" if fraction[:2].strip("0") else f"{head}S"
    return value


def _instant(value: Any) -> Any:
    try:
        return parse_timestamp(value, "timestamp", version="1.0.3").isoformat()
    except ValueError:
        return value


def equivalent(incoming: dict[str, Any], existing: dict[str, Any]) -> bool:
    """True when two statements with the same id are the same statement.

    Ignores what the LRS assigns (id, authority, stored, version), activity definitions, verb
    display, group member order, attachments and the serialisation of the timestamp (compared
    as instants; an omitted timestamp matches the one the LRS assigned).
    """
    left = {k: v for k, v in incoming.items() if k not in _IGNORED_TOP}
    right = {k: v for k, v in existing.items() if k not in _IGNORED_TOP}
    if "timestamp" not in left:
        right.pop("timestamp", None)
    elif "timestamp" in right:
        left["timestamp"] = _instant(left["timestamp"])
        right["timestamp"] = _instant(right["timestamp"])
    for side in (left, right):
        result = side.get("result")
        if isinstance(result, dict) and "duration" in result:
            side["result"] = {**result, "duration": _duration(result["duration"])}
        target = side.get("object")
        if isinstance(target, dict) and target.get("objectType") == "SubStatement":
            sub = dict(target)
            if "timestamp" in sub:
                sub["timestamp"] = _instant(sub["timestamp"])
            sub.pop("attachments", None)
            side["object"] = sub
    return bool(_canonical(left) == _canonical(right))


# --- output formats (C 2.1.3 "format") ----------------------------------------------------------


def _ids_agent(agent: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "objectType" in agent:
        out["objectType"] = agent["objectType"]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            out[key] = agent[key]
    if agent.get("objectType") == "Group" and "member" in agent and len(out) == 1:
        out["member"] = [_ids_agent(m) for m in agent["member"]]  # anonymous groups only
    return out


def _ids_object(target: dict[str, Any]) -> dict[str, Any]:
    kind = target.get("objectType", "Activity")
    if kind in {"Agent", "Group"}:
        return _ids_agent(target)
    if kind == "Activity":
        return {"id": target["id"]}
    if kind == "SubStatement":
        return _ids_statement(target)
    return target


def _ids_statement(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    out["actor"] = _ids_agent(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _ids_object(statement["object"])
    if "authority" in out:
        out["authority"] = _ids_agent(out["authority"])
    context = out.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [{"id": a["id"]} for a in (items if isinstance(items, list) else [items])]
                for key, items in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def _pick_language(value: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    if not value:
        return value
    for wanted in languages:
        for key, text in value.items():
            if key.lower() == wanted:
                return {key: text}
        for key, text in value.items():
            if key.lower().split("-")[0] == wanted.split("-")[0]:
                return {key: text}
    key = next(iter(value))
    return {key: value[key]}


def _canonical_languages(value: Any, languages: list[str]) -> Any:
    if isinstance(value, dict):
        identified = value.get("objectType") == "Group" and any(
            k in value for k in ("mbox", "mbox_sha1sum", "openid", "account")
        )
        if identified:
            value = {k: v for k, v in value.items() if k != "member"}
        out = {}
        for key, item in value.items():
            if key in {"display", "name", "description"} and isinstance(item, dict):
                out[key] = _pick_language(item, languages)
            elif key == "extensions":
                out[key] = item
            else:
                out[key] = _canonical_languages(item, languages)
        return out
    if isinstance(value, list):
        return [_canonical_languages(item, languages) for item in value]
    return value


def accept_languages(header: str) -> list[str]:
    """Language tags from an Accept-Language header, best first."""
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for piece in pieces[1:]:
            if piece.strip().startswith("q="):
                try:
                    quality = float(piece.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((quality, tag))
    return [tag for _, tag in sorted(ranked, key=lambda item: -item[0])]


def render(
    statement: dict[str, Any],
    *,
    fmt: str,
    languages: list[str],
    definitions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A stored statement in the requested format: exact, ids or canonical."""
    if fmt == "ids":
        return _ids_statement(statement)
    if fmt == "canonical":
        out = copy.deepcopy(statement)
        if definitions:
            _apply_definitions(out, definitions)
        result: dict[str, Any] = _canonical_languages(out, languages)
        return result
    return statement


def _apply_definitions(value: Any, definitions: dict[str, Any]) -> None:
    if isinstance(value, dict):
        ident = value.get("id")
        if (
            isinstance(ident, str)
            and ident in definitions
            and value.get("objectType", "Activity") == "Activity"
            and "verb" not in value
        ):
            value["definition"] = copy.deepcopy(definitions[ident])
        for item in value.values():
            _apply_definitions(item, definitions)
    elif isinstance(value, list):
        for item in value:
            _apply_definitions(item, definitions)
