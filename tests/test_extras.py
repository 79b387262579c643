"""A missing optional package names the extra that installs it, wherever it is imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sendcloud_contract.extras import EXTRAS, MissingExtra, extra_of, missing_extra, needs_extra

# Imports ``statement`` in a fresh interpreter in which ``blocked`` cannot be imported,
# and prints what was raised.
BLOCKED_IMPORT = textwrap.dedent(
    """
    import sys

    for name in sys.argv[2:]:
        sys.modules[name] = None
    try:
        exec(sys.argv[1])
    except ImportError as error:
        print(type(error).__name__, "|", error.name, "|", error)
    else:
        print("imported")
    """
)


def blocked_import(statement: str, *blocked: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT, statement, *blocked],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == ""
    return result.stdout.strip()


STRATEGIES = "sendcloud_contract.strategies"
CONTRACT = "sendcloud_contract.contract"
RESPX = "the fake's respx adapter"


@pytest.mark.parametrize(
    ("statement", "blocked", "feature", "extra"),
    [
        (f"import {STRATEGIES}", "hypothesis", STRATEGIES, "strategies"),
        (f"from {STRATEGIES} import orders", "hypothesis", STRATEGIES, "strategies"),
        (f"import {CONTRACT}", "hypothesis", CONTRACT, "strategies"),
        (f"import {CONTRACT}", "httpx", CONTRACT, "fake"),
        ("from sendcloud_contract.fake import mock_sendcloud", "respx", RESPX, "fake"),
        ("import sendcloud_contract.fake.respx", "httpx", RESPX, "fake"),
    ],
)
def test_an_import_without_its_extra_names_the_extra(
    statement: str, blocked: str, feature: str, extra: str
) -> None:
    shown = blocked_import(statement, blocked)

    kind, name, message = shown.split(" | ")
    assert (kind, name) == ("MissingExtra", blocked)
    assert message.startswith(feature)
    assert message.endswith(
        f"needs the '{extra}' extra ({blocked} is not installed): "
        f"pip install 'sendcloud-contract[{extra}]'"
    )


def test_the_base_package_and_the_fake_core_need_no_extra() -> None:
    everything = ("httpx", "respx", "uvicorn", "hypothesis")
    statement = (
        "import sendcloud_contract, sendcloud_contract.fake, pytest_sendcloud.plugin\n"
        "sendcloud_contract.fake.FakeSendcloud()"
    )
    assert blocked_import(statement, *everything) == "imported"


def test_a_missing_extra_is_still_a_module_not_found_error() -> None:
    with pytest.raises(ModuleNotFoundError) as raised, needs_extra("the feature"):
        raise ModuleNotFoundError("No module named 'uvicorn.config'", name="uvicorn.config")

    error = raised.value
    assert isinstance(error, MissingExtra)
    assert (error.name, error.extra, error.feature) == ("uvicorn", "fake", "the feature")
    assert str(error) == (
        "the feature needs the 'fake' extra (uvicorn is not installed): "
        "pip install 'sendcloud-contract[fake]'"
    )


def test_other_import_errors_pass_through_unchanged() -> None:
    other = ModuleNotFoundError("No module named 'attr'", name="attr")
    with pytest.raises(ModuleNotFoundError) as raised, needs_extra("the feature"):
        raise other
    assert raised.value is other
    assert extra_of(other) is None
    assert missing_extra(ImportError("cannot import name 'x'"), "the feature") is None


def test_the_innermost_feature_is_kept() -> None:
    with pytest.raises(MissingExtra) as raised, needs_extra("outer"), needs_extra("inner"):
        raise ModuleNotFoundError("No module named 'hypothesis'", name="hypothesis")
    assert raised.value.feature == "inner"


def test_every_extra_named_exists_in_the_package_metadata() -> None:
    from importlib.metadata import metadata

    provided = set(metadata("sendcloud-contract").get_all("Provides-Extra") or [])
    assert set(EXTRAS.values()) <= provided
