"""``--sendcloud-record DIR`` and the ``sendcloud_record`` ini key: one recording per test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pytest_sendcloud.recording import RecordingNames, recording_name
from sendcloud_contract.cli import main
from sendcloud_contract.recordings import validate_path
from tests.plugin.helpers import Run, order_literal

MODULE = f"""
import httpx
import pytest
import urllib.request

ORDER = {order_literal()}

def test_respx(sendcloud_fake):
    with httpx.Client(auth=sendcloud_fake.auth) as client:
        client.post(sendcloud_fake.base_url + "/orders", json=[ORDER])
        client.get(sendcloud_fake.base_url + "/orders")

@pytest.mark.parametrize("n", [1])
def test_server(sendcloud_server, n):
    with httpx.Client(auth=sendcloud_server.auth) as client:
        client.post(sendcloud_server.base_url + "/orders", json=[ORDER])
        sendcloud_server.reset()
        client.get(sendcloud_server.base_url + "/orders")

def test_silent(sendcloud_fake):
    pass

def test_no_fake():
    pass
"""


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_each_test_that_sent_requests_leaves_a_recording_that_validates(
    pytester: pytest.Pytester, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(test_sent=MODULE)

    run("--sendcloud-record", "recorded").assert_outcomes(passed=4)

    folder = pytester.path / "recorded"
    respx_file = recording_name("test_sent.py::test_respx")
    server_file = recording_name("test_sent.py::test_server[1]")
    assert _files(folder) == sorted([respx_file, server_file])
    for path in folder.iterdir():
        report = validate_path(path)
        assert report.violations == []
        assert report.recording is not None
        assert report.recording.checked == 2
        text = path.read_text(encoding="utf-8")
        assert "fake-secret-key" not in text
        assert '"Basic REDACTED"' in text
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    assert "2 files: 2 valid, 0 invalid" in capsys.readouterr().out
    respx_entries = json.loads((folder / respx_file).read_text())
    assert [(e["request"]["method"], e["response"]["status"]) for e in respx_entries] == [
        ("POST", 201),
        ("GET", 200),
    ]
    served = json.loads((folder / server_file).read_text())
    assert served[1]["response"]["body"]["data"] == []  # reset() started a fresh fake


def test_the_ini_key_names_the_folder_from_the_rootdir(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeini("[pytest]\nsendcloud_record = out/traffic\n")
    pytester.makepyfile(test_sent=MODULE)

    run("-k", "respx").assert_outcomes(passed=1, deselected=3)

    assert _files(pytester.path / "out" / "traffic") == [recording_name("test_sent.py::test_respx")]


def test_without_the_option_nothing_is_written(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(test_sent=MODULE)

    run("-k", "respx").assert_outcomes(passed=1, deselected=3)

    assert _files(pytester.path) == ["test_sent.py"]


def test_recording_names_are_safe_file_names_unique_to_their_test() -> None:
    ids = [
        "tests/a b.py::Test::test_x[1-/2]",
        *(f"t.py::test[{param}]" for param in ("a b", "a_b", "a/b", "a?b", "A?B", "x" * 500)),
    ]
    names = [recording_name(nodeid) for nodeid in ids]

    assert names[0].startswith("tests_a_b.py_Test_test_x_1-_2-")
    assert names[1].startswith("t.py_test_a_b-")
    assert len({name.casefold() for name in names}) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.json", name) for name in names)
    assert max(len(name) for name in names) < 140
    assert names == [recording_name(nodeid) for nodeid in ids]  # the same in every run


def test_names_that_collide_are_told_apart_and_kept() -> None:
    names = RecordingNames(name_of=lambda nodeid: "Same.json")

    first = names.claim("t.py::test[a b]")
    second = names.claim("t.py::test[a_b]")
    third = names.claim("t.py::test[a/b]")

    assert (first, second, third) == ("Same.json", "Same-2.json", "Same-3.json")
    assert names.claim("t.py::test[a_b]") == "Same-2.json"  # a test keeps its name
    cased = RecordingNames(name_of=lambda nodeid: nodeid + ".json")
    assert cased.claim("T") == "T.json"
    assert cased.claim("t") == "t-2.json"  # one file where case is not told apart


PARAMETRIZED = f"""
import httpx
import pytest

ORDER = {order_literal()}

@pytest.mark.parametrize("name", ["a b", "a_b", "a/b", "a?b"], ids=lambda name: name)
def test_sends(sendcloud_fake, name):
    with httpx.Client(auth=sendcloud_fake.auth) as client:
        client.post(sendcloud_fake.base_url + "/orders", json=[dict(ORDER, order_id=name)])
"""


def test_tests_whose_ids_are_alike_once_made_safe_each_keep_their_recording(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(test_alike=PARAMETRIZED)

    run("--sendcloud-record", "recorded").assert_outcomes(passed=4)

    folder = pytester.path / "recorded"
    sent = {}
    for path in folder.iterdir():
        [entry] = json.loads(path.read_text(encoding="utf-8"))
        sent[path.name] = entry["request"]["body"][0]["order_id"]
    names = ("a b", "a_b", "a/b", "a?b")
    assert sorted(sent.values()) == sorted(names)  # four files, none written over
    assert sent == {recording_name(f"test_alike.py::test_sends[{name}]"): name for name in names}


def test_the_documented_name_is_the_name() -> None:
    assert recording_name("tests/test_a.py::test_b[x]") == "tests_test_a.py_test_b_x-5b02bd3d.json"
