"""Driving the state machine: one function that the CLI, the TestCase and the plugin share.

``run(target, settings)`` runs the machine through Hypothesis and returns a
verdict per law. A broken law comes with Hypothesis' shrunk example, written
as the HTTP calls of its final replay. A target that cannot be reached, or
answers too slowly for the request's or the run's deadline, raises
:class:`TargetUnreachable` (:class:`DeadlinePassed` for the run's): that is no
verdict on any law.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import hypothesis
from hypothesis import Phase, Verbosity
from hypothesis.stateful import get_state_machine_test, run_state_machine_as_test

from sendcloud_contract.contract.client import DEFAULT_REQUEST_TIMEOUT, ContractClient
from sendcloud_contract.contract.context import RunContext, sweep
from sendcloud_contract.contract.curl import render_steps
from sendcloud_contract.contract.laws import LAWS, LawBroken
from sendcloud_contract.contract.machine import machine_for
from sendcloud_contract.contract.pacing import DEFAULT_MAX_RETRY_AFTER
from sendcloud_contract.contract.targets import Target
from sendcloud_contract.loading import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_EXAMPLES",
    "DEFAULT_STEPS",
    "RunSettings",
    "Status",
    "Verdict",
    "Verdicts",
    "run",
]

DEFAULT_EXAMPLES = 30
DEFAULT_STEPS = 10
# A paced run against Sendcloud, shrinking included, stays well inside an hour.
DEFAULT_DEADLINE = 3600.0


@dataclass(frozen=True)
class RunSettings:
    """How hard to try: examples (runs of the machine), steps per example, the seed."""

    max_examples: int = DEFAULT_EXAMPLES
    steps: int = DEFAULT_STEPS
    seed: int | None = None
    """None: Hypothesis' derandomized choice, the same on every run."""
    max_list_pages: int = 20
    shrink: bool = True
    """Shrink a failure to its shortest run; off, a failure is found as fast but reported long."""
    report_steps: bool = False
    """Let Hypothesis print the failing steps too (a pytest run wants them)."""
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    """Seconds a request may take from sending to the last byte of its answer."""
    deadline: float | None = DEFAULT_DEADLINE
    """Seconds the whole run may take (None: no limit). Once the run stops for time
    (this deadline, or a request's), deleting what it created may take up to two
    ``request_timeout`` more: one for the example under way, one for the final sweep."""
    max_answer_bytes: int = DEFAULT_MAX_BYTES
    """The largest answer body read; a larger one breaks law ``shapes``."""
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    """The longest wait a 429's Retry-After gets (when pacing)."""

    def hypothesis(self) -> hypothesis.settings:
        return hypothesis.settings(
            max_examples=self.max_examples,
            stateful_step_count=self.steps,
            derandomize=self.seed is None,
            database=None,
            deadline=None,
            report_multiple_bugs=False,
            phases=(Phase.explicit, Phase.generate, *([Phase.shrink] if self.shrink else [])),
            verbosity=Verbosity.normal if self.report_steps else Verbosity.quiet,
        )


class Status(Enum):
    HOLDS = "holds"
    BROKEN = "BROKEN"
    UNTESTED = "untested"
    """The run stopped at another law's failure before this one was tried in full."""


@dataclass(frozen=True)
class Verdict:
    law: str
    description: str
    status: Status
    message: str = ""
    steps: tuple[str, ...] = ()
    """The shortest failing run as curl lines (a broken law only)."""


@dataclass(frozen=True)
class Verdicts:
    verdicts: tuple[Verdict, ...]
    examples: int
    steps: int = 0
    """Steps run in all examples after each one's first orders."""
    notes: tuple[str, ...] = ()
    """What the run saw besides verdicts: a wait the target asked for that was capped."""

    @property
    def ok(self) -> bool:
        return all(v.status is Status.HOLDS for v in self.verdicts)

    @property
    def broken(self) -> Verdict | None:
        return next((v for v in self.verdicts if v.status is Status.BROKEN), None)

    def render(self) -> str:
        """Each law with its verdict; a broken one with its steps as curl lines."""
        width = max(len(v.law) for v in self.verdicts)
        lines = []
        for verdict in self.verdicts:
            lines.append(
                f"{verdict.status.value:<8}  {verdict.law:<{width}}  {verdict.description}"
            )
            if verdict.status is Status.BROKEN:
                lines.append(f"    {verdict.message}")
                lines.append(f"    shortest failing run ({len(verdict.steps) - 1} calls):")
                lines.extend(f"    {line}" for line in verdict.steps)
        lines.extend(f"note: {note}" for note in self.notes)
        held = sum(v.status is Status.HOLDS for v in self.verdicts)
        lines.append(f"{held} of {len(self.verdicts)} laws hold after {self.examples} examples")
        return "\n".join(lines) + "\n"


def _prefix() -> str:
    """A unique order_id prefix per run, in mixed case to exercise case-insensitive filters."""
    letters = "".join(secrets.choice(string.ascii_letters) for _ in range(6))
    return f"Ct{letters}-"


def run(
    target: Target,
    settings: RunSettings | None = None,
    *,
    on_example: Callable[[int, str | None], None] | None = None,
) -> Verdicts:
    """Run the suite against ``target``.

    ``on_example(count, failing)`` hears of each example begun, and the law being
    shrunk once one broke. Raises :class:`TargetUnreachable` when the target fails
    to answer (a connection error, a 5xx, rate limiting that does not end, an answer
    slower than ``settings.request_timeout``), :class:`DeadlinePassed` when the run
    takes longer than ``settings.deadline``.
    """
    settings = settings or RunSettings()
    started = time.monotonic()
    with target.client() as http:
        client = ContractClient(
            http,
            target.base_url,
            target.pacer,
            request_timeout=settings.request_timeout,
            run_deadline=None if settings.deadline is None else started + settings.deadline,
            max_answer_bytes=settings.max_answer_bytes,
            max_retry_after=settings.max_retry_after,
        )
        ctx = RunContext(target, client, _prefix(), settings.max_list_pages)
        client.on_created = ctx.created.update
        if on_example is not None:
            ctx.on_example = on_example
        failure: LawBroken | None = None
        try:
            _drive(machine_for(ctx), settings)
        except LawBroken as error:
            failure = error
        except Exception as error:
            failure = _law_in(error)
            if failure is None:
                raise
        finally:
            if target.cleans_up:
                client.log = []
                client.run_deadline = _clean_up_deadline(client.run_deadline, settings)
                sweep(ctx, by_prefix=True)
    return _verdicts(failure, ctx, target.base_url, tuple(client.notes))


def _clean_up_deadline(run_deadline: float | None, settings: RunSettings) -> float | None:
    """The run's deadline, or one request's time from now if it is nearer (or passed)."""
    if run_deadline is None:
        return None
    return max(run_deadline, time.monotonic() + settings.request_timeout)


def _drive(factory: type, settings: RunSettings) -> None:
    if settings.seed is None:
        run_state_machine_as_test(factory, settings=settings.hypothesis())
        return
    # run_state_machine_as_test takes no seed; this is the test it runs, seeded.
    test = get_state_machine_test(factory, settings=settings.hypothesis())
    hypothesis.seed(settings.seed)(test)
    test()


def _law_in(error: BaseException) -> LawBroken | None:
    """The law inside a group Hypothesis raised (a flaky replay on a live server)."""
    for inner in getattr(error, "exceptions", ()):
        if isinstance(inner, LawBroken):
            return inner
    return None


def _verdicts(
    failure: LawBroken | None, ctx: RunContext, base_url: str, notes: tuple[str, ...]
) -> Verdicts:
    verdicts = []
    for law, description in LAWS.items():
        if failure is None:
            verdicts.append(Verdict(law, description, Status.HOLDS))
        elif failure.law == law:
            steps = tuple(render_steps(ctx.last_log, base_url))
            verdicts.append(Verdict(law, description, Status.BROKEN, failure.message, steps))
        else:
            verdicts.append(Verdict(law, description, Status.UNTESTED))
    return Verdicts(tuple(verdicts), ctx.examples, ctx.steps, notes)
