"""``validate --jobs``: worker processes that never change the report, and never outlive it.

The promises: workers bounded by files and CPUs; gone when the command's process dies; a
pool that cannot start, or a worker that dies, costs time but never a report; the report
the same, byte for byte, as ``--jobs 1`` in every format.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract import runner
from sendcloud_contract.report import Report
from tests.helpers import ROOT, run_cli

EXAMPLES = ROOT / "examples"
RECORDINGS = ROOT / "tests" / "data" / "recordings"
LINUX = sys.platform.startswith("linux")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status, out, _ = run_cli(capsys, *argv)
    return status, out


@pytest.fixture
def payloads(tmp_path: Path) -> Path:
    """Valid and invalid payloads and recordings, three copies: many chunks for two workers."""
    folder = tmp_path / "payloads"
    folder.mkdir()
    sources = sorted((EXAMPLES / "valid").iterdir()) + sorted((EXAMPLES / "invalid").iterdir())
    sources += sorted(p for p in RECORDINGS.rglob("*") if p.is_file())
    for copy in range(3):
        for index, source in enumerate(sources):
            shutil.copy(source, folder / f"{copy}-{index:03d}-{source.name}")
    return folder


def _children(pid: int) -> list[int]:
    """Live (not zombie) child processes of ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields["State"].startswith("Z"):
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "github"])
def test_the_report_is_the_same_as_with_one_process_in_every_format(
    capsys: pytest.CaptureFixture[str], payloads: Path, output_format: str
) -> None:
    argv = ["validate", "--verbose", "--format", output_format, str(payloads)]
    serial = run(capsys, *argv, "--jobs", "1")
    parallel = run(capsys, *argv, "--jobs", "2")
    assert serial == parallel
    assert serial[0] == 1
    if output_format == "json":
        checked = [Path(entry["path"]).name for entry in json.loads(serial[1])["files"]]
        assert checked == sorted(p.name for p in payloads.iterdir())


def _tag_with_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each report's path names the process that checked it (forked workers inherit this)."""
    real = runner.validate_path

    def tagged(path: str, *args: Any, **kwargs: Any) -> Report:
        return replace(real(path, *args, **kwargs), path=f"{path}@{os.getpid()}")

    monkeypatch.setattr(runner, "validate_path", tagged)


def _checkers(reports: list[Report]) -> set[int]:
    return {int((report.path or "").rpartition("@")[2]) for report in reports}


@pytest.mark.skipif(not LINUX, reason="workers inherit a patch only when forked")
@pytest.mark.parametrize(("cpus", "files", "started"), [(1, 200, 2), (8, 5, 5)])
def test_workers_are_bounded_by_the_cpus_and_by_the_files(
    payloads: Path, monkeypatch: pytest.MonkeyPatch, cpus: int, files: int, started: int
) -> None:
    _tag_with_pid(monkeypatch)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: cpus)
    real_fork, forked = os.fork, []

    def counted() -> int:
        pid = real_fork()
        forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    paths, _ = runner.expand([str(payloads)])
    checked = runner.check_all(paths[:files], runner.CheckOptions(), jobs=100)
    assert [(report.path or "").rpartition("@")[0] for report in checked] == paths[:files]
    assert checked[0].path == f"{paths[0]}@{os.getpid()}"  # the first chunk, checked here
    assert len(forked) == started  # two per CPU, or one per file
    assert _checkers(checked) <= {os.getpid(), *forked}
    assert _checkers(checked) - {os.getpid()}, "no worker checked a file"
    assert _children(os.getpid()) == []


@pytest.mark.skipif(not LINUX, reason="the fork is refused by patching os.fork")
@pytest.mark.parametrize("forks_allowed", [0, 1])
def test_a_refused_fork_leaves_the_work_to_this_process_with_the_same_report(
    capsys: pytest.CaptureFixture[str],
    payloads: Path,
    monkeypatch: pytest.MonkeyPatch,
    forks_allowed: int,
) -> None:
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(payloads))
    real_fork, forks = os.fork, []

    def refusing() -> int:
        if len(forks) >= forks_allowed:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", refusing)
    assert run(capsys, "validate", "--format", "json", "--jobs", "3", str(payloads)) == serial
    assert len(forks) == forks_allowed
    assert _children(os.getpid()) == []


@pytest.mark.skipif(not LINUX, reason="workers inherit a patch only when forked")
def test_the_files_of_a_worker_that_dies_are_checked_here(
    capsys: pytest.CaptureFixture[str], payloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(payloads))
    parent, real = os.getpid(), runner.validate_path

    def dying(path: str, *args: Any, **kwargs: Any) -> Report:
        if os.getpid() != parent:
            os._exit(9)  # killed, as by the kernel's OOM killer
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "validate_path", dying)
    assert run(capsys, "validate", "--format", "json", "--jobs", "2", str(payloads)) == serial
    assert _children(os.getpid()) == []


_BESIDE_A_THREAD = """
import sys, threading
from sendcloud_contract import cli, runner

started = []
real = runner.worker_context

def recorded():
    context = real()
    started.append(context.get_start_method())
    return context

runner.worker_context = recorded
stop = threading.Event()
thread = threading.Thread(target=stop.wait)
thread.start()
try:
    argv = ["validate", "--format", "json", "--jobs", "2", "-o", sys.argv[2], sys.argv[1]]
    status = cli.main(argv)
finally:
    stop.set()
    thread.join()
print(status, started)
"""


def test_beside_another_thread_the_workers_are_started_afresh_with_the_same_report(
    capsys: pytest.CaptureFixture[str], payloads: Path, tmp_path: Path
) -> None:
    # A fork copies one thread only, so with two it is not safe.
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(payloads))
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", _BESIDE_A_THREAD, str(payloads), str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.stdout.splitlines()[-1] == "1 ['spawn']", done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert report.read_text() == serial[1]


_SLOW_WORKERS = """
import os, sys, time
from sendcloud_contract import cli, runner

def stuck(paths, options):
    open(os.path.join(sys.argv[1], str(os.getpid())), "w").close()
    time.sleep(60)

runner.check_files = stuck
sys.exit(cli.main(sys.argv[2:]))
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its parent may reap it


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_workers_end_with_the_command(tmp_path: Path, stop: signal.Signals) -> None:
    payloads, pids = tmp_path / "payloads", tmp_path / "pids"
    payloads.mkdir()
    pids.mkdir()
    for index in range(40):
        shutil.copy(EXAMPLES / "valid" / "basic-order.json", payloads / f"{index:02d}.json")
    parent = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WORKERS, str(pids), "validate", "--jobs", "3", str(payloads)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 3 and time.monotonic() < deadline:
            workers = [int(name.name) for name in pids.iterdir()]
            time.sleep(0.05)
        assert len(workers) == 3, "the workers did not start"
        assert parent.pid not in workers
        parent.send_signal(stop)
        if stop == signal.SIGINT:
            # Ctrl-C: the command waits for nothing more and ends as interrupted, quietly.
            assert parent.wait(timeout=90) == 130
            assert parent.stderr is not None
            assert "Traceback" not in parent.stderr.read()
        else:
            assert parent.wait(timeout=10) == -stop
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "workers outlived the command"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        if parent.stderr is not None:
            parent.stderr.close()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
