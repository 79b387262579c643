"""--help, --fixtures, --markers, the option group, ini keys and the precedence of settings."""

from __future__ import annotations

import pytest

from pytest_sendcloud.options import DEFAULT_BASE_URL
from sendcloud_contract.fake import BASE_URL
from tests.plugin.helpers import Run


def test_the_default_base_url_is_the_fakes(run: Run) -> None:
    assert DEFAULT_BASE_URL == BASE_URL


def test_help_shows_the_option_group_and_the_ini_keys(run: Run) -> None:
    result = run("--help")

    out = result.stdout.str()
    assert "\nsendcloud-contract (Sendcloud Orders API contract checks):\n" in out
    for option in (
        "--sendcloud-payloads=PATH",
        "--sendcloud-base-url=URL",
        "--sendcloud-strict",
        "--sendcloud-coverage ",
        "--sendcloud-coverage-json=FILE",
        "--sendcloud-coverage-html=DIR",
    ):
        assert option in out, option
    for ini in (
        "sendcloud_payloads",
        "sendcloud_invalid_pattern",
        "sendcloud_strict",
        "sendcloud_base_url",
    ):
        assert f"\n  {ini} (" in out, ini


def test_fixtures_are_listed_with_their_docstrings(run: Run) -> None:
    out = run("--fixtures").stdout.str()

    for name, words in [
        ("sendcloud_validator", "Validate payloads"),
        ("sendcloud_fake", "A fresh fake Sendcloud account for this test"),
        ("sendcloud_server", "The fake over HTTP on a loopback port"),
        ("sendcloud_fakes", "Fresh fakes on demand, for Hypothesis"),
        ("sendcloud_config", "Defaults for this test's sendcloud fixtures"),
        ("sendcloud_settings", "This test's resolved settings"),
    ]:
        assert name in out, name
        assert words in out, name


def test_the_marker_is_registered_with_help(run: Run) -> None:
    result = run("--markers")

    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.sendcloud(validate_requests=True, strict=False, "
            "integrations=[[]7[]], base_url=...): configure the sendcloud_fake and "
            "sendcloud_server fixtures of this test (integrations: the ids the fake account "
            "owns; undeclared, it knows every id). See the pytest plugin page of the "
            "sendcloud-contract docs (docs/pytest-plugin.md)."
        ]
    )


PRECEDENCE_TEST = """
import pytest

@pytest.fixture
def sendcloud_config():
    return {"base_url": "https://fixture.example/api/v3", "integrations": [5]}

@pytest.mark.sendcloud(base_url="https://marker.example/api/v3", strict=True)
def test_settings(sendcloud_settings):
    print("SETTINGS", sendcloud_settings.base_url, sendcloud_settings.strict,
          sendcloud_settings.integrations)

def test_unmarked(sendcloud_settings):
    print("SETTINGS", sendcloud_settings.base_url, sendcloud_settings.strict,
          sendcloud_settings.integrations)
"""


@pytest.mark.parametrize(
    ("ini", "args", "marked", "unmarked"),
    [
        (
            "",
            (),
            "https://marker.example/api/v3 True (5,)",
            "https://fixture.example/api/v3 False (5,)",
        ),
        (
            "sendcloud_base_url = https://ini.example/api/v3\nsendcloud_strict = false",
            (),
            "https://ini.example/api/v3 False (5,)",
            "https://ini.example/api/v3 False (5,)",
        ),
        (
            "sendcloud_base_url = https://ini.example/api/v3",
            ("--sendcloud-base-url", "https://cli.example/api/v3", "--sendcloud-strict"),
            "https://cli.example/api/v3 True (5,)",
            "https://cli.example/api/v3 True (5,)",
        ),
    ],
    ids=["marker-over-fixture", "ini-over-marker", "command-line-over-ini"],
)
def test_precedence_command_line_ini_marker_fixture(
    pytester: pytest.Pytester, run: Run, ini: str, args: tuple[str, ...], marked: str, unmarked: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(PRECEDENCE_TEST)

    result = run("-s", *args)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*SETTINGS {marked}*", f"*SETTINGS {unmarked}*"])


def test_an_unknown_marker_setting_is_a_clear_error(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.sendcloud(validate_request=False)
        def test_typo(sendcloud_settings):
            pass
        """
    )

    result = run()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*sendcloud: @pytest.mark.sendcloud got unknown setting(s) validate_request; expected*"]
    )


def test_the_entry_point_loads_the_plugin_without_being_named(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")

    assert "--sendcloud-payloads" in result.stdout.str()


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:sendcloud", "--help")

    assert "--sendcloud-payloads" not in result.stdout.str()
