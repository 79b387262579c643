"""Which interactions are checked, against which shape: routes, base path, statuses."""

from __future__ import annotations

import json

from tests.recordings.build import (
    BASE,
    ORDER,
    cassette_entry,
    check_bytes,
    check_value,
    created_entry,
    rules,
)


def test_other_routes_and_hosts_are_counted_and_ignored() -> None:
    cassette = {
        "interactions": [
            cassette_entry("GET", "https://panel.sendcloud.sc/api/v2/user", 200, "<html>"),
            cassette_entry("POST", "https://example.org/api/v3/parcels", 500, "oops"),
            created_entry(),
        ]
    }
    report = check_value(cassette)
    assert report.violations == []
    assert report.recording is not None
    assert (report.recording.interactions, report.recording.checked) == (3, 1)
    assert report.recording.ignored == 2


def test_any_host_is_matched() -> None:
    entry = created_entry()
    entry["request"]["uri"] = "http://127.0.0.1:8080/api/v3/orders/"
    report = check_value({"interactions": [entry]})
    assert report.recording is not None
    assert report.recording.checked == 1


def test_the_api_root_is_configurable() -> None:
    entry = created_entry()
    entry["request"]["uri"] = "https://proxy.internal/sendcloud/api/v3/orders"
    entry["response"]["body"]["string"] = "{}"
    cassette = {"interactions": [entry]}
    default = check_value(cassette)
    assert default.recording is not None
    assert default.recording.checked == 0
    moved = check_value(cassette, root="/sendcloud/api/v3")
    assert moved.recording is not None
    assert moved.recording.checked == 1
    assert ("required", "response") in rules(moved)


def test_the_list_query_is_validated() -> None:
    entry = cassette_entry(
        "GET", BASE + "/orders?page_size=10&colour=red", 200, json.dumps({"data": []})
    )
    report = check_value({"interactions": [entry]})
    assert [(v.rule, v.pointer, v.interaction and v.interaction.side) for v in report.errors] == [
        ("additionalProperties", "/colour", "request")
    ]


def test_a_missing_request_body_is_an_error() -> None:
    entry = created_entry()
    entry["request"]["body"] = None
    assert rules(check_value({"interactions": [entry]})) == [("recording.missing-body", "request")]


def test_204_without_body_passes_and_with_body_fails() -> None:
    empty = cassette_entry("DELETE", BASE + "/orders/5", 204, "")
    full = cassette_entry("DELETE", BASE + "/orders/5", 204, "{}")
    assert check_value({"interactions": [empty]}).violations == []
    assert rules(check_value({"interactions": [full]})) == [
        ("recording.unexpected-body", "response")
    ]


def test_client_errors_are_error_documents() -> None:
    error = {"status": "429", "code": "throttled", "detail": "Request was throttled."}
    throttled = cassette_entry("GET", BASE + "/orders", 429, json.dumps({"errors": [error]}))
    report = check_value({"interactions": [throttled]})
    assert report.violations == []
    bad = cassette_entry("GET", BASE + "/orders", 400, '{"detail": "bad"}')
    assert rules(check_value({"interactions": [bad]})) == [("required", "response")]


def test_a_method_the_route_does_not_answer_is_a_warning() -> None:
    entry = cassette_entry("PUT", BASE + "/orders/5", 405, "")
    report = check_value({"interactions": [entry]})
    assert report.ok
    assert rules(report) == [("recording.unknown-operation", "request")]


def test_request_violations_carry_sendcloud_pointers() -> None:
    order = {**ORDER, "order_date": "2024-01-01"}
    entry = created_entry()
    entry["request"]["body"] = json.dumps([order])
    report = check_value({"interactions": [entry]})
    assert [v.sendcloud_pointer for v in report.errors] == ["/data/attributes/[0]/order_date"]


def test_structure_problems_are_violations_not_crashes() -> None:
    cassettes = [
        {"interactions": [1, {"request": "x"}, {"request": {}, "response": {"status": "abc"}}]},
        {"log": {"entries": 3}},
        [{"request": [], "response": None}],
    ]
    for cassette in cassettes:
        report = check_value(cassette)
        assert not report.ok
        assert {v.rule for v in report.violations} == {"recording.shape"}


def test_a_forced_recording_that_is_none_says_so() -> None:
    report = check_value({"interactions": "none"}, expected="vcr-cassette")
    assert report.kind == "vcr-cassette"
    assert [v.rule for v in report.violations] == ["recording.format"]


def test_a_url_that_cannot_be_parsed_is_a_shape_problem() -> None:
    entry = created_entry()
    entry["request"]["uri"] = "http://[::1/api/v3/orders"
    report = check_value({"interactions": [entry]})
    assert rules(report) == [("recording.shape", "request")]
    assert report.recording is not None
    assert report.recording.checked == 0


def test_a_load_problem_is_placed_in_its_interaction_and_side() -> None:
    text = (
        b"interactions:\n"
        b"- request: {method: GET, uri: 'https://x/api/v3/orders/1', body: null}\n"
        b"  response: {status: {code: 404}, body: {string: !!binary '%%'}}\n"
        b"  request: {method: GET, uri: 'https://x/api/v3/orders/1'}\n"
    )
    report = check_bytes(text, "yaml")
    placed = [
        (v.rule, v.interaction and (v.interaction.index, v.interaction.side), v.line)
        for v in report.violations
    ]
    assert placed == [("load.syntax", (0, "response"), 3), ("load.duplicate-key", (0, None), 4)]
