"""Targets: over HTTP, asynchronous saving, rate limits, cleaning up, a real account's settings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sendcloud_contract.contract import (
    FakeTarget,
    Pacer,
    RateLimit,
    RunSettings,
    TargetUnreachable,
    run,
    sendcloud_account,
)
from sendcloud_contract.fake import ManualClock
from tests.contract.loopback import http_fake, serving
from tests.contract.mutants import PartialBatchCommit

QUICK = RunSettings(max_examples=8, shrink=False)


def test_the_real_fake_keeps_every_law_over_http_and_is_left_empty() -> None:
    fake = http_fake()
    with serving(fake) as target:
        verdicts = run(target)
    assert verdicts.ok, verdicts.render()
    assert fake.orders() == []


def test_a_failing_run_over_http_still_deletes_what_it_created() -> None:
    fake = http_fake(PartialBatchCommit)
    with serving(fake) as target:
        verdicts = run(target, RunSettings(shrink=False))
    assert verdicts.broken is not None
    assert verdicts.broken.law == "atomicity"
    assert fake.orders() == []


def test_an_unreachable_target_raises_instead_of_judging() -> None:
    with serving(http_fake()) as target:
        pass
    with pytest.raises(TargetUnreachable, match=r"127\.0\.0\.1"):
        run(target, QUICK)


def test_new_orders_invisible_for_a_while_are_read_again() -> None:
    patient = FakeTarget(options={"visibility_delay": 2}, read_retries=3)
    assert run(patient, QUICK).ok


def test_without_retries_asynchronous_saving_looks_like_a_lost_order() -> None:
    hasty = FakeTarget(options={"visibility_delay": 2}, read_retries=0)
    verdicts = run(hasty, QUICK)
    assert verdicts.broken is not None
    message = verdicts.broken.message
    assert "404" in message or "leaves out" in message, message


def _paced(clock: ManualClock) -> Pacer:
    return Pacer(
        clock=lambda: clock().timestamp(),
        sleep=lambda seconds: clock.advance(seconds),
    )


def _rate_limited(clock: ManualClock, pacer: Pacer | None) -> FakeTarget:
    """One rate-limited fake for the whole run, so the limits count across examples."""
    shared = FakeTarget(options={"rate_limit": True, "clock": clock}).fresh()
    return FakeTarget(factory=lambda **_: shared, cleans_up=True, pacer=pacer)


def test_the_pacer_keeps_a_run_under_the_fakes_documented_rate_limits() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    verdicts = run(_rate_limited(clock, _paced(clock)), QUICK)
    assert verdicts.ok, verdicts.render()
    assert clock() > datetime(2026, 1, 1, tzinfo=timezone.utc), "the run never had to wait"


def test_without_pacing_the_rate_limit_stops_the_run() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(TargetUnreachable, match="429"):
        run(_rate_limited(clock, None), QUICK)


def test_the_pacer_waits_for_the_per_second_write_window() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(RateLimit(writes_per_second=3), clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pacer.wait("POST")
    assert slept == []
    pacer.wait("PATCH")
    assert slept
    assert 1.0 <= now[0] < 1.1
    pacer.wait("GET")
    assert len(slept) == 1


def test_a_real_account_comes_from_the_environment_paced_and_patient() -> None:
    target = sendcloud_account(
        {
            "SENDCLOUD_PUBLIC_KEY": "pk",
            "SENDCLOUD_SECRET_KEY": "sk",
            "SENDCLOUD_INTEGRATIONS": "41, 68",
            "SENDCLOUD_FOREIGN_INTEGRATION": "419",
        }
    )
    assert target.base_url == "https://panel.sendcloud.sc/api/v3"
    assert target.integrations == (41, 68)
    assert target.foreign_integration == 419
    assert target.pacer is not None
    assert target.read_retries == 5
    assert target.cleans_up


def test_a_real_account_without_credentials_names_what_is_missing() -> None:
    with pytest.raises(KeyError, match="SENDCLOUD_SECRET_KEY"):
        sendcloud_account({"SENDCLOUD_PUBLIC_KEY": "pk", "SENDCLOUD_INTEGRATIONS": "1,2"})
    with pytest.raises(ValueError, match="two integration ids"):
        sendcloud_account(
            {
                "SENDCLOUD_PUBLIC_KEY": "p",
                "SENDCLOUD_SECRET_KEY": "s",
                "SENDCLOUD_INTEGRATIONS": "1",
            }
        )
