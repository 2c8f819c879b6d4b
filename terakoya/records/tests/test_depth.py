"""The nesting limit of statements: exact at the boundary, and the same verdict as a plain
depth-first walk over any JSON value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terakoya.records.xapi.errors import XapiError
from terakoya.records.xapi.validate import MAX_DEPTH, check_depth


def _nested(containers: int, leaf: Any) -> Any:
    value: Any = [leaf] if leaf is not None else []
    for index in range(containers - 1):
        value = {"k": value} if index % 2 else [value]
    return value


def _too_deep(value: Any, depth: int = 1) -> bool:
    """Reference: any value (scalars included) on a level deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(child, depth + 1) for child in value.values())
    if isinstance(value, list):
        return any(_too_deep(child, depth + 1) for child in value)
    return False


def test_the_limit_is_exact():
    check_depth(_nested(MAX_DEPTH - 1, 1))  # the scalar sits on level MAX_DEPTH
    check_depth(_nested(MAX_DEPTH, None))  # an empty container on level MAX_DEPTH
    with pytest.raises(XapiError) as caught:
        check_depth(_nested(MAX_DEPTH, 1))
    assert caught.value.status == 400
    with pytest.raises(XapiError):
        check_depth(_nested(10 * MAX_DEPTH, "x"))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=40,
)


@given(value=_json, wrap=st.integers(min_value=MAX_DEPTH - 8, max_value=MAX_DEPTH + 2))
def test_the_same_verdict_as_a_depth_first_walk(value, wrap):
    for _ in range(wrap):
        value = [value]
    refused = False
    try:
        check_depth(value)
    except XapiError:
        refused = True
    assert refused == _too_deep(value)
