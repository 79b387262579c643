"""Tasks shared with forked workers: every result once, in order, whatever befalls a worker."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sendcloud_contract import _forked

# The platform only: a thread left running by another test must fail these, not skip them.
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the workers fork only on Linux"
)


def _children_of(pid: int) -> list[int]:
    """Live (not zombie) child processes, from /proc."""
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


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_every_task_runs_once_and_results_keep_their_order(workers: int) -> None:
    parent = os.getpid()

    def work(index: int) -> tuple[int, int, bytes]:
        # Large results cross the pipe in many pieces; the pid says who did the task, and
        # a pause leaves this process tasks to take, however slowly the forks start.
        time.sleep(0.002)
        return index * index, os.getpid(), bytes(index % 251) * 3000

    told: list[int] = []
    results = _forked.run(work, 200, workers, lambda index, result: told.append(index))
    assert [square for square, _, _ in results] == [i * i for i in range(200)]
    assert [len(blob) for _, _, blob in results] == [(i % 251) * 3000 for i in range(200)]
    assert sorted(told) == list(range(200))
    doers = {pid for _, pid, _ in results}
    assert parent in doers
    assert len(doers) <= workers + 1
    assert _children_of(parent) == []


def _tracked(thing: object) -> bool:
    """Whether the collector looks at ``thing``: frozen objects are left out."""
    import gc

    return any(tracked is thing for tracked in gc.get_objects())


def test_what_is_older_than_the_forks_is_frozen_while_they_run() -> None:
    import gc

    assert gc.get_freeze_count() == 0
    older: list[object] = []
    seen = _forked.run(lambda index: _tracked(older), 4, 1)
    assert seen == [False] * 4  # in this process and in the fork alike
    assert gc.get_freeze_count() == 0
    assert _tracked(older)  # nothing was frozen before, so nothing is after


def test_what_a_caller_froze_stays_frozen_and_so_does_what_is_newer() -> None:
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        newer: list[object] = []
        assert _tracked(newer)
        assert _forked.run(lambda index: _tracked(newer), 4, 1) == [False] * 4
        assert gc.get_freeze_count() >= frozen
        assert not _tracked(newer)
    finally:
        gc.unfreeze()


def test_no_tasks_and_too_many_tasks() -> None:
    assert _forked.run(lambda index: index, 0, 2) == []
    with pytest.raises(ValueError, match="at most 1024 tasks"):
        _forked.run(lambda index: index, _forked.MAX_TASKS + 1, 1)


def test_tasks_of_a_worker_that_dies_are_run_here() -> None:
    parent = os.getpid()

    def work(index: int) -> tuple[int, int]:
        if os.getpid() != parent and index >= 5:
            os._exit(9)  # the worker dies with the task it took
        return index, os.getpid()

    results = _forked.run(work, 60, 2)
    assert [index for index, _ in results] == list(range(60))
    assert all(pid == parent for index, pid in results if index >= 5)
    assert _children_of(parent) == []


def test_an_error_here_ends_the_workers_and_is_raised() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() == parent:
            raise RuntimeError("a bug")
        time.sleep(0.05)  # leaves tasks for this process, which must take one to fail
        return index

    with pytest.raises(RuntimeError, match="a bug"):
        _forked.run(work, 50, 2)
    assert _children_of(parent) == []


def test_an_error_in_a_worker_costs_no_result() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the worker")
        return -index

    assert _forked.run(work, 30, 1) == [-i for i in range(30)]


def test_results_that_cannot_be_pickled_are_made_here() -> None:
    parent = os.getpid()

    def work(index: int) -> Callable[[], tuple[int, int]]:
        pid = os.getpid()
        return lambda: (index, pid)

    results = _forked.run(work, 20, 2)
    assert [made() for made in results] == [(i, parent) for i in range(20)]


def test_a_fork_refused_leaves_the_work_to_the_processes_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent, real_fork, forks = os.getpid(), os.fork, []

    def fork_once() -> int:
        if forks:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork_once)

    def work(index: int) -> tuple[int, int]:
        time.sleep(0.002)
        return index, os.getpid()

    results = _forked.run(work, 40, 3)
    assert [index for index, _ in results] == list(range(40))
    assert len({pid for _, pid in results}) <= 2
    assert _children_of(parent) == []


def test_without_a_pipe_everything_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pipe() -> tuple[int, int]:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    told: list[int] = []
    results = _forked.run(lambda index: (index, os.getpid()), 10, 2, lambda i, r: told.append(i))
    assert results == [(i, os.getpid()) for i in range(10)]
    assert told == list(range(10))


def test_not_available_beside_another_thread() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not _forked.available()
    finally:
        release.set()
        thread.join()
    assert _forked.available()


def test_not_available_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_forked.sys, "platform", "darwin")
    assert not _forked.available()
