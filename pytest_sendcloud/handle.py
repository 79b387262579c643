"""What the fixtures hand a test: a validator, and a handle on a fake Sendcloud."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_sendcloud.hookspec import ExtraRule
    from pytest_sendcloud.options import Settings
    from pytest_sendcloud.record import Record
    from sendcloud_contract.fake import Account, FakeSendcloud
    from sendcloud_contract.report import Report

__all__ = ["FakeHandle", "Validator"]


class Validator:
    """``sendcloud_validator``: the contract, the domain rules and a conftest's extra rules."""

    def __init__(self, settings: Settings, rules: list[ExtraRule], record: Record) -> None:
        self.settings = settings
        self.rules = rules
        self._record = record

    def validate(self, payload: Any, kind: str = "auto") -> Report:
        """The report on ``payload`` (``kind`` as in :func:`sendcloud_contract.validate`);
        with ``strict``, warnings count as errors."""
        from pytest_sendcloud.checking import finish
        from sendcloud_contract.validation import validate

        report = finish(
            validate(payload, kind), [(payload, None)], self.rules, strict=self.settings.strict
        )
        self._record.payload_checked(report)
        return report

    def assert_valid(self, payload: Any, kind: str = "auto") -> Report:
        """Fail the test with the text report unless ``payload`` is valid."""
        __tracebackhide__ = True
        from sendcloud_contract.assertions import fail_unless_ok

        return fail_unless_ok(self.validate(payload, kind), payload)


class FakeHandle:
    """``sendcloud_fake`` / ``sendcloud_server``: a fake Sendcloud account for one test.

    ``base_url`` and ``auth`` are what the code under test needs; ``orders``
    is a snapshot of what the fake stores; the knobs are the fake's own
    (:attr:`fake` is the :class:`FakeSendcloud` itself). :meth:`fresh` starts
    over from a new fake, for loops and Hypothesis examples.
    """

    def __init__(
        self,
        base_url: str,
        settings: Settings,
        make: Callable[[], FakeSendcloud],
        install: Callable[[FakeSendcloud], None],
    ) -> None:
        self.base_url = base_url
        self.settings = settings
        self._make = make
        self._install = install
        self.fake = self._use(make())

    def _use(self, fake: FakeSendcloud) -> FakeSendcloud:
        self._install(fake)
        self.fake = fake
        return fake

    @property
    def auth(self) -> tuple[str, str]:
        """``(public_key, secret_key)``: pass it as httpx's or requests' ``auth=``."""
        account = self.fake.account
        return (account.public_key, account.secret_key)

    @property
    def integration_ids(self) -> tuple[int, ...] | None:
        """The integrations the account declares; None while the test declares none (the
        fake then knows every integration id a request names)."""
        return self.fake.account.integrations

    @property
    def orders(self) -> tuple[dict[str, Any], ...]:
        """Every stored order as GET returns it, oldest id first (copies: changing them
        changes nothing in the fake)."""
        return tuple(self.fake.orders())

    def seed(self, orders: list[Any], *, account: Account | None = None) -> list[int]:
        """Store orders at once, as the test's account unless told otherwise; their ids.

        Checked like a POST batch, all or none (``SeedError``); visible at once.
        """
        return self.fake.seed(orders, account=account)

    def add_account(self, account: Account) -> Account:
        """Another account in the same fake, for account isolation tests."""
        return self.fake.add_account(account)

    def inject_fault(self, route: str, **options: Any) -> None:
        """``inject_fault("POST /orders", status=503)``, ``timeout=True``, ``times=None``."""
        self.fake.inject_fault(route, **options)

    def still_processing(self, order_id: str, *, times: int | None = 1) -> None:
        """Answer Sendcloud's "still processing" 400 to the next ``times`` batches holding
        ``order_id`` (None: until cleared)."""
        self.fake.still_processing(order_id, times=times)

    def clear_faults(self) -> None:
        """Forget injected faults and pending "still processing" conflicts."""
        self.fake.clear_faults()

    @property
    def visibility_delay(self) -> int:
        """How many reads a new order stays invisible to (404, absent from lists), as
        Sendcloud saves asynchronously; 0 by default."""
        return self.fake.visibility_delay

    @visibility_delay.setter
    def visibility_delay(self, reads: int) -> None:
        self.fake.visibility_delay = reads

    def reset(self) -> None:
        """Start over from a new fake, prepared as at the start of the test."""
        self._use(self._make())

    @contextmanager
    def fresh(self) -> Iterator[FakeHandle]:
        """A fresh fake for the block: ``with sendcloud_fake.fresh(): ...`` in a loop."""
        self.reset()
        yield self
