"""The hook a conftest implements to prepare every fake and validator the plugin makes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy
import pytest

if TYPE_CHECKING:
    from pytest_sendcloud.options import Settings
    from sendcloud_contract.fake import FakeSendcloud
    from sendcloud_contract.report import Violation

__all__ = ["ExtraRule", "SendcloudSetup", "pytest_sendcloud_configure"]

ExtraRule = Callable[[Any, str], "Iterable[Violation]"]
"""``rule(payload, kind)``: more violations for a payload of that kind."""

hookspec = pluggy.HookspecMarker("pytest")


@dataclass
class SendcloudSetup:
    """What a ``pytest_sendcloud_configure`` hook may change.

    ``fake`` is the fresh :class:`FakeSendcloud` (seed orders, add accounts,
    set knobs), or None for a validator or a payload item without a fake;
    ``add_rule`` registers an extra rule run after the contract's own.
    """

    node: pytest.Item
    settings: Settings
    fake: FakeSendcloud | None = None
    rules: list[ExtraRule] = field(default_factory=list)

    def add_rule(self, rule: ExtraRule) -> None:
        self.rules.append(rule)


@hookspec
def pytest_sendcloud_configure(setup: SendcloudSetup) -> None:
    """Prepare a fresh sendcloud fake or validator before a test uses it.

    Called for every ``sendcloud_fake``, for ``sendcloud_server`` before each
    test, for every ``fresh()`` block, for ``sendcloud_validator`` and for
    every payload item. Seed orders with ``setup.fake.seed([...])``, add an
    account with ``setup.fake.add_account(Account(...))``, register a rule
    with ``setup.add_rule(rule)``.
    """
