"""The ``sendcloud-contract validate`` command: paths, kinds, formats, exit codes, --jobs."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.helpers import run_cli as run

EXAMPLES = ROOT / "examples"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = run(capsys, "validate", "--format", "json", *argv)
    return status, json.loads(out)


def test_valid_examples_pass(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = run_json(capsys, str(EXAMPLES / "valid"))
    assert status == 0
    assert document["summary"]["invalid"] == 0
    assert document["summary"]["files"] == len(list((EXAMPLES / "valid").iterdir()))
    warned = next(f for f in document["files"] if f["path"].endswith("with-warnings.json"))
    assert {v["rule"] for v in warned["violations"]} == {
        "item-total-exceeds-unit-price",
        "ean-check-digit",
    }


# Each invalid example fails for the reason examples/README.md gives.
INVALID_EXAMPLES = {
    "101-orders.json": ("batch-too-large", ""),
    "duplicate-key.json": ("load.duplicate-key", "/0"),
    "guide-get-response-order-date.json": ("required", "/data/order_details"),
    "guide-update-order-date.json": ("additionalProperties", "/0/order_details/order_date"),
    "integer-id.json": ("type", "/0/id"),
    "same-order-twice.json": ("duplicate-order-key", "/1"),
    "truncated.json": ("load.syntax", "/0/order_details/order_items/0"),
    "typos-and-ranges.json": ("additionalProperties", "/0/shipping_address/adress_line_1"),
    "us-without-state.json": ("state-province-required", "/0/shipping_address"),
}


def test_invalid_examples_fail_for_their_documented_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, document = run_json(capsys, str(EXAMPLES / "invalid"))
    assert status == 1
    by_name = {Path(f["path"]).name: f for f in document["files"]}
    assert set(by_name) == set(INVALID_EXAMPLES)
    for name, (rule, pointer) in INVALID_EXAMPLES.items():
        entry = by_name[name]
        assert not entry["valid"], name
        found = {(v["rule"], v["pointer"]) for v in entry["violations"]}
        assert (rule, pointer) in found, (name, found)
        for violation in entry["violations"]:
            assert violation["line"] is not None, (name, violation)


def test_guide_examples_name_the_current_field(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "validate", str(EXAMPLES / "invalid" / "guide-update-order-date.json")
    )
    assert status == 1
    assert "did you mean 'order_created_at'?" in out
    assert "rename it to 'order_created_at'" in out


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


INTEGER_ID = EXAMPLES / "invalid" / "integer-id.json"
ID_LINE = _line_of(INTEGER_ID, '"id": 669')


def test_text_output_has_file_line_column(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "--no-color", str(INTEGER_ID))
    assert status == 1
    assert f"integer-id.json:{ID_LINE}:11: error" in out
    assert "/0/id: Input should be a valid string [type]" in out
    assert out.rstrip().endswith("1 file: 0 valid, 1 invalid; 1 error, 0 warnings")


def test_kind_auto_says_what_it_chose_and_kind_can_be_forced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    payload = tmp_path / "update.json"
    payload.write_text(
        json.dumps({"order_id": "A1", "order_details": {"status": {"code": "shipped"}}})
    )
    status, out, _ = run(capsys, "validate", "--verbose", str(payload))
    assert status == 0
    assert "order-update, auto: an order without payment_details" in out
    status, document = run_json(capsys, "--kind", "order", str(payload))
    assert status == 1
    assert document["files"][0]["kind"] == "order"


def test_directories_are_searched_recursively_for_payload_suffixes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    body = (EXAMPLES / "valid" / "basic-order.json").read_text()
    for name in ["a/one.json", "a/b/two.JSON", "a/b/three.yml", "notes.txt", ".hidden/skip.json"]:
        (tmp_path / name).write_text(body if not name.endswith("yml") else "[]\n")
    status, document = run_json(capsys, str(tmp_path))
    assert sorted(Path(f["path"]).name for f in document["files"]) == [
        "one.json",
        "three.yml",
        "two.JSON",
    ]
    assert status == 1  # the empty YAML batch has no order


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    body = (EXAMPLES / "valid" / "export.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))
    status, document = run_json(capsys, "--stdin-format", "jsonl", "-")
    assert status == 0
    assert document["files"][0]["path"] == "<stdin>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"[{")))
    status, document = run_json(capsys, "-")
    assert status == 1
    assert document["files"][0]["violations"][0]["rule"].startswith("load.")


def test_jobs_gives_identical_results(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for source in sorted((EXAMPLES / "invalid").iterdir()) + sorted((EXAMPLES / "valid").iterdir()):
        for copy in range(3):
            shutil.copy(source, tmp_path / f"{copy}-{source.name}")
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(tmp_path))
    parallel = run(capsys, "validate", "--format", "json", "--jobs", "3", str(tmp_path))
    assert serial[0] == parallel[0] == 1
    assert json.loads(serial[1]) == json.loads(parallel[1])


def test_jobs_auto_goes_parallel_on_many_files_with_identical_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sendcloud_contract import runner

    for source in sorted((EXAMPLES / "invalid").iterdir()) + sorted((EXAMPLES / "valid").iterdir()):
        shutil.copy(source, tmp_path / source.name)
    files = len(list(tmp_path.iterdir()))
    assert runner.workers(None, files) == 1
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    assert runner.workers(None, files) == 2
    assert runner.workers(3, files) == 3
    auto = run(capsys, "validate", "--format", "json", str(tmp_path))
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(tmp_path))
    assert auto == serial


def test_output_file_and_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    status, out, _ = run(
        capsys,
        "validate",
        "--format",
        "junit",
        "--output",
        str(target),
        str(EXAMPLES / "invalid" / "integer-id.json"),
    )
    assert status == 1
    assert out == ""
    assert target.read_text().startswith('<?xml version="1.0"')
    status, out, _ = run(
        capsys, "validate", "--format", "github", str(EXAMPLES / "invalid" / "integer-id.json")
    )
    assert out.startswith("::error file=")
    assert f",line={ID_LINE},col=11," in out


def test_strict_and_allow_unknown_fields(capsys: pytest.CaptureFixture[str]) -> None:
    warned = str(EXAMPLES / "valid" / "with-warnings.json")
    assert run(capsys, "validate", warned)[0] == 0
    assert run(capsys, "validate", "--strict", warned)[0] == 1
    assert run(capsys, "validate", "--warnings-as-errors", warned)[0] == 1  # the older name
    typo = str(EXAMPLES / "invalid" / "guide-update-order-date.json")
    status, document = run_json(capsys, "--allow-unknown-fields", typo)
    severities = {(v["rule"], v["severity"]) for v in document["files"][0]["violations"]}
    assert ("additionalProperties", "warning") in severities
    assert status == 1  # order_created_at is still missing


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "does/not/exist.json"],
        ["validate", "--format", "yaml", "examples"],
        ["validate", "--jobs", "0", "examples"],
        ["validate", "--kind", "orders", "examples"],
        ["validate"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert "error" in err
    assert "Traceback" not in err


def test_empty_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "validate", str(tmp_path))
    assert status == 2
    assert "no payload files found" in err


def test_unwritable_output_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(
        capsys,
        "validate",
        "--output",
        str(tmp_path / "missing" / "r.json"),
        str(EXAMPLES / "valid" / "basic-order.json"),
    )
    assert status == 2
    assert "cannot write" in err


def test_limits_are_configurable(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = run_json(
        capsys, "--max-bytes", "100", str(EXAMPLES / "valid" / "basic-order.json")
    )
    assert status == 1
    assert document["files"][0]["violations"][0]["rule"] == "load.too-large"


def test_console_script_and_help() -> None:
    script = shutil.which("sendcloud-contract", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(
        [script, "validate", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "--allow-unknown-fields" in done.stdout
    assert "Exit status" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "sendcloud_contract", "validate", str(EXAMPLES / "valid")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout


def test_unreadable_file_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    payload = tmp_path / "binary.json"
    payload.write_bytes(b"\xff\xfe\x00garbage")
    status, document = run_json(capsys, str(payload))
    assert status == 1
    assert document["files"][0]["violations"][0]["rule"] == "load.encoding"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_long_runs() -> None:
    from sendcloud_contract.runner import PROGRESS_THRESHOLD, Progress

    terminal = _Terminal()
    bar = Progress(PROGRESS_THRESHOLD, terminal)
    bar.advance(PROGRESS_THRESHOLD // 2)
    assert f"] {PROGRESS_THRESHOLD // 2}/{PROGRESS_THRESHOLD}" in terminal.getvalue()
    assert "#" * 15 + "-" * 15 in terminal.getvalue()
    bar.close()
    assert terminal.getvalue().endswith("\r")
    short = _Terminal()
    Progress(PROGRESS_THRESHOLD - 1, short).advance(1)
    piped = io.StringIO()
    Progress(PROGRESS_THRESHOLD, piped).advance(1)
    assert short.getvalue() == piped.getvalue() == ""


def test_colour_follows_no_color_and_force_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = str(INTEGER_ID)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[31m" in run(capsys, "validate", bad)[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run(capsys, "validate", bad)[1]


@pytest.mark.parametrize(
    ("argv", "missing", "extra"),
    [
        (["serve", "--port", "0"], "uvicorn", "fake"),
        (["generate", "--out", "x"], "hypothesis", "strategies"),
    ],
)
def test_a_missing_optional_package_is_named_with_its_extra(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
    missing: str,
    extra: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, missing, None)
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert (
        f"needs the '{extra}' extra ({missing} is not installed): "
        f"pip install 'sendcloud-contract[{extra}]'" in err
    )
    assert "Traceback" not in err


def test_a_package_missing_from_a_broken_install_is_named_not_raised(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No extra brings the package, so the message names it, without a traceback."""
    import sendcloud_contract.drift.command as drift_command

    def broken(args: object) -> int:
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr(drift_command, "run", broken)
    status, out, err = run(capsys, "drift", "openapi.yaml")
    assert status == 2
    assert out == ""
    assert err == "sendcloud-contract: error: 'drift' cannot be loaded: No module named 'yaml'\n"


# ---------------------------------------------------------------------------------------------
# Odd inputs, processes and outputs
# ---------------------------------------------------------------------------------------------


def test_workers_never_outnumber_files_nor_two_per_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from sendcloud_contract import runner

    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    assert runner.workers(100_000, 2) == 2
    assert runner.workers(100_000, 5_000) == 4
    assert runner.workers(None, 5_000) == 2
    assert runner.workers(3, 1) == 1


def _order_file(folder: Path, name: str, updated_at: str) -> Path:
    order = json.loads((EXAMPLES / "valid" / "basic-order.json").read_text())
    order[0]["order_details"]["order_updated_at"] = updated_at
    path = folder / name
    path.write_text(json.dumps(order))
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_offsets_of_a_day_are_violations_in_every_worker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jobs: str
) -> None:
    for index, offset in enumerate(["+24:00", "+23:60", "+01:00"]):
        _order_file(tmp_path, f"{index}.json", f"2026-11-02T12:30:00{offset}")
    status, document = run_json(capsys, "--jobs", jobs, str(tmp_path))
    assert status == 1
    rules = [[v["rule"] for v in f["violations"]] for f in document["files"]]
    assert rules == [["format"], ["format"], []]


def test_an_exception_in_a_worker_becomes_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sendcloud_contract import runner

    for name in ("a.json", "b.json", "c.json"):
        shutil.copy(EXAMPLES / "valid" / "basic-order.json", tmp_path / name)
    real = runner.validate_path

    def broken(path: str, *args: Any, **kwargs: Any) -> Any:
        if path.endswith("b.json"):
            raise ValueError("a bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "validate_path", broken)  # inherited by the forked workers
    serial = run_json(capsys, "--jobs", "1", str(tmp_path))
    parallel = run_json(capsys, "--jobs", "2", str(tmp_path))
    assert serial == parallel
    status, document = serial
    assert status == 1
    assert [f["valid"] for f in document["files"]] == [True, False, True]
    (violation,) = document["files"][1]["violations"]
    assert violation["rule"] == "internal-error"
    assert violation["message"] == "the check failed: ValueError: a bug"


def test_an_unlistable_subdirectory_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    shutil.copy(EXAMPLES / "valid" / "basic-order.json", tmp_path / "ok.json")
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(EXAMPLES / "valid" / "basic-order.json", locked / "hidden-by-it.json")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        # Tests run as root, whom chmod does not stop: refuse at the listing instead.
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    status, document = run_json(capsys, str(tmp_path))
    assert status == 1
    assert [(f["path"], f["valid"]) for f in document["files"]] == [
        (str(locked), False),
        (str(tmp_path / "ok.json"), True),
    ]
    (violation,) = document["files"][0]["violations"]
    assert violation["rule"] == "load.unreadable"
    assert violation["message"] == "cannot list the directory: permission denied"
    status, out, _ = run(capsys, "validate", str(locked))
    assert status == 1
    assert "permission denied" in out
    assert "no payload files found" not in out


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_a_fifo_inside_a_folder_is_reported_not_waited_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.json")
    status, document = run_json(capsys, str(tmp_path))
    assert status == 1
    (violation,) = document["files"][0]["violations"]
    assert violation["rule"] == "load.unreadable"
    assert "it is a FIFO, not a regular file" in violation["message"]


def test_standard_input_is_read_only_up_to_max_bytes(tmp_path: Path) -> None:
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sendcloud_contract", "validate", "--max-bytes", "1000", "-"],
            stdin=yes.stdout,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        yes.kill()
        yes.wait(timeout=10)
        assert yes.stdout is not None
        yes.stdout.close()
    assert done.returncode == 1
    assert "the input is larger than the limit of 1,000 bytes [load.too-large]" in done.stdout


def test_standard_input_named_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", "-", "-")
    assert (status, out) == (2, "")
    assert "standard input (-) can be named only once" in err


def test_a_symbolic_link_loop_is_named_as_a_loop(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    status, _, err = run(capsys, "validate", str(loop))
    assert status == 2
    assert f"a loop of symbolic links (a link that leads back to itself): {loop}" in err
    dangling = tmp_path / "gone.json"
    dangling.symlink_to(tmp_path / "nothing")
    assert "a symbolic link to nothing" in run(capsys, "validate", str(dangling))[2]


def test_output_onto_an_input_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    payload = tmp_path / "orders.json"
    shutil.copy(EXAMPLES / "valid" / "basic-order.json", payload)
    before = payload.read_bytes()
    (tmp_path / "elsewhere").mkdir()
    hard_link = tmp_path / "elsewhere" / "report.txt"  # no payload itself: a second name
    hard_link.hardlink_to(payload)
    for target in (payload, tmp_path / "." / "orders.json", hard_link):
        status, _, err = run(capsys, "validate", "--output", str(target), str(tmp_path))
        assert status == 2
        assert "is one of the payloads to check" in err
    assert payload.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_a_clear_error_with_its_own_exit_status() -> None:
    payload = str(EXAMPLES / "valid" / "basic-order.json")
    command = [sys.executable, "-m", "sendcloud_contract", "validate", payload]
    done = subprocess.run(
        [*command, "--output", "/dev/full"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 3
    assert done.stderr == (
        "sendcloud-contract: error: cannot write the report to /dev/full: No space left on device\n"
    )
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 3
    assert done.stderr == (
        "sendcloud-contract: error: cannot write the report to standard output: "
        "No space left on device\n"
    )


_START_UP_PROBE = """
import sys
from sendcloud_contract.cli import main
status = main(["validate", sys.argv[1]])
heavy = ["shutil", "difflib", "threading", "fractions", "concurrent.futures", "yaml"]
print(status, [name for name in heavy if name in sys.modules])
"""


def test_checking_one_valid_file_imports_only_what_it_needs() -> None:
    # The pre-commit case: every module imported on the way costs each run its start-up.
    done = subprocess.run(
        [sys.executable, "-c", _START_UP_PROBE, str(EXAMPLES / "valid" / "basic-order.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr


_VERSION_PROBE = """
import sys
from sendcloud_contract.cli import main
try:
    main(["--version"])
except SystemExit as exit_:
    commands = ["hypothesis", "httpx", "sendcloud_contract.fake", "sendcloud_contract.drift"]
    print(exit_.code, [name for name in commands if name in sys.modules])
"""


def test_version_imports_no_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _VERSION_PROBE], capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines() == ["sendcloud-contract 0.1.0", "0 []"], done.stderr


def test_help_follows_the_terminal_width_in_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    widths = {}
    for columns in (50, 200):
        monkeypatch.setenv("COLUMNS", str(columns))
        status, out, _ = run(capsys, "validate", "--help")
        assert status == 0
        (line,) = [line for line in out.splitlines() if line.startswith("Check order payloads")]
        widths[columns] = len(line)
    assert widths[50] <= 50 < widths[200]


def test_an_interrupt_while_the_command_loads_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from sendcloud_contract import __main__

    class Interrupting:
        """Ctrl-C pressed while the command's modules are imported."""

        def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
            if name == "sendcloud_contract.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "sendcloud_contract.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    try:
        status = __main__.main()
    except KeyboardInterrupt:  # let it not end the test session
        pytest.fail("the interrupt escaped the command as a traceback")
    assert status == 130
    assert gc.isenabled()
