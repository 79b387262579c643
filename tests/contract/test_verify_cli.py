"""``sendcloud-contract verify`` and the importable TestCase."""

from __future__ import annotations

import argparse
import io
import sys
import unittest

import pytest

from sendcloud_contract import contract, verify
from sendcloud_contract.cli import main
from sendcloud_contract.contract import LAWS, FakeTarget, RunSettings
from tests.contract.loopback import PUBLIC, SECRET, http_fake, serving
from tests.contract.mutants import PartialBatchCommit, fake_with


def test_verify_without_base_url_checks_the_fake_in_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify", "--max-examples", "3", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("verify the fake, in process: 3 examples of up to 10 steps, seed 7\n")
    for law in LAWS:
        assert f"holds     {law}" in out
    assert "8 of 8 laws hold" in out


def test_verify_over_http_exits_1_with_the_broken_law_as_curl_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serving(http_fake(PartialBatchCommit)) as target:
        status = main(
            ["verify", "--base-url", target.base_url, "--public-key", PUBLIC,
             "--secret-key", SECRET, "--integration", "7", "--integration", "8",
             "--foreign-integration", "9", "--no-shrink"]
        )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 1
    assert "BROKEN    atomicity" in out
    assert f"export SENDCLOUD_BASE_URL={target.base_url}" in out
    assert 'curl -sS -X POST "$SENDCLOUD_BASE_URL"/orders -u' in out
    assert SECRET not in out


def test_verify_takes_credentials_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENDCLOUD_PUBLIC_KEY", PUBLIC)
    monkeypatch.setenv("SENDCLOUD_SECRET_KEY", SECRET)
    with serving(http_fake()) as target:
        status = main(
            ["verify", "--base-url", target.base_url, "--integration", "7",
             "--integration", "8", "--max-examples", "3"]
        )  # fmt: skip
    assert status == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--base-url", "ftp://x", "--integration", "1", "--integration", "2"], "not an http"),
        (["--base-url", "http://127.0.0.1:1/api/v3"], "give --integration twice"),
        (["--integration", "1"], "give --integration twice"),
        (
            ["--base-url", "http://127.0.0.1:1/api/v3", "--integration", "1", "--integration", "2"],
            "--public-key",
        ),
    ],
)
def test_verify_usage_errors_exit_2_with_a_message(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SENDCLOUD_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("SENDCLOUD_SECRET_KEY", raising=False)
    assert main(["verify", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_verify_against_nothing_listening_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(http_fake()) as target:
        pass
    status = main(
        ["verify", "--base-url", target.base_url, "--public-key", "p", "--secret-key", "s",
         "--integration", "7", "--integration", "8", "--max-examples", "2"]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("sendcloud-contract: error: ")
    assert "Traceback" not in err


def test_verify_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for option in ("--base-url", "--foreign-integration", "--max-examples", "--seed", "--pace"):
        assert option in out
    assert "--max-examples N examples to run (default: 30)" in out
    assert "--steps N steps per example (default: 10)" in out
    assert "(default: 30)" in out.partition("--request-timeout SECONDS")[2]
    assert "(default: 3600)" in out.partition("--deadline SECONDS")[2]
    assert "(default: 60)" in out.partition("--max-retry-after SECONDS")[2]


def test_every_verify_option_has_a_description() -> None:
    parser = argparse.ArgumentParser()
    verify.add_arguments(parser)
    for action in parser._actions:
        assert action.help, f"{action.option_strings} has no description"


def test_the_defaults_verify_shows_are_the_suites_own() -> None:
    settings = RunSettings()
    assert {
        "max_examples": settings.max_examples,
        "steps": settings.steps,
        "request_timeout": settings.request_timeout,
        "deadline": settings.deadline,
        "max_answer_bytes": settings.max_answer_bytes,
        "max_retry_after": settings.max_retry_after,
    } == verify.DEFAULTS


# The TestCase is reached through its module: imported here, pytest would collect it too.
def test_the_testcase_fails_with_the_rendered_verdicts_on_a_broken_target() -> None:
    class _Broken(contract.SendcloudContractTest):
        settings = RunSettings(max_examples=10, shrink=False)

        def target(self) -> FakeTarget:
            return FakeTarget(factory=fake_with(PartialBatchCommit))

    result = unittest.TestResult()
    _Broken("test_upsert_contract").run(result)
    assert len(result.failures) == 1
    assert "BROKEN    atomicity" in result.failures[0][1]


def test_the_testcase_passes_on_the_fake() -> None:
    class Quick(contract.SendcloudContractTest):
        settings = RunSettings(max_examples=3)

    result = unittest.TestResult()
    Quick("test_upsert_contract").run(result)
    assert result.wasSuccessful(), result.failures


@pytest.mark.parametrize(("missing", "extra"), [("httpx", "fake"), ("hypothesis", "strategies")])
def test_verify_without_an_extra_names_it(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    missing: str,
    extra: str,
) -> None:
    for name in [n for n in sys.modules if n.startswith("sendcloud_contract.contract")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--max-examples", "1"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert (
        f"needs the '{extra}' extra ({missing} is not installed): "
        f"pip install 'sendcloud-contract[{extra}]'" in err
    )
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_shows_on_a_terminal_only() -> None:
    from sendcloud_contract.verify import _Progress

    terminal = _Terminal()
    progress = _Progress(terminal, 30)
    progress(3, None)
    assert "example 3 of 30" in terminal.getvalue()
    progress(41, "identity")
    assert "example 41 shrinking a failure of identity" in terminal.getvalue()
    progress.close()
    assert terminal.getvalue().endswith("\r")
    piped = io.StringIO()
    _Progress(piped, 30)(1, None)
    assert piped.getvalue() == ""
