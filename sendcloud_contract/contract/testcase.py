"""The contract suite as a ``unittest.TestCase``, for a team's own pytest or unittest suite.

Subclass it and override :meth:`target` (and :attr:`settings`) to point it at
your service; as it stands it checks the project's fake in process.
"""

from __future__ import annotations

import unittest
from typing import ClassVar

from sendcloud_contract.contract.runner import RunSettings, run
from sendcloud_contract.contract.targets import FakeTarget, Target

__all__ = ["SendcloudContractTest"]


class SendcloudContractTest(unittest.TestCase):
    """Every law of the upsert contract holds for :meth:`target`."""

    settings: ClassVar[RunSettings] = RunSettings()

    def target(self) -> Target:
        """What to verify; override to return an :class:`HttpTarget` of your service."""
        return FakeTarget()

    def test_upsert_contract(self) -> None:
        verdicts = run(self.target(), self.settings)
        if not verdicts.ok:
            self.fail("\n" + verdicts.render())
