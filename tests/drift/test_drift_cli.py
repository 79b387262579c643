"""``sendcloud-contract drift``: exit statuses, the three formats, --output, the demo document."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract.cli import main
from sendcloud_contract.drift import command
from tests.drift.helpers import schemas_of, write
from tests.helpers import REFERENCE

ROOT = Path(__file__).resolve().parent.parent.parent
WORKFLOW_COMMAND = re.compile(
    r"^::(error|warning|notice) file=[^,:]+(,line=\d+,col=\d+)?,title=[^:,]+::[^\n]+$"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(["drift", *argv])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def drifted(tmp_path: Path, document: dict[str, Any]) -> Path:
    """One drift (a new property in the PATCH answer) and one stale-free run without deviations."""
    data = schemas_of(document)["order-update-response"]["properties"]["data"]
    data["properties"]["status"] = {"type": "string"}
    return write(tmp_path, document, "drifted.yaml")


def test_no_drift_exits_0(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    document: dict[str, Any],
    no_deviations: Path,
) -> None:
    status, out, err = run(
        capsys, str(write(tmp_path, document)), "--deviations", str(no_deviations)
    )
    assert (status, err) == (0, "")
    assert out.startswith("0 drift, 0 known deviations, 0 stale deviations")


def test_drift_exits_1_and_names_both_places(
    capsys: pytest.CaptureFixture[str], drifted: Path, no_deviations: Path
) -> None:
    status, out, _ = run(capsys, str(drifted), "--deviations", str(no_deviations))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == (
        "DRIFT  PATCH /orders/{id} 200 (order-update-response) /properties/data/properties/status: "
        "property 'status' added by the document [property-added]"
    )
    assert re.fullmatch(
        rf"    document: {re.escape(str(drifted))}:\d+:\d+#/components/schemas/"
        r"order-update-response/properties/data/properties/status",
        lines[1],
    )
    # A property the contract lacks is placed at its closest ancestor: the properties.
    assert lines[2] == (
        "    contract: schemas/v3/orders/order-update-response.schema.json:10:21"
        "#/properties/data/properties/status"
    )
    assert lines[-1].startswith("1 drift, 0 known deviations, 0 stale deviations")


def test_one_difference_in_a_shared_definition_is_printed_once(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    document: dict[str, Any],
    no_deviations: Path,
) -> None:
    schemas_of(document)["common"]["$defs"]["currency"]["enum"].append("CHF")
    path = write(tmp_path, document)
    status, out, _ = run(capsys, str(path), "--deviations", str(no_deviations))
    assert status == 1
    assert out.count("DRIFT  ") == 1
    assert "enum values added: CHF [enum-values-added]" in out
    assert re.search(
        r"^    also in 23 more places \(POST /orders request, GET /orders 200, "
        r"GET /orders/\{id\} 200, PATCH /orders/\{id\} request\)$",
        out,
        re.MULTILINE,
    )
    assert out.splitlines()[-1].startswith("1 drift (24 findings), 0 known deviations")
    status, out, _ = run(capsys, str(path), "--deviations", str(no_deviations), "--format", "json")
    assert json.loads(out)["summary"]["drift"] == 24
    status, out, _ = run(
        capsys, str(path), "--deviations", str(no_deviations), "--format", "github"
    )
    assert out.count("::error ") == 1


def test_unreadable_document_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")
    status, out, err = run(capsys, str(path))
    assert (status, out) == (2, "")
    assert err.startswith(f"sendcloud-contract: error: {path}:3:1: ")
    assert "Traceback" not in err
    assert "    hint: " in err


def test_missing_document_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, str(tmp_path / "nowhere.yml"))
    assert status == 2
    assert "No such file or directory" in err


def test_json_format(
    capsys: pytest.CaptureFixture[str], drifted: Path, no_deviations: Path
) -> None:
    status, out, _ = run(
        capsys, str(drifted), "--format", "json", "--deviations", str(no_deviations)
    )
    assert status == 1
    report = json.loads(out)
    assert report["summary"] == {"drift": 1, "known": 0, "stale": 0}
    assert report["ok"] is False
    (finding,) = report["findings"]
    assert finding["change"] == "property-added"
    assert finding["new"] == "status"
    assert finding["known"] is False
    assert finding["contract"]["file"] == "schemas/v3/orders/order-update-response.schema.json"
    assert isinstance(finding["document"]["line"], int)


def test_github_format_lines_are_workflow_commands(
    capsys: pytest.CaptureFixture[str], drifted: Path
) -> None:
    # The shipped deviations match nothing in this document: each is a stale warning.
    status, out, _ = run(capsys, str(drifted), "--format", "github")
    assert status == 1
    *commands, summary = out.splitlines()
    assert commands
    assert all(WORKFLOW_COMMAND.match(line) for line in commands), commands
    assert commands[0].startswith("::error file=")
    assert "title=sendcloud-contract drift property-added::" in commands[0]
    assert all(line.startswith("::warning ") for line in commands[1:])
    assert summary.startswith("1 drift, 0 known deviations, ")


def test_output_file(
    capsys: pytest.CaptureFixture[str], drifted: Path, tmp_path: Path, no_deviations: Path
) -> None:
    target = tmp_path / "drift.json"
    argv = [str(drifted), "--format", "json", "-o", str(target), "--deviations", str(no_deviations)]
    status, out, _ = run(capsys, *argv)
    assert (status, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["drift"] == 1


def test_unwritable_output_exits_2(
    capsys: pytest.CaptureFixture[str], drifted: Path, tmp_path: Path
) -> None:
    status, _, err = run(capsys, str(drifted), "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    assert status == 2
    assert "cannot write" in err


def test_reference_document_has_only_known_deviations(capsys: pytest.CaptureFixture[str]) -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"Sendcloud's OpenAPI document is not at {REFERENCE}")
    status, out, _ = run(capsys, str(REFERENCE), "--verbose")
    assert status == 0
    assert "DRIFT" not in out
    assert out.count("\nknown  ") + out.startswith("known  ") > 0
    assert re.search(r"^0 drift, \d+ known deviations, 0 stale deviations", out, re.MULTILINE)


def test_the_demo_document_shows_one_drift_and_five_known(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "drifted.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "openapi" / "write_drifted.py"), str(target)],
        check=True,
    )
    deviations = ROOT / "examples" / "openapi" / "deviations.yaml"
    status, out, _ = run(capsys, str(target), "--deviations", str(deviations), "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["summary"] == {"drift": 1, "known": 5, "stale": 0}
    (drift,) = [f for f in report["findings"] if not f["known"]]
    assert (drift["shape"], drift["new"]) == ("GET /orders query", "shipping_method")


def test_validate_does_not_load_drift() -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sendcloud_contract import cli; cli.build_parser('validate'); "
            "print('sendcloud_contract.drift' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "False"


def test_every_drift_option_has_a_description_and_shows_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    for action in parser._actions:
        assert action.help, f"{action.option_strings or action.dest} has no description"
    with pytest.raises(SystemExit):
        main(["drift", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: text)" in out
    assert "(default: 50000)" in out
