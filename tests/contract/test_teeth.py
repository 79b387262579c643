"""The suite has teeth: each broken variant of the fake fails it, under the right law."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import Phase, settings

from sendcloud_contract.contract import FakeTarget, RunSettings, Status, run
from sendcloud_contract.fake import OrderStore
from tests import three_faces as face_mutants
from tests.contract.mutants import MUTANTS, PageBoundaryOffByOne, PartialBatchCommit, fake_with

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


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_every_example_follows_pages_so_its_first_one_finds_a_boundary_bug(
    seed: int | None,
) -> None:
    one = RunSettings(max_examples=1, shrink=False, seed=seed)
    verdicts = run(FakeTarget(factory=fake_with(PageBoundaryOffByOne)), one)
    broken = verdicts.broken
    assert broken is not None, "the first example followed no Link header"
    assert broken.law == "listing", broken.message
    assert "left out order(s)" in broken.message
    assert verdicts.steps == 0, "the first step broke the law: no step ran after it"


def test_the_real_fake_keeps_every_law_through_respx() -> None:
    verdicts = run(FakeTarget())
    assert verdicts.ok, verdicts.render()
    assert verdicts.examples >= RunSettings().max_examples
    # The steps after the first orders: at most the step budget less that one, per example.
    assert 0 < verdicts.steps <= verdicts.examples * (RunSettings().steps - 1)


def test_a_failure_shrinks_to_a_few_calls_written_as_curl_lines() -> None:
    verdicts = run(FakeTarget(factory=fake_with(PartialBatchCommit)))
    broken = verdicts.broken
    assert broken is not None
    assert broken.law == "atomicity"
    export, *calls = broken.steps
    assert export == "export SENDCLOUD_BASE_URL=https://panel.sendcloud.sc/api/v3"
    # Two first orders and their two pages; the shrunk run keeps a DELETE of each (five calls
    # with the checks after it) before the refused batch and the check that finds its orders.
    assert 2 <= len(calls) <= 16, "\n".join(calls)
    assert any(" -X POST " in call and call.endswith("# -> 400") for call in calls)
    for call in calls:
        assert call.startswith("curl -sS -X ")
        assert '-u "$SENDCLOUD_PUBLIC_KEY:$SENDCLOUD_SECRET_KEY"' in call
        assert re.search(r"  # -> \d{3}$", call)
        assert "contract-secret-key" not in call
    rendered = verdicts.render()
    assert "BROKEN    atomicity" in rendered
    assert "0 of 8 laws hold" in rendered


# The three faces (tests/test_three_faces.py): each broken face fails its differential check at
# the check's own budget, drawing the same examples; found, not shrunk.
@pytest.mark.parametrize("name", list(face_mutants.MUTANTS))
def test_each_broken_face_fails_the_differential_check(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    breaks, check, says = face_mutants.MUTANTS[name]
    faces = breaks(monkeypatch)
    found = settings(
        face_mutants.budget(check), phases=[Phase.generate], report_multiple_bugs=False
    )
    with pytest.raises(AssertionError, match=re.escape(says)):
        face_mutants.run_check(check, faces, found)


class IdAloneIsEmpty(OrderStore):
    """Drops a PATCH body's id before reading it, so a body of the order's own id is "empty"."""

    def update(self, account: Any, pk: int, patch: Any) -> dict[str, Any]:
        if isinstance(patch, dict) and "id" in patch:
            patch = {k: v for k, v in patch.items() if k != "id"}
        return super().update(account, pk, patch)


class ServicePointMerged(OrderStore):
    """Merges a PATCH's service point into the stored one, so a new key keeps the old one."""

    def update(self, account: Any, pk: int, patch: Any) -> dict[str, Any]:
        stored = self._state.orders.get(pk)
        point = stored.document.get("service_point_details") if stored is not None else None
        if isinstance(patch, dict) and isinstance(point, dict):
            sent = patch.get("service_point_details")
            if isinstance(sent, dict):
                patch = patch | {"service_point_details": point | sent}
        return super().update(account, pk, patch)


@pytest.mark.parametrize("mutant", [IdAloneIsEmpty, ServicePointMerged])
def test_the_suite_holds_a_target_to_the_patch_decisions(mutant: type[OrderStore]) -> None:
    verdicts = run(FakeTarget(factory=fake_with(mutant)), FIND)
    broken = verdicts.broken
    assert broken is not None, f"{mutant.__name__} passed every law"
    assert broken.law == "patch", broken.message
