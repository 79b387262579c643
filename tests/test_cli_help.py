"""``--help``: every option of every subcommand says what it does, and what it defaults to."""

from __future__ import annotations

import argparse

import pytest

from sendcloud_contract.cli import SUBCOMMANDS, HelpFormatter, build_parser, main


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_subcommand_is_listed_and_uses_the_shared_formatter() -> None:
    commands = _subcommands()
    assert list(commands) == ["validate", *SUBCOMMANDS]
    for name, parser in commands.items():
        assert parser.formatter_class is HelpFormatter, name


@pytest.mark.parametrize("name", ["validate", *SUBCOMMANDS])
def test_every_option_has_a_description(name: str) -> None:
    parser = _subcommands()[name]
    undescribed = [
        "/".join(action.option_strings) or action.dest
        for action in parser._actions
        if not (action.help or "").strip() or action.help == argparse.SUPPRESS
    ]
    assert undescribed == []
    assert len(parser._actions) > 1  # help alone would prove nothing


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # one line: wrapping moves words


def test_validate_help_shows_the_defaults_and_describes_colour(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _help(capsys, "validate")
    for shown in (
        "(default: text)",
        "(default: auto)",
        "(default: /api/v3)",
        "(default: 10485760)",
        "(default: 64)",
    ):
        assert shown in text
    assert "--color colour the report" in text
    assert "--no-color never colour it" in text
    assert "--verbose, -v list valid files too" in text  # a flag shows no default
    assert "(default: False)" not in text
    assert "(default: None)" not in text


def test_generate_help_shows_each_default_once(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "generate")
    for shown in ("(default: order)", "(default: 10)", "(default: 0)"):
        assert text.count(shown) == 1, shown


@pytest.mark.parametrize(
    ("default", "text", "shown"),
    [
        (10, "how many", "how many (default: 10)"),
        (2.5, "seconds", "seconds (default: 2.5)"),
        (30.0, "hangs (30)", "hangs (30)"),  # said already
        ("x", "the default is said", "the default is said"),
        ("50%", "a share", "a share (default: 50%)"),
        (None, "nothing", "nothing"),
        ([], "nothing", "nothing"),
    ],
)
def test_the_formatter_shows_a_default_unless_it_is_said_or_empty(
    default: object, text: str, shown: str
) -> None:
    parser = argparse.ArgumentParser(formatter_class=HelpFormatter)
    parser.add_argument("--option", default=default, help=text)
    assert " ".join(parser.format_help().split()).endswith(f"--option OPTION {shown}")
