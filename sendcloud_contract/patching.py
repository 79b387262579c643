"""What ``PATCH /orders/{id}`` makes of a stored order, and what that would break.

Written once for the fake, which applies a PATCH with :func:`merge` and refuses what
:func:`merge_violations` finds, and for the validator, which reports the same findings when it
is given the stored order: a client sees the same pointer and message from both. The decisions
are in ``schemas/README.md``:

- a merge patch (RFC 7386): objects merge, ``null`` removes, anything else replaces;
- order items are matched by ``name`` and never added or removed;
- ``service_point_details`` is replaced whole: it names a service point, and the details of
  the old one (its other id, its coordinates) do not describe the new one;
- the customer's phone may be sent as ``phone`` or ``phone_number`` and is kept as
  ``phone_number``;
- ``id``, ``created_at`` and ``modified_at`` are Sendcloud's: ``id`` must name the order in the
  URL, and the timestamps are ignored;
- the order the merge makes must be a valid order. An object the stored order lacks is created
  by the PATCH, which then gives its required fields.

This module checks only what needs the stored order. A body is first checked alone (kind
``order-update``); :func:`merge_violations` expects a body that passed that check.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sendcloud_contract import pointers
from sendcloud_contract.ids import digit_id
from sendcloud_contract.report import Violation

__all__ = [
    "ID_MISMATCH",
    "ORDER_ID_FIXED",
    "READ_ONLY",
    "REPLACED_WHOLE",
    "STATE_RULES",
    "UNKNOWN_ITEM",
    "OrderCheck",
    "merge",
    "merge_violations",
]

READ_ONLY = ("id", "created_at", "modified_at")
"""Sendcloud's own fields: a PATCH may send them back as GET returned them; they change nothing."""

REPLACED_WHOLE = frozenset({"service_point_details"})
"""Top-level objects a PATCH replaces instead of merging into."""

ID_MISMATCH = "patch-id-mismatch"
ORDER_ID_FIXED = "patch-order-id-fixed"
UNKNOWN_ITEM = "patch-unknown-item"
STATE_RULES = frozenset({ID_MISMATCH, ORDER_ID_FIXED, UNKNOWN_ITEM})
"""The rules that only the stored order can break: no check of the body alone can know them."""

OrderCheck = Callable[[Mapping[str, Any]], Sequence[Violation]]
"""The validator of a whole order (kind ``order``): what :func:`merge_violations` holds the
merged order to. Passed in, so this module stays below the validator that calls it."""

_MAX_ORDER_ID = 2**63 - 1
_ITEMS = ("order_details", "order_items")
_ORDER_PREFIX = "/data/attributes/[0]"


def merge(stored: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """The order after ``patch``: a new dict; ``stored`` and ``patch`` are left as they were.

    ``ValueError`` when an item change names no item of the order (PATCH never adds items);
    :func:`merge_violations` reports that as a finding instead.
    """
    changes = {k: v for k, v in patch.items() if k not in READ_ONLY}
    customer = changes.get("customer_details")
    if isinstance(customer, dict) and "phone" in customer:
        changes["customer_details"] = {
            ("phone_number" if k == "phone" else k): v for k, v in customer.items()
        }
    whole = {k: changes.pop(k) for k in REPLACED_WHOLE if k in changes}
    item_changes = _item_changes(changes)
    if item_changes is not None:
        details = {k: v for k, v in changes["order_details"].items() if k != "order_items"}
        changes["order_details"] = details
    result = _merge_patch(stored, changes)
    for key, value in whole.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = copy.deepcopy(value)
    if item_changes is not None:
        result["order_details"]["order_items"] = _merge_items(
            result["order_details"]["order_items"], item_changes
        )
    return result


def merge_violations(
    current: Mapping[str, Any], patch: Mapping[str, Any], check_order: OrderCheck
) -> list[Violation]:
    """What merging ``patch`` into ``current`` would break, at the places of the PATCH body.

    ``current`` is the order as GET returns it (with its ``id``; without one, the id is not
    compared). First the state rules (:data:`STATE_RULES`): an ``id`` naming another order,
    a changed ``order_id``, an item name the order does not have. When none is broken, the
    findings of ``check_order`` on the merged order that ``current`` does not already have,
    each moved to the place in the body that caused it. Pointers follow the validator's
    convention (a missing member's ``pointer`` is its object, its ``sendcloud_pointer`` the
    member); ``message`` is what the fake answers as ``detail``.
    """
    found = _state_violations(current, patch)
    if found:
        return found
    before = {(v.pointer, v.rule, v.message) for v in check_order(current)}
    merged = merge(current, patch)
    return [
        _moved(violation, current, patch)
        for violation in check_order(merged)
        if (violation.pointer, violation.rule, violation.message) not in before
    ]


def _state_violations(current: Mapping[str, Any], patch: Mapping[str, Any]) -> list[Violation]:
    found = []
    sent_id, own_id = patch.get("id"), current.get("id")
    if isinstance(sent_id, str) and own_id is not None:
        sent, own = digit_id(sent_id, _MAX_ORDER_ID), digit_id(str(own_id), _MAX_ORDER_ID)
        if sent is not None and sent != own:
            found.append(
                _violation(
                    ["id"],
                    f"Order id {sent_id} does not match the order {own_id} in the URL",
                    ID_MISMATCH,
                )
            )
    order_id = patch.get("order_id")
    if isinstance(order_id, str) and order_id != current.get("order_id"):
        found.append(
            _violation(
                ["order_id"],
                f"Order id {current.get('order_id')} cannot be changed",
                ORDER_ID_FIXED,
            )
        )
    names = {item.get("name") for item in _items(current) if isinstance(item, dict)}
    for index, change in enumerate(_item_changes(patch) or ()):
        name = change.get("name") if isinstance(change, dict) else None
        if name not in names:
            found.append(
                _violation(
                    [*_ITEMS, index, "name"],
                    f"Could not find specified item. The order has no item named {name!r}: "
                    "PATCH changes items by name and never adds one (POST /orders does)",
                    UNKNOWN_ITEM,
                )
            )
    return found


def _violation(path: list[str | int], message: str, rule: str) -> Violation:
    pointer = pointers.to_pointer(path)
    return Violation(
        pointer=pointer, message=message, rule=rule, sendcloud_pointer="/data/attributes" + pointer
    )


def _moved(violation: Violation, current: Mapping[str, Any], patch: Mapping[str, Any]) -> Violation:
    """A finding on the merged order, told at the place of the body that caused it."""
    place = violation.sendcloud_pointer or ""
    member = place[len(_ORDER_PREFIX) :] if place.startswith(_ORDER_PREFIX) else violation.pointer
    in_order: list[str | int] = list(pointers.split(member))
    path = list(in_order)
    if len(path) > 2 and tuple(path[:2]) == _ITEMS and str(path[2]).isdigit():
        path[2] = _change_index(current, patch, int(path[2]))
    dotted = _dotted(path)
    required = violation.rule == "required"
    what = "Field required" if required else violation.message
    hint = violation.hint
    if required and path:
        hint = _required_hint(current, in_order)
    body_pointer = pointers.to_pointer(path)
    return Violation(
        pointer=pointers.to_pointer(path[:-1]) if required else body_pointer,
        message=f"{dotted}: {what} in the order this PATCH would make",
        rule=violation.rule,
        severity=violation.severity,
        hint=hint,
        sendcloud_pointer="/data/attributes" + body_pointer,
    )


def _change_index(current: Mapping[str, Any], patch: Mapping[str, Any], index: int) -> int:
    """The position in the body of the change to the order's item ``index`` (itself if none)."""
    items = _items(current)
    name = (
        items[index].get("name") if index < len(items) and isinstance(items[index], dict) else None
    )
    changes = _item_changes(patch) or []
    positions = [i for i, c in enumerate(changes) if isinstance(c, dict) and c.get("name") == name]
    return positions[-1] if positions else index


def _required_hint(current: Mapping[str, Any], path: list[str | int]) -> str:
    """Why a member is missing: ``path`` is its place in the stored order."""
    parent = pointers.resolve(current, pointers.to_pointer(path[:-1]))
    if parent is pointers.MISSING or parent is None:
        return (
            f"the order has no {_dotted(path[:-1])}: a PATCH that adds it gives its required "
            f"fields, {path[-1]} among them"
        )
    return f"null removes a field, and the order needs {path[-1]}"


def _dotted(path: Sequence[str | int]) -> str:
    """``order_details.order_items[0].name``: a path as people read it."""
    text = ""
    for part in path:
        if isinstance(part, int) or part.isdigit():
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "the order"


def _items(order: Mapping[str, Any]) -> list[Any]:
    details = order.get("order_details")
    items = details.get("order_items") if isinstance(details, dict) else None
    return items if isinstance(items, list) else []


def _item_changes(patch: Mapping[str, Any]) -> list[Any] | None:
    details = patch.get("order_details")
    changes = details.get("order_items") if isinstance(details, dict) else None
    return changes if isinstance(changes, list) else None


def _merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386: objects merge, null removes, anything else replaces."""
    result = copy.deepcopy(dict(target))
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge_patch(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _merge_items(items: list[Any], changes: list[Any]) -> list[Any]:
    merged = list(items)
    for change in changes:
        name = change.get("name") if isinstance(change, dict) else None
        index = next(
            (
                i
                for i, item in enumerate(merged)
                if isinstance(item, dict) and item.get("name") == name
            ),
            None,
        )
        if index is None or not isinstance(change, dict):
            raise ValueError(f"the order has no item named {name!r}")
        merged[index] = _merge_patch(merged[index], change)
    return merged
