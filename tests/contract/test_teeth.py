"""The suite has teeth: each broken variant of the fake fails it, under the right law."""

from __future__ import annotations

import re

import pytest

from sendcloud_contract.contract import FakeTarget, RunSettings, Status, run
from sendcloud_contract.fake import OrderStore
from tests.contract.mutants import MUTANTS, PartialBatchCommit, fake_with

# Detection at the default examples and steps; shrinking is tested once, below.
FIND = RunSettings(shrink=False)


@pytest.mark.parametrize(("mutant", "law"), MUTANTS.items(), ids=[m.__name__ for m in MUTANTS])
def test_each_broken_variant_fails_the_law_it_breaks(mutant: type[OrderStore], law: str) -> None:
    verdicts = run(FakeTarget(factory=fake_with(mutant)), FIND)
    broken = verdicts.broken
    assert broken is not None, f"{mutant.__name__} passed every law"
    assert broken.law == law, broken.message
    assert not verdicts.ok
    others = {v.status for v in verdicts.verdicts if v.law != law}
    assert others == {Status.UNTESTED}


def test_the_real_fake_keeps_every_law_through_respx() -> None:
    verdicts = run(FakeTarget())
    assert verdicts.ok, verdicts.render()
    assert verdicts.examples >= RunSettings().max_examples


def test_a_failure_shrinks_to_a_few_calls_written_as_curl_lines() -> None:
    verdicts = run(FakeTarget(factory=fake_with(PartialBatchCommit)))
    broken = verdicts.broken
    assert broken is not None
    assert broken.law == "atomicity"
    export, *calls = broken.steps
    assert export == "export SENDCLOUD_BASE_URL=https://panel.sendcloud.sc/api/v3"
    assert 2 <= len(calls) <= 10, "\n".join(calls)
    assert any(" -X POST " in call and call.endswith("# -> 400") for call in calls)
    for call in calls:
        assert call.startswith("curl -sS -X ")
        assert '-u "$SENDCLOUD_PUBLIC_KEY:$SENDCLOUD_SECRET_KEY"' in call
        assert re.search(r"  # -> \d{3}$", call)
        assert "contract-secret-key" not in call
    rendered = verdicts.render()
    assert "BROKEN    atomicity" in rendered
    assert "0 of 8 laws hold" in rendered
