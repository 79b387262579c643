"""``sendcloud-contract generate``: deterministic example files, clear errors."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendcloud_contract import generate
from sendcloud_contract.validation import validate, validate_file
from tests.helpers import ROOT


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="sendcloud-contract generate")
    generate.add_arguments(parser)
    return generate.run(parser.parse_args(list(argv)))


def written(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("kind", "prefix"), [("order", "order"), ("batch", "batch"), ("edge", "edge")]
)
def test_valid_kinds_write_files_without_any_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, prefix: str
) -> None:
    assert run("--kind", kind, "--count", "6", "--seed", "1", "--out", str(tmp_path)) == 0
    files = sorted(tmp_path.glob("*.json"))
    assert [f.name for f in files] == [f"{prefix}-{n:04d}.json" for n in range(1, 7)]
    for path in files:
        assert validate_file(path).violations == [], path.name
    out = capsys.readouterr().out.splitlines()
    assert out[:6] == [str(f) for f in files]
    assert out[-1] == f"wrote 6 {kind} example(s) to {tmp_path} (seed 1)"


def test_batches_are_json_arrays(tmp_path: Path) -> None:
    assert run("--kind", "batch", "--count", "3", "--out", str(tmp_path)) == 0
    for path in tmp_path.glob("*.json"):
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list)


def test_invalid_examples_come_with_what_the_validator_must_say(tmp_path: Path) -> None:
    assert run("--kind", "invalid", "--count", "12", "--seed", "4", "--out", str(tmp_path)) == 0
    payloads = sorted(
        p for p in tmp_path.glob("invalid-*.json") if not p.name.endswith(".expected.json")
    )
    assert len(payloads) == 12
    for path in payloads:
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        assert set(expected) == {"kind", "pointer", "rule", "severity", "description"}
        payload = json.loads(path.read_text(encoding="utf-8"))
        errors = [(v.pointer, v.rule) for v in validate(payload, expected["kind"]).errors]
        assert errors == [(expected["pointer"], expected["rule"])], path.name


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            run("--kind", "invalid", "--count", "5", "--seed", "7", "--out", str(tmp_path / name))
            == 0
        )
    assert written(tmp_path / "a") == written(tmp_path / "b")
    assert (
        run("--kind", "invalid", "--count", "5", "--seed", "8", "--out", str(tmp_path / "c")) == 0
    )
    assert written(tmp_path / "a") != written(tmp_path / "c")


def test_the_same_seed_writes_the_same_files_in_another_process(tmp_path: Path) -> None:
    script = (
        "import sys; from sendcloud_contract import cli; "
        "sys.exit(cli.main(['generate', '--kind', 'order', '--count', '5', '--seed', '3', "
        "'--out', sys.argv[1]]))"
    )
    for name, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / name)],
            check=True,
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
    assert written(tmp_path / "a") == written(tmp_path / "b")
    assert len(written(tmp_path / "a")) == 5


def test_examples_are_distinct(tmp_path: Path) -> None:
    assert run("--kind", "order", "--count", "40", "--out", str(tmp_path)) == 0
    contents = list(written(tmp_path).values())
    assert len(set(contents)) == 40


def test_count_below_one_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--count", "0", "--out", str(tmp_path / "x")) == 2
    assert "--count must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_an_out_path_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.write_text("")
    assert run("--out", str(target)) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_an_out_folder_that_cannot_be_created_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert run("--out", str(blocker / "inside")) == 2
    assert "cannot create --out" in capsys.readouterr().err


def test_unknown_kinds_are_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("--kind", "orders", "--out", "x")
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_names_every_option() -> None:
    parser = argparse.ArgumentParser(prog="generate")
    generate.add_arguments(parser)
    text = parser.format_help()
    for option in ("--kind", "--count", "--seed", "--out", "order", "batch", "edge", "invalid"):
        assert option in text
