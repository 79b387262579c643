"""The example scripts a new user runs keep working."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_fake_roundtrip_script() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "fake_roundtrip.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    statuses = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("  -> ")]
    assert statuses == ["201", "201", "200", "200", "400", "404", "401"]
    assert done.stdout.rstrip().endswith("orders stored: 1")
