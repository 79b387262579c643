"""The plugin is disabled in the project's own session; these tests load it explicitly
into pytester sessions (in process, or in a subprocess where xdist or pytest-recording
needs one)."""

from __future__ import annotations

import pytest

from tests.plugin.helpers import LOAD, Run


@pytest.fixture
def run(pytester: pytest.Pytester) -> Run:
    """Run pytest in process with the plugin loaded (random order off unless asked)."""

    def go(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*LOAD, *args)

    return go
