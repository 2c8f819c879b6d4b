"""QTI 2.x and 3.0 items: import choice, text-entry, order and extended-text items; export.

One item file (``assessmentItem`` in QTI 2.x, ``qti-assessment-item`` in 3.0) or a content
package (zip) of them. QTI 3.0's kebab-case names are read as their 2.x camelCase equivalents,
so one reader serves both. Mapped to the bank's types:

- ``choiceInteraction`` with ``maxChoices="1"`` → single; otherwise → multiple
- one ``textEntryInteraction`` → short (string) or numeric (float/integer, with the
  correct value); several → cloze with a gap each
- ``orderInteraction`` → ordering; ``extendedTextInteraction`` → essay

Anything else is reported by file and element; a package with any problem imports nothing.
Parsed with defusedxml; zip members are size-limited and never extracted to disk.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring

from terakoya.assessment.interchange import ImportFailed, Problem, QuestionDraft, drafts_check

QTI21_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
MAX_PACKAGE_BYTES = 20 * 1024 * 1024
_INTERACTIONS = {
    "choiceInteraction",
    "textEntryInteraction",
    "orderInteraction",
    "extendedTextInteraction",
    "inlineChoiceInteraction",
    "matchInteraction",
    "associateInteraction",
    "gapMatchInteraction",
    "hotspotInteraction",
    "hottextInteraction",
    "sliderInteraction",
    "uploadInteraction",
    "drawingInteraction",
    "graphicOrderInteraction",
    "mediaInteraction",
}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "blockquote", "prompt", "h1", "h2", "h3", "h4"}


def _camel(name: str) -> str:
    """QTI 3 ``qti-choice-interaction`` / ``max-choices`` → QTI 2 ``choiceInteraction``."""
    if name.startswith("qti-"):
        name = name[4:]
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _normalise(element: ET.Element) -> None:
    for node in element.iter():
        tag = node.tag.split("}", 1)[-1] if isinstance(node.tag, str) else node.tag
        node.tag = _camel(tag) if isinstance(tag, str) else tag
        for key in list(node.attrib):
            plain = key.split("}", 1)[-1]
            new = _camel(plain) if "-" in plain else plain
            if new != key:
                node.attrib[new] = node.attrib.pop(key)


def _text_of(element: ET.Element, *, skip: set[str] | None = None) -> str:
    skip = skip or set()
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag not in skip:
            parts.append(_text_of(child, skip=skip))
            if child.tag in _BLOCK:
                parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _clean(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _body_text(body: ET.Element, markers: dict[str, str]) -> str:
    """Item body text; each interaction is replaced by its marker (or dropped)."""
    parts: list[str] = [body.text or ""]
    for child in body:
        if child.tag in _INTERACTIONS:
            parts.append(markers.get(child.get("responseIdentifier", ""), ""))
            if child.tag != "textEntryInteraction":
                prompt = child.find("prompt")
                if prompt is not None:
                    parts.append("\n" + _text_of(prompt) + "\n")
        elif child.tag not in {"rubricBlock", "modalFeedback", "feedbackBlock"}:
            parts.append(_body_text(child, markers))
            if child.tag in _BLOCK:
                parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _item(root: ET.Element, where: str, problems: list[Problem]) -> QuestionDraft | None:
    _normalise(root)
    if root.tag != "assessmentItem":
        problems.append(
            Problem(where, f"<{root.tag}> はQTIの問題ではありません", "not a QTI assessment item")
        )
        return None
    title = root.get("title") or root.get("identifier") or where
    where = f"{where} 「{title}」"
    body = root.find("itemBody")
    if body is None:
        problems.append(Problem(f"{where} <itemBody>", "問題本文がありません", "no itemBody"))
        return None
    declarations = {d.get("identifier", ""): d for d in root.findall("responseDeclaration")}
    interactions = [e for e in body.iter() if e.tag in _INTERACTIONS]
    kinds = {e.tag for e in interactions}
    if not interactions:
        problems.append(Problem(where, "解答欄がありません", "no interaction"))
        return None
    unsupported = kinds - {
        "choiceInteraction",
        "textEntryInteraction",
        "orderInteraction",
        "extendedTextInteraction",
    }
    if (
        unsupported
        or (len(kinds) > 1)
        or (len(interactions) > 1 and kinds != {"textEntryInteraction"})
    ):
        name = sorted(unsupported or kinds)[0]
        problems.append(
            Problem(
                f"{where} <{name}>",
                "この解答欄(またはその組み合わせ)は取り込めません",
                "this interaction (or combination) cannot be imported",
            )
        )
        return None
    feedback = {m.get("identifier", ""): _clean(_text_of(m)) for m in root.findall("modalFeedback")}
    common: dict[str, Any] = {"name": _clean(title)[:255], "location": where}

    def correct(identifier: str) -> list[str]:
        decl = declarations.get(identifier)
        if decl is None:
            return []
        return [(v.text or "").strip() for v in decl.findall("correctResponse/value")]

    def mapping(identifier: str) -> dict[str, float]:
        decl = declarations.get(identifier)
        result: dict[str, float] = {}
        if decl is None:
            return result
        for entry in decl.findall("mapping/mapEntry"):
            try:
                result[entry.get("mapKey", "")] = float(entry.get("mappedValue", "0"))
            except ValueError:
                problems.append(
                    Problem(f"{where} <mapEntry>", "mappedValue が数ではありません", "not a number")
                )
        return result

    first = interactions[0]
    rid = first.get("responseIdentifier", "")
    if first.tag != "textEntryInteraction" and rid not in declarations:
        problems.append(
            Problem(
                f"{where} <responseDeclaration>",
                f"解答「{rid}」の正答の宣言がありません",
                f"no responseDeclaration for {rid!r}",
            )
        )
        return None
    if first.tag == "choiceInteraction":
        right = set(correct(rid))
        choices = []
        for choice in first.findall("simpleChoice"):
            ident = choice.get("identifier", "")
            inline = " ".join(
                _clean(_text_of(f)) for f in choice if f.tag in {"feedbackInline", "feedbackBlock"}
            )
            choices.append(
                {
                    "id": ident,
                    "text": _clean(_text_of(choice, skip={"feedbackInline", "feedbackBlock"})),
                    "feedback": inline or feedback.get(ident, ""),
                    "right": ident in right,
                }
            )
        if not right:
            problems.append(
                Problem(f"{where} <correctResponse>", "正答がありません", "no correct response")
            )
            return None
        single = first.get("maxChoices", "1") == "1"
        k = len(right)
        rows = [
            {
                "text": c["text"],
                "feedback": c["feedback"],
                "fraction": (1.0 if single else 1 / k)
                if c["right"]
                else (0.0 if single else -1 / k),
            }
            for c in choices
        ]
        text = _clean(_body_text(body, {}))
        return QuestionDraft(
            qtype="single" if single else "multiple",
            text=text,
            spec={"choices": rows, "shuffle": first.get("shuffle") == "true"},
            **common,
        )
    if first.tag == "orderInteraction":
        texts = {
            c.get("identifier", ""): _clean(_text_of(c)) for c in first.findall("simpleChoice")
        }
        order = correct(rid)
        if sorted(order) != sorted(texts):
            problems.append(
                Problem(
                    f"{where} <correctResponse>",
                    "正しい順番がすべての項目を含みません",
                    "incomplete order",
                )
            )
            return None
        text = _clean(_body_text(body, {}))
        return QuestionDraft(
            qtype="ordering", text=text, spec={"items": [texts[i] for i in order]}, **common
        )
    if first.tag == "extendedTextInteraction":
        return QuestionDraft(
            qtype="essay", text=_clean(_body_text(body, {})), spec={"grader_info": ""}, **common
        )
    # text entry: one → short/numeric; several → cloze
    gaps = []
    markers: dict[str, str] = {}
    for index, interaction in enumerate(interactions, start=1):
        ident = interaction.get("responseIdentifier", "")
        decl = declarations.get(ident)
        if decl is None:
            problems.append(
                Problem(
                    f'{where} <textEntryInteraction responseIdentifier="{ident}">',
                    "正答の宣言がありません",
                    "no responseDeclaration",
                )
            )
            return None
        values = correct(ident)
        mapped = mapping(ident)
        base = decl.get("baseType", "string")
        answers: list[dict[str, Any]] = []
        if base in {"float", "integer"}:
            kind = "numeric"
            for value in values:
                try:
                    answers.append(
                        {"value": float(value), "tolerance": 0.0, "fraction": 1.0, "feedback": ""}
                    )
                except ValueError:
                    problems.append(
                        Problem(
                            f"{where} <correctResponse>",
                            f"「{value}」が数ではありません",
                            "not a number",
                        )
                    )
        else:
            kind = "short"
            top = max([v for v in mapped.values() if v > 0], default=1.0)
            seen: set[str] = set()
            for value in values:
                answers.append({"text": value, "fraction": 1.0, "feedback": ""})
                seen.add(value)
            for key, weight in mapped.items():
                if key not in seen and weight > 0:
                    answers.append(
                        {"text": key, "fraction": min(1.0, weight / top), "feedback": ""}
                    )
        gaps.append({"kind": kind, "answers": answers})
        markers[ident] = f"{{{{{index}}}}}"
    if len(gaps) == 1:
        text = _clean(_body_text(body, {}))
        gap = gaps[0]
        if gap["kind"] == "numeric":
            return QuestionDraft(
                qtype="numeric", text=text, spec={"answers": gap["answers"]}, **common
            )
        return QuestionDraft(
            qtype="short",
            text=text,
            spec={"answers": gap["answers"], "case_sensitive": True},
            **common,
        )
    return QuestionDraft(
        qtype="cloze", text=_clean(_body_text(body, markers)), spec={"gaps": gaps}, **common
    )


def _parse_one(data: bytes, where: str, problems: list[Problem]) -> QuestionDraft | None:
    try:
        root = safe_fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        problems.append(
            Problem(where, f"XMLとして読めません({exc})", f"not well-formed or unsafe XML ({exc})")
        )
        return None
    return _item(root, where, problems)


def parse_qti(source: bytes) -> list[QuestionDraft]:
    """Parse one QTI item or a zip package of items; raise ImportFailed naming file and element."""
    problems: list[Problem] = []
    drafts: list[QuestionDraft] = []
    if source[:2] == b"PK":
        try:
            package = zipfile.ZipFile(io.BytesIO(source))
        except zipfile.BadZipFile as exc:
            raise ImportFailed(
                [Problem("zip", "zipファイルが壊れています", "broken zip file")]
            ) from exc
        members = [
            m
            for m in package.infolist()
            if m.filename.lower().endswith(".xml")
            and not m.filename.lower().endswith("imsmanifest.xml")
        ]
        if sum(m.file_size for m in members) > MAX_PACKAGE_BYTES:
            raise ImportFailed([Problem("zip", "パッケージが大きすぎます", "package too large")])
        for member in sorted(members, key=lambda m: m.filename):
            draft = _parse_one(package.read(member), member.filename, problems)
            if draft is not None:
                drafts.append(draft)
    else:
        draft = _parse_one(source, "item", problems)
        if draft is not None:
            drafts.append(draft)
    return drafts_check(drafts, problems)


# ---------------------------------------------------------------- export (QTI 2.1)


def _q(tag: str) -> str:
    return f"{{{QTI21_NS}}}{tag}"


def _item_xml(q: dict[str, Any], index: int) -> bytes | None:
    qtype, spec = q["qtype"], q["spec"]
    item = ET.Element(
        _q("assessmentItem"),
        {
            "identifier": f"item{index}",
            "title": q["name"],
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    body_text = re.sub(r"<[^>]+>", "", q["text"])
    if qtype in {"single", "multiple", "truefalse"}:
        choices: list[dict[str, Any]]
        if qtype == "truefalse":
            choices = [
                {"text": "正しい", "fraction": 1.0 if spec["answer"] else 0.0},
                {"text": "まちがい", "fraction": 0.0 if spec["answer"] else 1.0},
            ]
        else:
            choices = list(spec["choices"])
        single = qtype != "multiple"
        decl = ET.SubElement(
            item,
            _q("responseDeclaration"),
            {
                "identifier": "RESPONSE",
                "cardinality": "single" if single else "multiple",
                "baseType": "identifier",
            },
        )
        right = ET.SubElement(decl, _q("correctResponse"))
        for n, c in enumerate(choices):
            if float(c["fraction"]) > 0:
                ET.SubElement(right, _q("value")).text = f"C{n}"
        body = ET.SubElement(item, _q("itemBody"))
        interaction = ET.SubElement(
            body,
            _q("choiceInteraction"),
            {
                "responseIdentifier": "RESPONSE",
                "maxChoices": "1" if single else "0",
                "shuffle": "false",
            },
        )
        ET.SubElement(interaction, _q("prompt")).text = body_text
        for n, c in enumerate(choices):
            choice = ET.SubElement(interaction, _q("simpleChoice"), {"identifier": f"C{n}"})
            choice.text = re.sub(r"<[^>]+>", "", c["text"])
    elif qtype in {"short", "numeric"}:
        decl = ET.SubElement(
            item,
            _q("responseDeclaration"),
            {
                "identifier": "RESPONSE",
                "cardinality": "single",
                "baseType": "float" if qtype == "numeric" else "string",
            },
        )
        right = ET.SubElement(decl, _q("correctResponse"))
        best = [a for a in spec["answers"] if float(a["fraction"]) >= 1]
        for a in best:
            ET.SubElement(right, _q("value")).text = (
                f"{a['value']:g}" if qtype == "numeric" else a["text"]
            )
        body = ET.SubElement(item, _q("itemBody"))
        p = ET.SubElement(body, _q("p"))
        p.text = body_text + " "
        ET.SubElement(p, _q("textEntryInteraction"), {"responseIdentifier": "RESPONSE"})
    elif qtype == "ordering":
        decl = ET.SubElement(
            item,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": "ordered", "baseType": "identifier"},
        )
        right = ET.SubElement(decl, _q("correctResponse"))
        for n in range(len(spec["items"])):
            ET.SubElement(right, _q("value")).text = f"I{n}"
        body = ET.SubElement(item, _q("itemBody"))
        interaction = ET.SubElement(
            body, _q("orderInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "true"}
        )
        ET.SubElement(interaction, _q("prompt")).text = body_text
        for n, text in enumerate(spec["items"]):
            ET.SubElement(interaction, _q("simpleChoice"), {"identifier": f"I{n}"}).text = text
    elif qtype == "essay":
        ET.SubElement(
            item,
            _q("responseDeclaration"),
            {"identifier": "RESPONSE", "cardinality": "single", "baseType": "string"},
        )
        body = ET.SubElement(item, _q("itemBody"))
        interaction = ET.SubElement(
            body, _q("extendedTextInteraction"), {"responseIdentifier": "RESPONSE"}
        )
        ET.SubElement(interaction, _q("prompt")).text = body_text
    else:
        return None
    ET.register_namespace("", QTI21_NS)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(item, encoding="utf-8"))


def export_qti(questions: list[dict[str, Any]]) -> bytes:
    """Write questions as a zip of QTI 2.1 items with a minimal imsmanifest.xml."""
    problems: list[Problem] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        names = []
        for index, q in enumerate(questions, start=1):
            data = _item_xml(q, index)
            if data is None:
                problems.append(
                    Problem(
                        f"問題 {index}「{q['name']}」",
                        "QTIでは組み合わせ・穴うめを書き出せません。Moodle XMLを使ってください",
                        "matching and cloze are not exported to QTI; use Moodle XML",
                    )
                )
                continue
            name = f"item{index:04d}.xml"
            names.append(name)
            package.writestr(name, data)
        resources = "".join(
            f'<resource identifier="R{n}" type="imsqti_item_xmlv2p1" href="{name}">'
            f'<file href="{name}"/></resource>'
            for n, name in enumerate(names)
        )
        package.writestr(
            "imsmanifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="terakoya">'
            f"<organizations/><resources>{resources}</resources></manifest>",
        )
    if problems:
        raise ImportFailed(problems)
    return buffer.getvalue()
