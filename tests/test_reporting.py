"""Every output format renders the same findings faithfully."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from sendcloud_contract import (
    InteractionPlace,
    RecordingSummary,
    Report,
    Severity,
    Violation,
    validate,
)
from sendcloud_contract.redaction import MASK, redact
from sendcloud_contract.reporting import FORMATS, summarize
from sendcloud_contract.reporting.text import render_report, render_text

BAD = Report(
    kind="order-batch",
    path="orders/bad, file.json",
    violations=[
        Violation(
            pointer="/0/order_details/order_items/0/quantity",
            message="Input should be greater than 0",
            rule="minimum",
            hint="order at least one unit",
            sendcloud_pointer="/data/attributes/[0]/order_details/order_items/0/quantity",
            line=12,
            column=23,
        ),
        Violation(
            pointer="/0/order_details/order_items/0/ean",
            message="'12' is not a valid EAN/GTIN\nsecond line 100%",
            rule="ean-check-digit",
            severity=Severity.WARNING,
            line=13,
            column=18,
        ),
    ],
)
GOOD = Report(kind="order", path="orders/good.yaml")
WARNED = Report(
    kind="order",
    path="orders/warned.json",
    violations=[
        Violation(pointer="/x", message="m", rule="mixed-currencies", severity=Severity.WARNING)
    ],
)


def test_summary_counts() -> None:
    summary = summarize([BAD, GOOD, WARNED])
    assert summary.as_dict() == {"files": 3, "valid": 2, "invalid": 1, "errors": 1, "warnings": 2}


def test_text_shows_place_pointer_message_hint_and_summary() -> None:
    text = render_text([BAD, GOOD], color=False)
    assert "INVALID  orders/bad, file.json (order-batch)" in text
    assert (
        "orders/bad, file.json:12:23: error   /0/order_details/order_items/0/quantity: "
        "Input should be greater than 0 [minimum]"
    ) in text
    assert "hint: order at least one unit" in text
    assert (
        "Sendcloud source.pointer: /data/attributes/[0]/order_details/order_items/0/quantity"
        in text
    )
    assert "good.yaml" not in text
    assert text.rstrip().endswith("2 files: 1 valid, 1 invalid; 1 error, 1 warning")
    assert "\033[" not in text


def test_text_verbose_lists_valid_files_and_colours_on_request() -> None:
    text = render_text([GOOD], color=True, verbose=True)
    assert "orders/good.yaml" in text
    assert "\033[32m" in text


def test_report_without_violations_renders_nothing_unless_verbose() -> None:
    assert render_report(GOOD) == ""


def test_json_is_one_document_with_the_documented_fields() -> None:
    document = json.loads(FORMATS["json"]([BAD, GOOD], False))
    assert document["summary"] == {"files": 2, "valid": 1, "invalid": 1, "errors": 1, "warnings": 1}
    first = document["files"][0]
    assert (first["path"], first["kind"], first["valid"]) == (
        "orders/bad, file.json",
        "order-batch",
        False,
    )
    violation = first["violations"][0]
    assert set(violation) >= {
        "pointer",
        "sendcloud_pointer",
        "message",
        "hint",
        "severity",
        "rule",
        "line",
        "column",
    }
    assert (violation["line"], violation["column"], violation["severity"]) == (12, 23, "error")
    assert document["files"][1] == {
        "path": "orders/good.yaml",
        "kind": "order",
        "valid": True,
        "violations": [],
    }


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("orders/good.json", "orders/good.json"),
        ("", ""),
        (None, None),
        ("orders/caf\udce9.json", "orders/caf\\xe9.json"),
        ("orders/tab\there.json", "orders/tab\there.json"),
    ],
)
def test_a_clean_file_is_listed_with_its_path_and_no_violations(
    path: str | None, shown: str | None
) -> None:
    reports = [
        Report("order", path=path),
        Report("har", path=path, recording=RecordingSummary("har", 1, 1)),
    ]
    rendered = json.loads(FORMATS["json"](reports, False))["files"]
    assert rendered[0] == {"path": shown, "kind": "order", "valid": True, "violations": []}
    assert rendered[1]["recording"] == {
        "format": "har",
        "interactions": 1,
        "checked": 1,
        "ignored": 0,
    }


def test_junit_is_parseable_with_one_case_per_file() -> None:
    root = ET.fromstring(FORMATS["junit"]([BAD, GOOD, WARNED], False))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "orders/bad, file.json",
        "orders/good.yaml",
        "orders/warned.json",
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.text is not None
    assert "1 error(s)" in (failure.get("message") or "")
    assert (
        "orders/bad, file.json:12:23 error /0/order_details/order_items/0/quantity" in failure.text
    )
    assert cases[1].find("failure") is None
    assert cases[2].find("failure") is None
    assert cases[2].find("system-out") is not None


def test_github_workflow_commands_are_escaped() -> None:
    lines = FORMATS["github"]([BAD], False).splitlines()
    assert lines[0] == (
        "::error file=orders/bad%2C file.json,line=12,col=23,title=sendcloud-contract minimum::"
        "/0/order_details/order_items/0/quantity: Input should be greater than 0 "
        "(hint: order at least one unit)"
    )
    assert lines[1].startswith("::warning file=orders/bad%2C file.json,line=13,col=18,")
    assert lines[1].endswith("not a valid EAN/GTIN%0Asecond line 100%25")
    assert lines[-1] == "1 file: 0 valid, 1 invalid; 1 error, 1 warning"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_an_empty_run(name: str) -> None:
    assert FORMATS[name]([], False)


def test_a_violation_in_a_recording_names_its_interaction() -> None:
    place = InteractionPlace(2, "PATCH", "/api/v3/orders/5", "response")
    violation = Violation("/data/id", "expected integer", "type", interaction=place)
    assert violation.place == "interaction 3 PATCH /api/v3/orders/5 response /data/id"
    assert violation.as_dict()["interaction"] == {
        "index": 2,
        "method": "PATCH",
        "path": "/api/v3/orders/5",
        "side": "response",
    }
    assert Violation("", "m", "r", document=1).place == "document 2 /"
    assert (
        str(RecordingSummary("har", 3, 1))
        == "3 interactions: 1 Orders API, 2 on other routes ignored"
    )


HOSTILE = Report(
    kind="order",
    path="evil\n  evil.json:1:1: error   /: forged [type]\x1b[2J\udcff.json",
    violations=[
        Violation(
            pointer="/properties/\x1b]0;owned\x07key",
            message="unknown field '\x1b[31mred\u202e\x00'",
            rule="additionalProperties",
            hint="did you mean '\r'?",
            line=1,
            column=2,
        )
    ],
)


def test_text_escapes_names_keys_and_messages_from_the_payload() -> None:
    text = render_text([HOSTILE], color=False)
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\x00"):
        assert raw not in text
    lines = text.splitlines()
    assert len(lines) == 4  # verdict, violation, hint, summary: no forged line
    assert lines[0] == (
        "INVALID  evil\\n  evil.json:1:1: error   /: forged [type]\\x1b[2J\\xff.json (order)"
    )
    assert "/properties/\\x1b]0;owned\\x07key: unknown field '\\x1b[31mred\\u202e\\x00'" in lines[1]
    assert lines[2] == "      hint: did you mean '\\r'?"
    text.encode("utf-8")  # the undecodable byte of the name no longer breaks the output


def test_junit_strips_control_characters_so_the_xml_parses() -> None:
    root = ET.fromstring(FORMATS["junit"]([HOSTILE], False).encode("utf-8"))
    (case,) = root.iter("testcase")
    assert case.get("name") == "evil\\n  evil.json:1:1: error   /: forged [type]\\x1b[2J\\xff.json"
    failure = case.find("failure")
    assert failure is not None
    assert "\\x1b[31mred" in (failure.get("message") or "")
    assert "\\x1b]0;owned\\x07key" in (failure.text or "")


@pytest.mark.parametrize("name", ["json", "github"])
def test_undecodable_file_names_do_not_break_the_machine_formats(name: str) -> None:
    rendered = FORMATS[name]([HOSTILE], False)
    rendered.encode("utf-8")
    assert "\\xff.json" in rendered
    if name == "json":
        assert json.loads(rendered)["files"][0]["violations"][0]["pointer"].startswith(
            "/properties/\x1b"
        )


SECRETS = [
    ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl", "eyJzdWIiOiIxMjM0In0"),
    ("Basic c2hvcDpzM2NyZXQtcGFzc3dvcmQ=", "c2hvcDpzM2NyZXQtcGFzc3dvcmQ"),
    ("https://shop:s3cret-pass@api.example.com/v3", "s3cret-pass"),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc"),
    ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
]


@pytest.mark.parametrize(("secret", "hidden"), SECRETS, ids=lambda s: s[:12])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_credential_in_a_payload_is_never_echoed_whole(
    order: dict[str, Any], secret: str, hidden: str, fmt: str
) -> None:
    """In a message (a wrong type, a rule's finding), a hint, and the text report's value."""
    order["order_details"]["order_items"][0].update(quantity=secret, ean=secret)
    order["id"] = secret
    report = validate(order, "order")
    assert {"type", "request-id-digits", "ean-check-digit"} <= {v.rule for v in report.violations}
    rendered = FORMATS[fmt]([report], False)
    assert hidden not in rendered
    assert MASK in rendered
    with_values = render_report(report, document=order)
    assert hidden not in with_values
    assert f"value: {json.dumps(redact(secret))}" in with_values
