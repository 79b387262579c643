"""How the suite compares what a target returns with what it was sent, and its list rules."""

from __future__ import annotations

from typing import Any

from sendcloud_contract.contract.documents import differences, merged_in, patched
from sendcloud_contract.contract.listing import sort_inversion


def test_server_fields_nulls_and_equal_instants_are_no_difference() -> None:
    sent = {"a": 1, "b": None, "at": "2024-01-01T10:00:00+02:00", "n": [{"x": 1.0}]}
    got = {"id": "5", "a": 1.0, "at": "2024-01-01T08:00:00Z", "n": [{"x": 1, "extra": 2}]}
    assert list(differences(sent, got)) == []


def test_a_changed_value_a_lost_item_and_a_bool_for_an_int_are_differences() -> None:
    sent: dict[str, Any] = {"a": 1, "items": [{"n": 1}, {"n": 2}], "flag": 1}
    got: dict[str, Any] = {"a": 2, "items": [{"n": 1}], "flag": True}
    assert list(differences(sent, got)) == [
        "/a",
        "/items (2 entries sent, 1 returned)",
        "/flag",
    ]


def test_a_value_kept_from_the_version_before_is_merged_in() -> None:
    previous = {"notes": "old", "address": {"line2": "Apt 1", "city": "Utrecht"}}
    sent = {"address": {"city": "Delft"}}
    got = {"notes": "old", "address": {"line2": "Apt 1", "city": "Delft"}, "added": "server"}
    assert list(merged_in(previous, sent, got)) == ["/notes", "/address/line2"]


def test_patch_merges_objects_removes_nulls_and_matches_items_by_name() -> None:
    order = {
        "order_id": "A",
        "notes": "x",
        "order_details": {"order_items": [{"name": "a", "quantity": 1}, {"name": "b"}]},
    }
    body = {
        "id": "9",
        "notes": None,
        "order_details": {"order_items": [{"name": "b", "quantity": 3}]},
    }
    assert patched(order, body) == {
        "order_id": "A",
        "order_details": {
            "order_items": [{"name": "a", "quantity": 1}, {"name": "b", "quantity": 3}]
        },
    }


def test_sort_inversions_are_found_only_where_every_collation_agrees() -> None:
    first = {"id": "1", "order_number": "B2", "order_details": {"integration": {"id": 2}}}
    second = {"id": "2", "order_number": "a1", "order_details": {"integration": {"id": 1}}}
    assert sort_inversion((("integration", False),), first, second) is not None
    assert sort_inversion((("integration", True),), first, second) is None
    # "B2" before "a1" by code point, after it in a case-insensitive collation: no verdict.
    assert sort_inversion((("order_number", False),), first, second) is None
    assert sort_inversion((("pk", True),), first, second) is not None
