"""Numbered tasks shared between this process and forked copies of it, results in order.

A validate run of thousands of files spent about 30 ms of its 250 importing
``concurrent.futures`` (with ``multiprocessing`` and ``logging``) and starting its pool. A
fork shares the loaded validator and its compiled schemas at no cost: one pipe hands out the
task numbers, and one pipe per worker carries its results back as they are made.

Linux only, where reads of a pipe are atomic against each other, so that each number is
taken by exactly one process, and only while this process runs a single thread, for which
a fork is safe. :func:`available` says when both hold; callers use a process pool otherwise.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

__all__ = ["MAX_TASKS", "available", "run"]

R = TypeVar("R")

_INDEX = 4  # bytes of a task number, and of a result frame's length
MAX_TASKS = 1024
"""Task numbers are written to their pipe before any worker starts: 1,024 of them fill one
page, the smallest buffer Linux gives a pipe, so the write never waits for a reader."""
_WATCH_SECONDS = 0.2


def available() -> bool:
    """True where :func:`run` may fork: Linux, and no thread besides this one."""
    if not sys.platform.startswith("linux"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def run(
    work: Callable[[int], R],
    tasks: int,
    workers: int,
    done: Callable[[int, R], None] = lambda index, result: None,
) -> list[R]:
    """``[work(0), ..., work(tasks - 1)]``, computed by this process and ``workers`` forks.

    Each task runs once, in whichever process takes it first; ``done`` is told of each result
    as this process receives it. Tasks of a worker that dies before it sends their results
    are run here, so a lost worker costs time, never a result; an exception in ``work`` is
    raised here when this process runs the task.
    """
    if not 0 <= tasks <= MAX_TASKS:
        raise ValueError(f"at most {MAX_TASKS} tasks, not {tasks}")
    results: dict[int, R] = {}
    try:
        numbers, numbers_in = os.pipe()
    except OSError:  # out of descriptors: no worker can be told its tasks
        return [_here(work, index, done) for index in range(tasks)]
    try:
        written = os.write(numbers_in, b"".join(_number(i) for i in range(tasks)))
    finally:
        os.close(numbers_in)
    if written != tasks * _INDEX:  # not on an empty pipe of a page or more; but be safe
        os.close(numbers)
        return [_here(work, index, done) for index in range(tasks)]
    children: dict[int, int] = {}  # the read end of each worker's result pipe -> its pid
    # Objects older than the fork are never collected in either process: unfrozen, a
    # collection would write to every page they share and make each process copy it. What
    # a caller froze before stays frozen, and so then does what is newer (the command
    # freezes its modules as it starts); with nothing frozen before, all is unfrozen after.
    unfreeze = gc.get_freeze_count() == 0
    gc.freeze()
    parent = os.getpid()
    finished = False
    try:
        for _ in range(workers):
            try:
                out, into = os.pipe()
            except OSError:  # out of descriptors: this process and the workers made do it all
                break
            try:
                pid = os.fork()
            except OSError:  # out of processes, likewise
                os.close(out)
                os.close(into)
                break
            if pid == 0:
                os.close(out)
                for inherited in children:
                    os.close(inherited)
                _serve(work, numbers, into, parent=parent)
            os.close(into)
            os.set_blocking(out, False)
            children[out] = pid
        received = _Received(results, done)
        while (index := _take(numbers)) is not None:
            results[index] = _here(work, index, done)
            for out in children:
                received.read(out)
        _collect(children, received)
        for index in range(tasks):
            if index not in results:  # taken by a worker that ended before sending it
                results[index] = _here(work, index, done)
        finished = True
    finally:
        os.close(numbers)
        _stop(children, finished)
        if unfreeze:
            gc.unfreeze()
    return [results[index] for index in range(tasks)]


def _here(work: Callable[[int], R], index: int, done: Callable[[int, R], None]) -> R:
    result = work(index)
    done(index, result)
    return result


def _number(index: int) -> bytes:
    return index.to_bytes(_INDEX, "little")


def _take(numbers: int) -> int | None:
    """The next task nobody has taken, or None when all are taken."""
    taken = os.read(numbers, _INDEX)
    return int.from_bytes(taken, "little") if taken else None


def _serve(work: Callable[[int], Any], numbers: int, into: int, *, parent: int) -> NoReturn:
    """A worker's life: take tasks until none is left, send each result, and end.

    It ends as soon as its parent is gone (killed, it runs no clean-up), checked five times
    a second; ``os._exit`` skips the clean-up and the buffered output it shares with the
    parent.
    """
    status = 1
    try:
        signal.signal(signal.SIGALRM, lambda signum, frame: _end_without(parent))
        signal.setitimer(signal.ITIMER_REAL, _WATCH_SECONDS, _WATCH_SECONDS)
        _end_without(parent)  # it may have gone before the watch began
        while (index := _take(numbers)) is not None:
            frame = pickle.dumps((index, work(index)), protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(into, len(frame).to_bytes(_INDEX, "little") + frame)
        status = 0
    except BaseException:  # the parent runs whatever this worker did not send
        pass
    finally:
        os._exit(status)


def _end_without(parent: int) -> None:
    if os.getppid() != parent:
        os._exit(1)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


class _Received:
    """Result frames as they arrive on the workers' pipes, which may split them anywhere."""

    def __init__(self, results: dict[int, Any], done: Callable[[int, Any], None]) -> None:
        self.results = results
        self.done = done
        self.pending: dict[int, bytearray] = {}

    def read(self, out: int) -> bool:
        """Take what ``out`` holds now; False once the worker has closed it."""
        buffer = self.pending.setdefault(out, bytearray())
        while True:
            try:
                data = os.read(out, 1 << 16)
            except BlockingIOError:
                return True
            if not data:
                return False  # a frame cut short by a dying worker stays unread
            buffer += data
            self._frames(buffer)

    def _frames(self, buffer: bytearray) -> None:
        while len(buffer) >= _INDEX:
            size = int.from_bytes(buffer[:_INDEX], "little")
            if len(buffer) < _INDEX + size:
                return
            index, result = pickle.loads(buffer[_INDEX : _INDEX + size])
            del buffer[: _INDEX + size]
            self.results[index] = result
            self.done(index, result)


def _collect(children: dict[int, int], received: _Received) -> None:
    """Read every worker's pipe to its end, whichever has something first."""
    poll = select.poll()
    for out in children:
        poll.register(out, select.POLLIN)
    open_pipes = set(children)
    while open_pipes:
        for out, _ in poll.poll():
            if not received.read(out):
                poll.unregister(out)
                open_pipes.discard(out)


def _stop(children: dict[int, int], finished: bool) -> None:
    """Close the result pipes and reap the workers: after a run they are ending by
    themselves; after an error (an interrupt) they are ended."""
    for out, pid in children.items():
        os.close(out)
        try:
            if not finished:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):  # already reaped elsewhere
            pass
