"""``validate`` on odd inputs: links out of a folder, closed descriptors, YAML on stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.helpers import run_cli as run

EXAMPLES = ROOT / "examples"
BASIC = EXAMPLES / "valid" / "basic-order.json"
SECRET = "ghp_0123456789abcdefTOKEN"
COMMAND = [sys.executable, "-m", "sendcloud_contract", "validate"]


# ---------------------------------------------------------------------------------------------
# Symbolic links that lead out of the folder given


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository with a fixtures folder, beside a credentials file outside it."""
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".git-credentials").write_text(f"https://user:{SECRET}@github.com\n")
    (tmp_path / "home" / "order.json").write_bytes(BASIC.read_bytes())
    repo = tmp_path / "home" / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text(f"[http]\n\textraheader = token {SECRET}\n")
    (repo / ".env").write_text(f"TOKEN: {SECRET}\n")
    (repo / "shared").mkdir()
    (repo / "shared" / "order.json").write_bytes(BASIC.read_bytes())
    fixtures = repo / "fixtures"
    fixtures.mkdir()
    (fixtures / "own.json").write_bytes(BASIC.read_bytes())
    (fixtures / "same-folder.json").symlink_to("own.json")
    (fixtures / "same-repository.json").symlink_to(Path("..") / "shared" / "order.json")
    return repo


ESCAPES = {
    "creds.yaml": Path("..") / ".." / ".git-credentials",
    "outside.json": Path("..") / ".." / "order.json",
    "git-config.yaml": Path("..") / ".git" / "config",
    "dotenv.yaml": Path("..") / ".env",
}


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "github"])
def test_a_link_out_of_the_folder_is_refused_unread(
    capsys: pytest.CaptureFixture[str], repository: Path, output_format: str
) -> None:
    fixtures = repository / "fixtures"
    for name, target in ESCAPES.items():
        (fixtures / name).symlink_to(target)
    status, out, err = run(capsys, "validate", "--format", output_format, str(fixtures))
    assert status == 1
    assert SECRET not in out + err
    assert "Traceback" not in out + err
    if output_format == "json":
        files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
        assert set(files) == {*ESCAPES, "own.json", "same-folder.json", "same-repository.json"}
        for name in ESCAPES:
            (violation,) = files[name]["violations"]
            assert violation["rule"] == "load.outside-link"
            assert violation["message"] == (
                f"a symbolic link that leads out of {repository} (or into a hidden file); "
                "it was not read"
            )
            assert "--follow-symlinks" in violation["hint"]
        for name in ("own.json", "same-folder.json", "same-repository.json"):
            assert files[name]["valid"], name


def test_outside_a_repository_the_folder_itself_is_the_bound(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "elsewhere.json").write_bytes(BASIC.read_bytes())
    folder = tmp_path / "payloads"
    folder.mkdir()
    (folder / "link.json").symlink_to(tmp_path / "elsewhere.json")
    status, out, _ = run(capsys, "validate", str(folder))
    assert status == 1
    assert f"leads out of {folder}" in out


def test_follow_symlinks_reads_them(capsys: pytest.CaptureFixture[str], repository: Path) -> None:
    fixtures = repository / "fixtures"
    (fixtures / "outside.json").symlink_to(ESCAPES["outside.json"])
    status, out, _ = run(capsys, "validate", "--follow-symlinks", "--verbose", str(fixtures))
    assert status == 0
    assert "outside.json (order-batch" in out


def test_a_file_named_on_the_command_line_is_read_wherever_it_leads(
    capsys: pytest.CaptureFixture[str], repository: Path
) -> None:
    link = repository / "fixtures" / "outside.json"
    link.symlink_to(ESCAPES["outside.json"])
    assert run(capsys, "validate", str(link))[0] == 0


# ---------------------------------------------------------------------------------------------
# Closed standard descriptors


def _shell(
    redirect: str, *argv: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The command run by a shell with ``redirect`` applied, as a user would type it."""
    return subprocess.run(
        ["sh", "-c", f'"$@" {redirect}', "sh", *COMMAND, *argv],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("payload", [BASIC, EXAMPLES / "invalid" / "integer-id.json"])
def test_a_closed_standard_output_exits_3_without_a_traceback(payload: Path) -> None:
    done = _shell(">&-", str(payload))
    assert done.returncode == 3
    assert done.stderr.decode() == (
        "sendcloud-contract: error: cannot write the report to standard output: it is closed\n"
    )


def test_a_closed_standard_output_is_no_matter_with_an_output_file(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    done = _shell(">&-", str(BASIC), "--output", str(report))
    assert (done.returncode, done.stderr) == (0, b"")
    assert report.read_text().endswith("1 file: 1 valid, 0 invalid; 0 errors, 0 warnings\n")


def test_a_closed_standard_input_is_a_usage_error() -> None:
    done = _shell("<&-", "-")
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == "sendcloud-contract: error: standard input (-) is closed\n"


def test_a_closed_standard_input_is_no_matter_without_dash() -> None:
    assert _shell("<&-", str(BASIC)).returncode == 0


# ---------------------------------------------------------------------------------------------
# YAML on standard input


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def _yaml(value: object) -> bytes:
    import yaml

    return yaml.safe_dump(value, sort_keys=False).encode()


def test_yaml_on_stdin_is_read_as_yaml_and_the_report_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = json.loads(BASIC.read_text())
    _stdin(monkeypatch, _yaml(batch))
    status, out, _ = run(capsys, "validate", "--verbose", "-")
    assert status == 0
    assert "<stdin> (order-batch, auto: read as YAML, since standard input is not JSON; " in out
    del batch[0]["order_details"]
    _stdin(monkeypatch, _yaml(batch[0]))  # one order: a mapping
    status, out, _ = run(capsys, "validate", "-")
    assert status == 1
    assert "(order, auto: read as YAML, since standard input is not JSON; " in out
    assert "<stdin>:1:1: error   /: missing required field 'order_details' [required]" in out


def test_yaml_positions_point_into_the_yaml_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _yaml(json.loads(BASIC.read_text())).decode()
    text = text.replace("  order_number: '10293'\n", "  order_number: 10293\n")
    _stdin(monkeypatch, text.encode())
    status, document = _json_run(capsys)
    assert status == 1
    (violation,) = document["files"][0]["violations"]
    assert (violation["pointer"], violation["rule"]) == ("/0/order_number", "type")
    assert violation["line"] == text.splitlines().index("  order_number: 10293") + 1


@pytest.mark.parametrize("data", [b"hello\n", b"[{", b"- [unclosed\n", b"{'a': 1}\n{'b': 2}\n"])
def test_stdin_that_is_neither_json_nor_yaml_collections_gets_the_json_error_and_a_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    _stdin(monkeypatch, data)
    status, document = _json_run(capsys)
    assert status == 1
    entry = document["files"][0]
    assert entry["kind"] == "unknown"
    (violation,) = entry["violations"]
    assert violation["rule"] == "load.syntax"
    assert violation["hint"].endswith(" If standard input is YAML, pass --stdin-format yaml.")


def test_empty_stdin_is_empty_not_yaml(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, b"")
    status, document = _json_run(capsys)
    assert status == 1
    assert [v["rule"] for v in document["files"][0]["violations"]] == ["load.empty"]


def _json_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = run(capsys, "validate", "--format", "json", *argv, "-")
    loaded: dict[str, Any] = json.loads(out)
    return status, loaded


def test_a_stdin_format_named_is_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _yaml(json.loads(BASIC.read_text()))
    _stdin(monkeypatch, text)
    status, out, _ = run(capsys, "validate", "--stdin-format", "json", "-")
    assert status == 1
    assert "[load.syntax]" in out
    assert "--stdin-format yaml" not in out
    _stdin(monkeypatch, text)
    status, out, _ = run(capsys, "validate", "--verbose", "--stdin-format", "yaml", "-")
    assert status == 0
    assert "read as YAML" not in out  # asked for, not guessed


def test_yaml_piped_into_the_command() -> None:
    done = _shell("", "-", stdin=_yaml(json.loads(BASIC.read_text())))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.decode() == "1 file: 1 valid, 0 invalid; 0 errors, 0 warnings\n"
