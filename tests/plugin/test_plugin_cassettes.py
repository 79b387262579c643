"""``--sendcloud-cassettes``: a test records its traffic against the fake with pytest-recording,
the cassette validates, and the same cassette broken by hand errors the test in teardown.

These sessions run in a subprocess: pytest-recording is loaded into them, and
its import warns when vcrpy is already imported in the process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sendcloud_contract.recordings import validate_path
from tests.plugin.helpers import Run, order_literal
from tests.recordings.build import ORDER, created_entry

LOAD = ("-p", "sendcloud", "-p", "recording", "-p", "no:randomly", "-p", "no:cacheprovider")

MODULE = f"""
import httpx
import pytest

ORDER = {order_literal()}

@pytest.fixture(scope="module")
def vcr_config():
    # The port of the loopback server changes between sessions.
    return {{"filter_headers": ["authorization"], "match_on": ["method", "path", "query"]}}

@pytest.mark.vcr
def test_push(sendcloud_server):
    base = sendcloud_server.base_url
    with httpx.Client(auth=sendcloud_server.auth) as client:
        created = client.post(base + "/orders", json=[ORDER])
        assert created.status_code == 201
        order_id = created.json()["data"][0]["id"]
        assert client.get(base + f"/orders/{{order_id}}").status_code == 200
        assert client.get(base + "/orders", params={{"page_size": "5"}}).status_code == 200

def test_without_cassette(sendcloud_server):
    pass
"""

Breakage = Callable[[dict[str, Any]], None]


def _request_field(cassette: dict[str, Any]) -> None:
    first = cassette["interactions"][0]["request"]
    first["body"] = first["body"].replace('"order_id":"', '"order_id":7,"was":"')


def _response_field(cassette: dict[str, Any]) -> None:
    body = cassette["interactions"][1]["response"]["body"]
    body["string"] = re.sub(r'"id":\s*([0-9]+)', r'"id":true', body["string"], count=1)


def _missing_member(cassette: dict[str, Any]) -> None:
    cassette["interactions"][2]["response"]["body"]["string"] = "{}"


@pytest.fixture
def recorded(pytester: pytest.Pytester) -> Path:
    """The cassette the test module records against the fake, checked on the way."""
    pytester.makepyfile(test_push=MODULE)
    result = pytester.runpytest_subprocess(*LOAD, "--record-mode=once", "--sendcloud-cassettes")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["sendcloud: 1 payload and 2 requests validated, 0 violations"])
    return pytester.path / "cassettes" / "test_push" / "test_push.yaml"


def test_a_recorded_cassette_validates_and_replays(
    pytester: pytest.Pytester, recorded: Path
) -> None:
    report = validate_path(recorded)
    assert report.violations == []
    assert report.recording is not None
    assert (report.recording.interactions, report.recording.checked) == (3, 3)
    assert "authorization" not in recorded.read_text(encoding="utf-8").lower()

    replayed = pytester.runpytest_subprocess(*LOAD, "--record-mode=none", "--sendcloud-cassettes")

    replayed.assert_outcomes(passed=2)


BREAKAGES: list[tuple[Breakage, str]] = [
    (
        _request_field,
        "*interaction 1 POST /api/v3/orders request /0/order_id: "
        "expected string, got integer 7 [[]type[]]",
    ),
    (_response_field, "*interaction 2 GET /api/v3/orders/1 response /data/*: *[[]type[]]"),
    (_missing_member, "*interaction 3 GET /api/v3/orders response *[[]required[]]"),
]


def test_a_cassette_broken_by_hand_errors_the_test_in_teardown_also_by_the_ini_key(
    pytester: pytest.Pytester, recorded: Path
) -> None:
    original = recorded.read_text(encoding="utf-8")
    for breakage, expected in BREAKAGES:
        cassette = yaml.safe_load(original)
        breakage(cassette)
        recorded.write_text(yaml.safe_dump(cassette), encoding="utf-8")

        result = pytester.runpytest_subprocess(*LOAD, "--record-mode=none", "--sendcloud-cassettes")

        result.assert_outcomes(passed=2, errors=1)
        result.stdout.fnmatch_lines(
            [
                "*ERROR at teardown of test_push*",
                "sendcloud: 1 cassette broke the contract",
                "INVALID  cassettes/test_push/test_push.yaml (vcr-cassette, *",
                expected,
            ]
        )
    without = pytester.runpytest_subprocess(*LOAD, "--record-mode=none")
    without.assert_outcomes(passed=2)

    recorded.write_text(original[: len(original) // 2], encoding="utf-8")
    pytester.makeini("[pytest]\nsendcloud_cassettes = true\n")
    truncated = pytester.runpytest_subprocess(*LOAD, "--record-mode=none")

    # VCR.py cannot read the cassette either: an error in setup, and the check's in teardown.
    truncated.assert_outcomes(passed=1, errors=2)
    truncated.stdout.fnmatch_lines(
        ["sendcloud: 1 cassette broke the contract", "*error   *[[]load.syntax[]]"]
    )


def test_the_cassettes_of_a_test_are_found_as_pytest_recording_names_them(
    pytester: pytest.Pytester, run: Run
) -> None:
    """In process, with the two pytest-recording fixtures the check reads given by hand."""
    folder = pytester.path / "tapes"
    folder.mkdir()
    good = yaml.safe_dump({"interactions": [created_entry()], "version": 1})
    broken = {"interactions": [created_entry()], "version": 1}
    broken["interactions"][0]["request"]["body"] = json.dumps([{**ORDER, "order_id": 7}])
    for name in ("TestPush.test_one.yaml", "extra.yaml"):
        (folder / name).write_text(good, encoding="utf-8")
    (folder / "custom.json").write_text(json.dumps(yaml.safe_load(good)), encoding="utf-8")
    (folder / "shared.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    pytester.makeini("[pytest]\nmarkers =\n    vcr\n    default_cassette\n")
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.fixture
        def vcr_cassette_dir():
            return {str(folder)!r}

        class TestPush:
            @pytest.mark.vcr("extra.yaml")
            def test_one(self, vcr_cassette_dir):
                pass

        @pytest.mark.default_cassette("custom")
        @pytest.mark.vcr({str(folder / "shared.yaml")!r})
        def test_two(vcr_cassette_dir):
            pass

        def test_unmarked(vcr_cassette_dir):
            pass
        """
    )

    result = run("--sendcloud-cassettes")

    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_two*",
            "sendcloud: 1 cassette broke the contract",
            "INVALID  tapes/shared.yaml (vcr-cassette, *",
        ]
    )
    result.stdout.fnmatch_lines(["sendcloud: 4 payloads and 0 requests validated, 1 violation"])
