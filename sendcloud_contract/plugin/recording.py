"""``--sendcloud-record DIR``: each test that used a fake leaves what its code sent, in the
project's own recording form, named after the test's node id.

So a team can diff the traffic of two releases; the files validate with
``sendcloud-contract validate``. A test that sent nothing leaves no file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sendcloud_contract.plugin.keys import RECORDER

if TYPE_CHECKING:
    from sendcloud_contract.recordings.recorder import Recorder

__all__ = ["record_dir", "recorder_for", "recording_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def record_dir(config: pytest.Config) -> Path | None:
    """Where recordings go: the option (from the invocation folder) or the ini key (from the
    rootdir); None when neither asks for them."""
    option: str | None = config.getoption("sendcloud_record")
    if option:
        return config.invocation_params.dir / option
    ini: str = config.getini("sendcloud_record")
    return config.rootpath / ini if ini else None


def recording_name(nodeid: str) -> str:
    """A file name for a test's node id, the same on every platform:
    ``tests/test_a.py::test_b[x]`` -> ``tests_test_a.py_test_b_x.json``."""
    return _UNSAFE.sub("_", nodeid).strip("_") + ".json"


def recorder_for(node: pytest.Item) -> Recorder | None:
    """The test's recorder (one for every fake it uses), written when the test ends."""
    folder = record_dir(node.config)
    if folder is None:
        return None
    found: Recorder | None = node.stash.get(RECORDER, None)
    if found is None:
        from sendcloud_contract.recordings.recorder import Recorder

        recorder = found = node.stash[RECORDER] = Recorder()
        target = folder / recording_name(node.nodeid)

        def write() -> None:
            if len(recorder):
                recorder.write(target)

        node.addfinalizer(write)
    return found
