"""Comparing what a target returns with what was sent, and what a PATCH should make of it.

Sendcloud may write ``null`` where a field was left out, and may spell an
instant in another zone; neither is a difference. Everything else is.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from sendcloud_contract.timestamps import parse_date_time

__all__ = ["SERVER_FIELDS", "differences", "merged_in", "patched", "same", "without_server_fields"]

SERVER_FIELDS = ("id", "created_at", "modified_at")


def without_server_fields(order: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of what of ``order`` is the client's to write: the server sets the rest."""
    return {k: copy.deepcopy(v) for k, v in order.items() if k not in SERVER_FIELDS}


def _instant(value: str) -> Any:
    moment = parse_date_time(value) if "T" in value or " " in value else None
    return moment if moment is not None and moment.tzinfo is not None else None


def same(sent: Any, got: Any) -> bool:
    """``got`` holds everything of ``sent``: see :func:`differences`."""
    return next(differences(sent, got), None) is None


def differences(sent: Any, got: Any, pointer: str = "") -> Iterator[str]:
    """JSON pointers where ``got`` does not hold what ``sent`` holds, first one first.

    Fields ``got`` has beyond ``sent`` are the server's own; a ``null`` sent is
    the same as a field left out; equal instants in other zones are equal;
    ``true`` is no ``1``.
    """
    if sent is None:
        return
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            yield pointer or "/"
            return
        for key, value in sent.items():
            yield from differences(value, got.get(key), f"{pointer}/{key}")
        return
    if isinstance(sent, list):
        if not isinstance(got, list) or len(sent) != len(got):
            count = len(got) if isinstance(got, list) else "no"
            yield f"{pointer} ({len(sent)} entries sent, {count} returned)"
            return
        for index, (a, b) in enumerate(zip(sent, got, strict=True)):
            yield from differences(a, b, f"{pointer}/{index}")
        return
    if not _equal_scalars(sent, got):
        yield pointer


def _equal_scalars(sent: Any, got: Any) -> bool:
    if isinstance(sent, bool) or isinstance(got, bool):
        return sent is got
    if isinstance(sent, str) and isinstance(got, str):
        if sent == got:
            return True
        a, b = _instant(sent), _instant(got)
        return a is not None and a == b
    if isinstance(sent, (int, float)) and isinstance(got, (int, float)):
        return sent == got
    return False


def merged_in(previous: Any, sent: Any, got: Any, pointer: str = "") -> Iterator[str]:
    """Pointers where ``got`` kept a value of ``previous`` that ``sent`` left out.

    A field the server adds by itself differs from the previous version too, so
    only values equal to what the previous version held count as merged in.
    """
    if not (isinstance(previous, dict) and isinstance(got, dict)):
        return
    current = sent if isinstance(sent, dict) else {}
    for key, old in previous.items():
        if old is None or (key in SERVER_FIELDS and not pointer):
            continue
        if current.get(key) is None:
            if got.get(key) is not None and same(old, got[key]):
                yield f"{pointer}/{key}"
        else:
            yield from merged_in(old, current[key], got.get(key), f"{pointer}/{key}")


def patched(document: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """The order after a PATCH: objects merge, null removes, items are matched by name.

    A service point is replaced whole (it names another point, whose details are its own);
    the customer's ``phone`` is the stored ``phone_number``. Both as schemas/README.md decides.
    """
    changes = {k: v for k, v in patch.items() if k not in SERVER_FIELDS}
    customer = changes.get("customer_details")
    if isinstance(customer, dict) and "phone" in customer:
        changes["customer_details"] = {
            ("phone_number" if k == "phone" else k): v for k, v in customer.items()
        }
    result = _merge(dict(document), changes)
    if isinstance(changes.get("service_point_details"), dict):
        result["service_point_details"] = copy.deepcopy(changes["service_point_details"])
    details = changes.get("order_details")
    if isinstance(details, dict) and isinstance(details.get("order_items"), list):
        items = copy.deepcopy(document["order_details"]["order_items"])
        for change in details["order_items"]:
            for index, item in enumerate(items):
                if item.get("name") == change.get("name"):
                    items[index] = _merge(item, change)
                    break
        result["order_details"]["order_items"] = items
    return result


def _merge(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386, written apart from the fake's own on purpose: the oracle shares no code
    with a system it judges, so a bug in one cannot hide in the other."""
    result = copy.deepcopy(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result
