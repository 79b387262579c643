"""No recording, however broken its structure, makes the checker raise."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sendcloud_contract.loading import Document
from sendcloud_contract.recordings import validate_recording

_SCALARS = st.none() | st.booleans() | st.integers(-5, 700) | st.text(max_size=12)
_KEYS = st.sampled_from(
    [
        "request",
        "response",
        "method",
        "uri",
        "url",
        "body",
        "string",
        "headers",
        "status",
        "code",
        "status_code",
        "content",
        "text",
        "encoding",
        "postData",
        "base64",
        "name",
        "value",
        "log",
        "entries",
        "interactions",
    ]
)
_VALUES = st.recursive(
    _SCALARS
    | st.sampled_from(["GET", "POST", "DELETE", "https://x/api/v3/orders", "http://[::1/orders"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@given(_VALUES)
def test_any_cassette_structure_gives_a_report(entries: Any) -> None:
    report = validate_recording(Document({"interactions": [entries]}))
    assert report.recording is not None


@given(st.lists(st.dictionaries(_KEYS, _VALUES, max_size=4), max_size=3))
def test_any_har_or_own_form_structure_gives_a_report(entries: list[Any]) -> None:
    validate_recording(Document({"log": {"entries": entries}}))
    validate_recording(Document([{"request": e, "response": e} for e in entries]))
