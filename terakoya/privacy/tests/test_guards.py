"""The My Number guard and the prohibited-category filter (reference/privacy-law.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terakoya.privacy.categories import DataCategory
from terakoya.privacy.guards import (
    MyNumberRefused,
    ProhibitedCategoryRefused,
    check_identifier,
    check_text,
    contains_my_number,
    is_my_number,
    my_number_check_digit,
    prohibited_category_of,
    scan,
)

VALID = ["621498320257", "123456789018"]
INVALID = ["621498320258", "123456789019"]
FULL_WIDTH = str.maketrans("0123456789 -", "０１２３４５６７８９　－")


def _grouped(number: str, sep: str) -> str:
    return sep.join([number[0:4], number[4:8], number[8:12]])


def _variants(number: str) -> list[str]:
    plain = [number, _grouped(number, " "), _grouped(number, "-")]
    return [*plain, *(v.translate(FULL_WIDTH) for v in plain)]


@pytest.mark.parametrize("number", VALID)
def test_the_reference_samples_have_a_valid_check_digit(number):
    assert is_my_number(number)
    assert my_number_check_digit(number[:11]) == int(number[11])


@pytest.mark.parametrize("number", VALID)
def test_a_my_number_is_refused_half_or_full_width_with_spaces_or_hyphens(number):
    for text in _variants(number):
        with pytest.raises(MyNumberRefused):
            check_text(f"連絡先: {text} です", location="note")


@pytest.mark.parametrize("number", INVALID)
def test_a_number_whose_check_digit_is_wrong_passes(number):
    for text in _variants(number):
        check_text(f"連絡先: {text} です")
        assert not contains_my_number(text)


def test_longer_digit_runs_and_uuids_are_not_mistaken_for_a_my_number():
    check_text("6214983202571")  # 13 digits
    check_text("x621498320257")  # glued to a letter
    check_text("8a6e0804-2bd0-4672-b79d-621498320257")  # the last group of a UUID
    with pytest.raises(MyNumberRefused):  # a separate digit after it does not hide it
        check_text("6214 9832 0257 1")


def test_the_refusal_explains_in_japanese_and_english_and_names_the_location():
    with pytest.raises(MyNumberRefused) as refused:
        check_text("621498320257", location="form.note")
    error = refused.value
    assert "マイナンバー" in error.message_ja
    assert "My Number" in error.message_en
    assert error.location == "form.note"
    assert error.as_dict()["code"] == "my_number"


def _with_check_digit(base: str) -> str:
    return base + str(my_number_check_digit(base))


@given(
    base=st.text(alphabet="0123456789", min_size=11, max_size=11),
    form=st.sampled_from(["plain", "spaces", "hyphens"]),
    full_width=st.booleans(),
    context=st.tuples(
        st.sampled_from(["", "番号は", "id: ", "メモ "]), st.sampled_from(["", "。", " です"])
    ),
)
def test_any_twelve_digits_with_a_valid_check_digit_are_refused_and_never_echoed(
    base, form, full_width, context
):
    number = _with_check_digit(base)
    text = {"plain": number, "spaces": _grouped(number, " "), "hyphens": _grouped(number, "-")}[
        form
    ]
    if full_width:
        text = text.translate(FULL_WIDTH)
    with pytest.raises(MyNumberRefused) as refused:
        scan({"note": f"{context[0]}{text}{context[1]}"}, location="$")
    error = refused.value
    rendered = f"{error} {error.message_ja} {error.message_en} {error.as_dict()} {error.args!r}"
    for shown in {number, text, number[:4] + number[4:8], number[-8:]}:
        assert shown not in rendered


@given(base=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_twelve_digits_with_a_wrong_check_digit_pass(base):
    wrong = (my_number_check_digit(base) + 1) % 10
    check_text(base + str(wrong))


def test_scan_finds_a_my_number_anywhere_in_a_json_body():
    body = {"result": {"response": "ok"}, "items": [{"memo": "x"}, {"memo": "621498320257"}]}
    with pytest.raises(MyNumberRefused) as refused:
        scan(body)
    assert refused.value.location == "$.items[1].memo"
    with pytest.raises(MyNumberRefused):
        scan({"n": 123456789018})  # a number, not only a string


PROHIBITED = {
    "pulse": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "heartRate": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "blood-pressure": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "perspiration": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "https://example.org/xapi/extensions/eeg": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "脈拍": DataCategory.PHYSIOLOGICAL_SIGNAL,
    "gaze": DataCategory.GAZE,
    "eye_tracking": DataCategory.GAZE,
    "視線": DataCategory.GAZE,
    "facialExpression": DataCategory.FACIAL_EXPRESSION,
    "表情": DataCategory.FACIAL_EXPRESSION,
    "emotion": DataCategory.AFFECT_INFERENCE,
    "mood": DataCategory.AFFECT_INFERENCE,
    "http://example.org/verbs/felt-frustration": DataCategory.AFFECT_INFERENCE,
    "感情": DataCategory.AFFECT_INFERENCE,
    "household_income": DataCategory.FAMILY_CIRCUMSTANCES_FOR_ANALYTICS,
    "myNumber": DataCategory.MY_NUMBER,
    "マイナンバー": DataCategory.MY_NUMBER,
}
INNOCENT = [
    "score",
    "model",
    "subject",
    "pupil",
    "response",
    "duration",
    "https://w3id.org/xapi/dod-isd/verbs/answered",
    "heartily",
    "moodle_course_id",
    "affected_rows",
    "point",
    "教科",
]


@pytest.mark.parametrize(("identifier", "category"), sorted(PROHIBITED.items()))
def test_identifiers_naming_a_prohibited_category_are_refused(identifier, category):
    assert prohibited_category_of(identifier) is category
    with pytest.raises(ProhibitedCategoryRefused) as refused:
        check_identifier(identifier)
    assert refused.value.category is category


@pytest.mark.parametrize("identifier", INNOCENT)
def test_innocent_identifiers_pass(identifier):
    assert prohibited_category_of(identifier) is None
    check_identifier(identifier)


def test_a_biometric_extension_in_an_xapi_result_is_refused_with_its_path():
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "result": {"extensions": {"https://example.org/ext/heart-rate": 92}},
    }
    with pytest.raises(ProhibitedCategoryRefused) as refused:
        scan(statement)
    assert "heart-rate" in refused.value.location
    assert "生体信号" in refused.value.message_ja


def test_a_prohibited_verb_is_refused_through_identifiers():
    with pytest.raises(ProhibitedCategoryRefused):
        scan({}, identifiers=["https://example.org/verbs/detected-emotion"])


def test_the_start_of_a_uuid_is_not_taken_for_a_my_number():
    # The head of a UUID ("62149832-0257-…") reads as twelve digits with a valid check digit
    # if the separators are ignored; mixed separators are not a My Number's 4-4-4 form.
    from terakoya.privacy.guards import contains_my_number

    for digits in ("621498320257", "123456789018"):
        uuid_text = f"{digits[:8]}-{digits[8:]}-4abc-8def-0123456789ab"
        assert not contains_my_number(uuid_text)
    assert contains_my_number("6214-9832-0257")
    assert contains_my_number("6214 9832 0257")
    assert not contains_my_number("62149832-0257")
    assert not contains_my_number("6214-98320257")
