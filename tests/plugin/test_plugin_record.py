"""``--sendcloud-record DIR`` and the ``sendcloud_record`` ini key: one recording per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendcloud_contract.cli import main
from sendcloud_contract.plugin.recording import recording_name
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
    assert _files(folder) == ["test_sent.py_test_respx.json", "test_sent.py_test_server_1.json"]
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
    respx_entries = json.loads((folder / "test_sent.py_test_respx.json").read_text())
    assert [(e["request"]["method"], e["response"]["status"]) for e in respx_entries] == [
        ("POST", 201),
        ("GET", 200),
    ]
    served = json.loads((folder / "test_sent.py_test_server_1.json").read_text())
    assert served[1]["response"]["body"]["data"] == []  # reset() started a fresh fake


def test_the_ini_key_names_the_folder_from_the_rootdir(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeini("[pytest]\nsendcloud_record = out/traffic\n")
    pytester.makepyfile(test_sent=MODULE)

    run("-k", "respx").assert_outcomes(passed=1, deselected=3)

    assert _files(pytester.path / "out" / "traffic") == ["test_sent.py_test_respx.json"]


def test_without_the_option_nothing_is_written(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(test_sent=MODULE)

    run("-k", "respx").assert_outcomes(passed=1, deselected=3)

    assert _files(pytester.path) == ["test_sent.py"]


def test_recording_names_are_safe_file_names() -> None:
    assert (
        recording_name("tests/a b.py::Test::test_x[1-/2]") == "tests_a_b.py_Test_test_x_1-_2.json"
    )
