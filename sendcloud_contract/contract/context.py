"""What one run shares between its examples, and the sweep that deletes what it created.

A run's examples talk to one target through one client; every order id a 201
names goes into :attr:`RunContext.created`, so that :func:`sweep` can give back
what the run left on a target that keeps it, even after a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sendcloud_contract.contract.client import ContractClient, Exchange, TargetUnreachable
from sendcloud_contract.contract.laws import LawBroken
from sendcloud_contract.contract.targets import Target

__all__ = ["RunContext", "sweep"]


@dataclass
class RunContext:
    """What every example of one run shares: the target, its client, the created ids."""

    target: Target
    client: ContractClient
    prefix: str
    max_list_pages: int = 20
    examples: int = 0
    created: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    last_log: list[Exchange] = field(default_factory=list)
    on_example: Callable[[int, str | None], None] = lambda count, failing: None
    failing: str | None = None
    """The law the first failing example broke: the examples after it shrink that failure."""
    steps: int = 0
    """Steps run after the first orders of each example, in all examples."""


def sweep(ctx: RunContext, *, by_prefix: bool = False) -> None:
    """Delete every order the run created and did not delete; a 404 is already gone.

    ``by_prefix`` also lists the account's orders in the run's integrations and
    deletes those under the run's order_id prefix, for orders stored unannounced.
    """
    if by_prefix:
        _collect_prefixed(ctx)
    for pk in sorted(ctx.created - ctx.deleted):
        try:
            ctx.client.call("DELETE", "/orders/{id}", pk=pk)
        except (TargetUnreachable, LawBroken):
            continue
        ctx.deleted.add(pk)


def _collect_prefixed(ctx: RunContext) -> None:
    params: list[tuple[str, str]] = [
        ("integration", ",".join(map(str, ctx.target.integrations))),
        ("page_size", "200"),
    ]
    url = None
    try:
        for _ in range(ctx.max_list_pages):
            answer = ctx.client.call("GET", "/orders", params=params, url=url)
            if answer.status != 200:
                return
            for order in answer.body["data"]:
                if str(order.get("order_id", "")).startswith(ctx.prefix):
                    ctx.created.add(int(order["id"]))
            url = answer.links().get("next")
            if url is None:
                return
    except (TargetUnreachable, LawBroken):
        return
