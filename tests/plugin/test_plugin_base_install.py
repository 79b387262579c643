"""A project with only the base package: the plugin loads; the fake's fixtures name the extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.plugin.helpers import order_literal

# Runs pytest in a fresh interpreter in which the fake extra's packages cannot be imported.
BLOCKED_PYTEST = textwrap.dedent(
    """
    import importlib.abc, sys

    BLOCKED = {"httpx", "respx", "uvicorn", "anyio", "hypothesis", "httpcore"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    import pytest
    sys.exit(pytest.main(["-p", "no:respx", "-p", "no:anyio", "-p", "no:hypothesispytest",
                          "-p", "no:randomly", "-p", "no:xdist", "-p", "no:xdist.looponfail",
                          "-p", "no:cacheprovider", "-p", "sendcloud", *sys.argv[1:]]))
    """
)


def test_only_the_base_package(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import sys

        def test_validator(sendcloud_validator):
            sendcloud_validator.assert_valid([{order_literal()}])
            assert "httpx" not in sys.modules and "respx" not in sys.modules

        def test_fake(sendcloud_fake):
            pass

        def test_server(sendcloud_server):
            pass
        """
    )

    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_PYTEST, "-q"],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    out = result.stdout
    assert "1 passed, 2 errors" in out, out
    assert (
        "sendcloud: the sendcloud_fake fixture needs the 'fake' extra (httpx is not installed): "
        "pip install 'sendcloud-contract[fake]'" in out
    )
    assert (
        "sendcloud: the sendcloud_server fixture needs the 'fake' extra (uvicorn is not installed)"
        in out
    )
    assert "ImportError" not in out
    assert "Traceback" not in out


def test_loading_the_plugin_imports_nothing_of_the_validator_the_fake_or_http() -> None:
    """The plugin module imports pytest and its own small modules; a session that has the
    plugin installed and uses none of it does not pay for the validator."""
    code = (
        "import sys, pytest_sendcloud.plugin\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ("
        "'sendcloud_contract', 'jsonschema_rs', 'orjson', 'httpx', 'respx', 'uvicorn', 'yaml')))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
