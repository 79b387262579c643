"""``--sendcloud-record DIR``: each test that used a fake leaves what its code sent, in the
project's own recording form, named after the test's node id.

So a team can diff the traffic of two releases; the files validate with
``sendcloud-contract validate``. A test that sent nothing leaves no file, and no
test's file is ever written over by another test's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_sendcloud.keys import RECORDER

if TYPE_CHECKING:
    from sendcloud_contract.recordings.recorder import Recorder

__all__ = ["RecordingNames", "record_dir", "recorder_for", "recording_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# The readable part of a name is cut here, so a name stays far below the 255
# bytes file systems allow, however long the node id.
_READABLE = 120
_NAMES = pytest.StashKey["RecordingNames"]()


def record_dir(config: pytest.Config) -> Path | None:
    """Where recordings go: the option (from the invocation folder) or the ini key (from the
    rootdir); None when neither asks for them."""
    option: str | None = config.getoption("sendcloud_record")
    if option:
        return config.invocation_params.dir / option
    ini: str = config.getini("sendcloud_record")
    return config.rootpath / ini if ini else None


def recording_name(nodeid: str) -> str:
    """A file name for a test's node id, the same on every platform and run:
    ``tests/test_a.py::test_b[x]`` -> ``tests_test_a.py_test_b_x-5b02bd3d.json``.

    The id made safe (every run of other characters than letters, digits, ``.``,
    ``_`` and ``-`` made ``_``) can be the same for two ids (``a b``, ``a_b``,
    ``a/b``), so a short hash of the id itself follows it.
    """
    readable = _UNSAFE.sub("_", nodeid).strip("_")[:_READABLE]
    digest = hashlib.sha256(nodeid.encode("utf-8", "backslashreplace")).hexdigest()[:8]
    return f"{readable}-{digest}.json"


class RecordingNames:
    """The file names handed out in this session: each test its own, never another's.

    Two ids whose names are alike (a hash collision, or names that differ only in
    case on a file system that ignores case) get ``-2``, ``-3``... so no test's
    recording is written over by another's.
    """

    def __init__(self, name_of: Callable[[str], str] = recording_name) -> None:
        self._name_of = name_of
        self._owners: dict[str, str] = {}

    def claim(self, nodeid: str) -> str:
        """The test's file name: the same each time it asks, and no other test's."""
        name = self._name_of(nodeid)
        stem, number = name.removesuffix(".json"), 1
        while self._owners.setdefault(name.casefold(), nodeid) != nodeid:
            number += 1
            name = f"{stem}-{number}.json"
        return name


def recorder_for(node: pytest.Item) -> Recorder | None:
    """The test's recorder (one for every fake it uses), written when the test ends."""
    folder = record_dir(node.config)
    if folder is None:
        return None
    found: Recorder | None = node.stash.get(RECORDER, None)
    if found is None:
        from sendcloud_contract.recordings.recorder import Recorder

        recorder = found = node.stash[RECORDER] = Recorder()
        names = node.config.stash.setdefault(_NAMES, RecordingNames())
        target = folder / names.claim(node.nodeid)

        def write() -> None:
            if len(recorder):
                recorder.write(target)

        node.addfinalizer(write)
    return found
