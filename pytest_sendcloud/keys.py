"""Where the plugin keeps its per-session state in ``config.stash``; a leaf module, so
that hooks can ask whether there is any state without importing what makes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "CASSETTES",
    "CURRENT_TEST",
    "ERROR_ANSWERS",
    "LIVE_RUN",
    "PAYLOAD_FILES",
    "RECORD",
    "RECORDER",
    "REQUEST_CHECKS",
]

# The record, the recorder, the request checks, the error answers and the live run are typed
# where they are made (record.py, recording.py, request_check.py, error_answers.py, live.py):
# naming their types here would make this module import them.
RECORD = pytest.StashKey[Any]()
PAYLOAD_FILES = pytest.StashKey[frozenset[Path]]()
CURRENT_TEST = pytest.StashKey["pytest.Item | None"]()
REQUEST_CHECKS = pytest.StashKey[list[Any]]()
ERROR_ANSWERS = pytest.StashKey[Any]()
RECORDER = pytest.StashKey[Any]()
LIVE_RUN = pytest.StashKey[Any]()
CASSETTES = pytest.StashKey[bool]()
