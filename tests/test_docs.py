"""The README stays a landing page, and every example block of it and of docs/ is one the
suite runs (tests/doc_examples.py runs them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.doc_examples import RUN_LANGUAGES, SHOWN_LANGUAGES, commands, expected_status
from tests.helpers import ROOT

PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [ROOT / "README.md", *PAGES]
FENCE = re.compile(r"^```(\S*)", re.MULTILINE)
SKIP = re.compile(r"<!-- skip: next (.*?) -->\n```(\w+)\n(.*?)```", re.DOTALL)


def test_the_readme_is_a_landing_page() -> None:
    assert len((ROOT / "README.md").read_bytes()) <= 16 * 1024


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_block_names_a_language_the_suite_runs_or_shows(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    opening = FENCE.findall(text)[::2]  # every other fence opens a block
    unknown = [language for language in opening if language not in RUN_LANGUAGES + SHOWN_LANGUAGES]
    assert unknown == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_only_an_install_from_the_index_is_skipped(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    skipped = SKIP.findall(text)
    assert text.count("<!-- skip:") == len(skipped)
    for reason, language, source in skipped:
        assert reason.strip('"')
        assert language == "sh"
        assert all(command.startswith("pip install ") for command in commands(source))


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(entries: list[object]) -> list[str]:
        found: list[str] = []
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            found.extend(pages(value) if isinstance(value, list) else [str(value)])
        return found

    assert sorted(pages(config["nav"])) == [page.name for page in PAGES]


def test_shell_blocks_split_into_commands_with_their_exit_status() -> None:
    source = (
        "# a comment\n"
        "sendcloud-contract validate examples/valid\n"
        "\n"
        "sendcloud-contract validate \\\n"
        "    examples/invalid  # exit status 1\n"
    )

    found = commands(source)

    assert found == [
        "sendcloud-contract validate examples/valid",
        "sendcloud-contract validate      examples/invalid  # exit status 1",
    ]
    assert [expected_status(command) for command in found] == [0, 1]
