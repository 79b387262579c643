"""The contract's three faces held to one another: the validator, the fake and the strategies.

Each check takes the three faces as a :class:`Faces` value, so the suite runs them with the
real faces (``tests/test_three_faces.py``) and with one face broken on purpose
(``tests/contract/test_teeth.py``), where the same check must fail. A check draws its own
examples under the settings it is given and raises ``AssertionError`` at the first
disagreement.

The fake is asked through :meth:`FakeSendcloud.handle`, with the bytes a client sends; the
validator is ``validate`` (kind ``order-update`` for a body alone) and, given the stored order,
:func:`sendcloud_contract.patching.merge_violations`.
"""

from __future__ import annotations

import base64
import copy
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendcloud_contract import patching, pointers, rules, strategies
from sendcloud_contract.fake import BASE_URL, Account, FakeSendcloud, Reply
from sendcloud_contract.fake import store as fake_store
from sendcloud_contract.fake._orders import StoredOrder
from sendcloud_contract.ids import integration_id
from sendcloud_contract.report import Report, Violation
from sendcloud_contract.strategies import (
    ExpectedViolation,
    edge_case_batches,
    invalid_orders,
    order_batches,
    order_updates,
)
from sendcloud_contract.validation import validate

Order = dict[str, Any]
Validate = Callable[[Any, str], Report]
READ_ONLY = ("id", "created_at", "modified_at")
# What only the account knows: no validator, with or without the stored order, can tell.
ACCOUNT_POINTERS = ("/data/attributes/order_details/integration/id",)


@dataclass(frozen=True)
class Faces:
    """The three statements of the contract, each replaceable by a broken one."""

    validate: Validate = validate
    merge_violations: Callable[..., list[Violation]] = patching.merge_violations
    fake: Callable[[Account], FakeSendcloud] = lambda account: FakeSendcloud(
        [account], ids=itertools.count(1)
    )
    order_batches: Callable[[], st.SearchStrategy[list[Order]]] = strategies.order_batches
    edge_case_batches: Callable[[], st.SearchStrategy[list[Order]]] = strategies.edge_case_batches
    invalid_orders: Callable[..., st.SearchStrategy[tuple[Any, ExpectedViolation]]] = (
        strategies.invalid_orders
    )
    orders: Callable[[], st.SearchStrategy[Order]] = lambda: st.one_of(
        strategies.orders(min_items=2, max_items=3), strategies.edge_case_orders()
    )
    order_updates: Callable[[Mapping[str, Any]], st.SearchStrategy[dict[str, Any]]] = (
        strategies.order_updates
    )

    def broken(self, **faces: Any) -> Faces:
        return replace(self, **faces)

    def current_violations(self, current: Mapping[str, Any], body: Any) -> list[Violation]:
        """The validator given the stored order: what the merge of ``body`` would break."""
        return self.merge_violations(
            current, body, lambda order: self.validate(order, "order").violations
        )


FACES = Faces()
"""The real faces."""


# ------------------------------------------------------------------------------- the fake


class Client:
    """One fresh account on a fresh fake, spoken to in bytes."""

    def __init__(self, faces: Faces, integrations: Sequence[int]) -> None:
        account = Account(
            "faces-public", "faces-secret", tuple(dict.fromkeys(integrations)) or (1,)
        )
        self.fake = faces.fake(account)
        token = base64.b64encode(b"faces-public:faces-secret").decode()
        self.headers = {"authorization": f"Basic {token}", "content-type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> Reply:
        data = b"" if body is None else orjson.dumps(body)
        return self.fake.handle(method, BASE_URL + path, self.headers, data)

    def post(self, batch: Any) -> Reply:
        return self.call("POST", "/orders", batch)

    def get(self, pk: int) -> dict[str, Any]:
        reply = self.call("GET", f"/orders/{pk}")
        assert reply.status == 200, f"GET /orders/{pk} answered {reply.status}: {reply.body}"
        found: dict[str, Any] = reply.body["data"]
        return found

    def store(self, order: Order) -> int:
        reply = self.post([order])
        assert reply.status == 201, f"a valid order was refused with {reply.status}: {reply.body}"
        pk: int = reply.body["data"][0]["id"]
        return pk


def integrations_of(payload: Any) -> list[int]:
    """The integrations a payload's orders name: the account a fresh fake gives them."""
    found = []
    for order in payload if isinstance(payload, list) else [payload]:
        details = order.get("order_details") if isinstance(order, dict) else None
        named = details.get("integration") if isinstance(details, dict) else None
        number = integration_id(named.get("id")) if isinstance(named, dict) else None
        if number is not None and number >= 1:
            found.append(number)
    return found


def errors_of(reply: Reply) -> list[tuple[str, str]]:
    """(source.pointer, detail) of each JSON:API error of a refusal."""
    return [(e.get("source", {}).get("pointer", ""), e["detail"]) for e in reply.body["errors"]]


def kept(order: Mapping[str, Any]) -> dict[str, Any]:
    """An order without the fields Sendcloud sets itself."""
    return {k: v for k, v in order.items() if k not in READ_ONLY}


# ------------------------------------------------------------------------------- valid batches


def hold_valid_batch(faces: Faces, batch: list[Order]) -> None:
    """Valid for the validator, 201 from the fake, read back by GET as sent."""
    errors = faces.validate(batch, "order-batch").errors
    assert errors == [], f"the strategies drew a batch the validator refuses: {errors[:3]}"
    client = Client(faces, integrations_of(batch))
    reply = client.post(batch)
    assert reply.status == 201, f"the fake refused a valid batch: {errors_of(reply)[:3]}"
    for sent, summary in zip(batch, reply.body["data"], strict=True):
        got = client.get(summary["id"])
        assert kept(got) == kept(sent), f"GET order {summary['id']} differs from what was sent"


def check_batches(faces: Faces, strategy: st.SearchStrategy[list[Order]], run: settings) -> None:
    # Drawn inside the test: Hypothesis then shows a failing batch as a note, without a
    # repr of the call (which it warns about for large values).
    @run
    @given(st.data())
    def hold(data: st.DataObject) -> None:
        hold_valid_batch(faces, data.draw(strategy, label="batch"))

    hold()


# ------------------------------------------------------------------------------- invalid orders


def hold_invalid(faces: Faces, payload: Any, expected: ExpectedViolation) -> None:
    """An error from the validator at the expected place; a 400 from the fake, nothing stored."""
    report = faces.validate(payload, expected.kind)
    found = [v for v in report.errors if (v.pointer, v.rule) == (expected.pointer, expected.rule)]
    assert found, (
        f"the validator misses {expected.rule} at {expected.pointer!r} ({expected.description}); "
        f"it reports {[(v.pointer, v.rule) for v in report.errors][:5]}"
    )
    if expected.kind == "order-update":
        client = Client(faces, [1])
        pk = client.store(small_order())
        before = client.fake.orders()
        reply = client.call("PATCH", f"/orders/{pk}", payload)
        assert reply.status == 400, f"the fake took a broken PATCH body ({expected.description})"
        assert client.fake.orders() == before, "a refused PATCH changed the order"
        return
    client = Client(faces, integrations_of(payload))
    reply = client.post(payload if expected.kind == "order-batch" else [payload])
    assert reply.status == 400, (
        f"the fake answered {reply.status} to a payload breaking {expected.rule} "
        f"({expected.description})"
    )
    assert client.fake.orders() == [], "a refused batch stored orders"
    places = {pointer for pointer, _ in errors_of(reply)}
    assert {v.sendcloud_pointer for v in found} & places, (
        f"the fake's errors {errors_of(reply)[:3]} do not name {found[0].sendcloud_pointer}"
    )


def small_order() -> Order:
    """A small valid order of the project's own, for the PATCH bodies of ``invalid_orders``."""
    return {
        "order_id": "faces-1",
        "order_number": "F-1",
        "order_details": {
            "integration": {"id": 1},
            "status": {"code": "fulfilled"},
            "order_created_at": "2024-04-28T10:00:00Z",
            "order_items": [
                {"name": "Candle", "quantity": 1, "total_price": {"value": 3.5, "currency": "EUR"}}
            ],
        },
        "payment_details": {
            "total_price": {"value": 3.5, "currency": "EUR"},
            "status": {"code": "paid"},
        },
    }


SCHEMA_RULES = ("required", "type", "additionalProperties", "minimum", "exclusiveMinimum",
                "enum", "format", "pattern", "minLength", "minItems", "oneOf")  # fmt: skip
ERROR_RULES = (*SCHEMA_RULES, *(r.id for r in rules.RULES if r.severity == "error"))
"""Every rule whose break blocks an order: each gets its share of the invalid examples."""


def check_invalid(faces: Faces, run: settings) -> None:
    """``run.max_examples`` payloads breaking each rule of :data:`ERROR_RULES`."""
    for rule in ERROR_RULES:

        @run
        @given(st.data())
        def hold(data: st.DataObject) -> None:
            case = data.draw(faces.invalid_orders(rules=[rule]), label="payload, expected")  # noqa: B023
            hold_invalid(faces, *case)

        hold()


# ------------------------------------------------------------------------------- PATCH


def hold_update(faces: Faces, client: Client, pk: int, body: dict[str, Any]) -> None:
    """A drawn PATCH body: valid, alone and for the stored order; 200; exactly what it names."""
    before = client.get(pk)
    errors = faces.validate(body, "order-update").errors
    assert errors == [], f"order_updates drew a body the validator refuses: {errors[:3]}"
    merged = [v for v in faces.current_violations(before, body) if v.severity == "error"]
    assert merged == [], f"order_updates drew a body that breaks the order: {merged[:3]}"
    reply = client.call("PATCH", f"/orders/{pk}", body)
    assert reply.status == 200, f"the fake refused a valid PATCH: {errors_of(reply)[:3]}"
    after = client.get(pk)
    assert after["created_at"] == before["created_at"]
    changed = sorted(changed_paths(before, after) - {("modified_at",)})
    named = named_changes(before, body)
    for path in changed:
        assert any(path[: len(p)] == p for p in named), (
            f"PATCH changed {pointers.to_pointer(path)}, which the body does not name"
        )
    for path, value in named.items():
        got = pointers.resolve(after, pointers.to_pointer(path))
        want = pointers.MISSING if value is None else value
        assert got == want, f"PATCH did not set {pointers.to_pointer(path)} to {value!r}"


def named_changes(before: Mapping[str, Any], body: Mapping[str, Any]) -> dict[tuple[Any, ...], Any]:
    """Each place of the stored order a PATCH body names, and the value it gives there.

    Written apart from the fake's merge: items are found by name among the stored ones,
    ``phone`` is the stored ``phone_number``, a service point or a list is one value, null
    names the absence of a value.
    """
    names = [i.get("name") for i in before["order_details"]["order_items"]]
    found: dict[tuple[Any, ...], Any] = {}

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict) and path != ("service_point_details",):
            for key, child in value.items():
                if path == ("customer_details",) and key == "phone":
                    key = "phone_number"
                if path == ("order_details",) and key == "order_items":
                    for change in child:
                        index = names.index(change["name"])
                        walk(change, (*path, key, index))
                    continue
                walk(child, (*path, key))
        else:
            found[path] = value

    walk({k: v for k, v in body.items() if k not in READ_ONLY}, ())
    return found


def changed_paths(before: Any, after: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """The leaves where two documents differ; ``None`` stands for a member one side lacks.

    An object that is new, gone or replaces a null counts as each of its leaves.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        out: set[tuple[Any, ...]] = set()
        for key in before.keys() | after.keys():
            if key in before and key in after:
                out |= changed_paths(before[key], after[key], (*path, key))
            else:
                out |= changed_paths(before.get(key), after.get(key), (*path, key)) or {
                    (*path, key)
                }
        return out
    if isinstance(before, dict) and before and after is None:
        return changed_paths(before, {}, path)
    if isinstance(after, dict) and after and before is None:
        return changed_paths({}, after, path)
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return set().union(
            *(
                changed_paths(a, b, (*path, i))
                for i, (a, b) in enumerate(zip(before, after, strict=True))
            )
        )
    return set() if before == after and type(before) is type(after) else {path}


def check_updates(faces: Faces, run: settings) -> None:
    @run
    @given(st.data())
    def hold(data: st.DataObject) -> None:
        order = data.draw(faces.orders(), label="order")
        client = Client(faces, integrations_of(order))
        pk = client.store(order)
        for step in range(2):
            body = data.draw(faces.order_updates(client.get(pk)), label=f"patch {step}")
            hold_update(faces, client, pk, body)

    hold()


# ------------------------------------------------------------------------------- refusals


@st.composite
def patch_attempts(draw: st.DrawFn, faces: Faces, current: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH bodies right and wrong for a stored order: drawn valid ones and common mistakes."""
    kind = draw(
        st.sampled_from(
            (
                "valid",
                "missing-member",
                "id-alone",
                "other-id",
                "unknown-item",
                "order-id",
                "swap-service-point",
                "bad-body",
            )
        )
    )
    own = str(current["id"])
    if kind == "valid":
        return draw(faces.order_updates(current))
    if kind == "missing-member":
        return draw(st.sampled_from(list(_incomplete_objects(current))))
    if kind == "id-alone":
        return {"id": own}
    if kind == "other-id":
        other = {"id": str(int(own) + draw(st.integers(1, 5)))}
        return other | draw(st.sampled_from(({}, {"order_number": "X-1"})))
    if kind == "unknown-item":
        names = {i["name"] for i in current["order_details"]["order_items"]}
        name = next(f"Nothing {n}" for n in itertools.count() if f"Nothing {n}" not in names)
        return {"order_details": {"order_items": [{"name": name, "quantity": 1}]}}
    if kind == "order-id":
        return {"order_id": f"{current['order_id']}-moved"}
    if kind == "swap-service-point":
        point = current.get("service_point_details") or {"id": "1"}
        other = "carrier_service_point_id" if "id" in point else "id"
        return {"service_point_details": {other: "00042"}}
    return draw(
        st.sampled_from(
            [
                {},
                {"id": 7},
                {"order_details": {"order_items": [{"quantity": 0}]}},
                {"customer_details": {"phone": "+31612345678", "phone_number": "+31612345678"}},
                {"shipping_address": {"country_code": "Netherlands"}},
            ]
        )
    )


def _incomplete_objects(current: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Bodies that create an object the order lacks without a member it requires."""
    yield {"customer_details": {"email": "a@b.example"}}
    yield {"billing_address": {"city": "Utrecht"}}
    yield {"shipping_address": {"address_line_2": "Back door"}}
    for item in current["order_details"]["order_items"]:
        if "unit_price" not in item:
            yield {
                "order_details": {
                    "order_items": [{"name": item["name"], "unit_price": {"value": 1}}]
                }
            }
    yield {"shipping_details": {"ship_with": {"type": "shipping_option_code", "properties": {}}}}


def hold_attempt(faces: Faces, client: Client, pk: int, body: Any) -> None:
    """The fake refuses exactly what the validator (alone, or given the order) reports.

    Each error of a refusal is a body error (same place), a finding on the stored order (same
    place and message; a state rule when :data:`patching.STATE_RULES` names it), or what only
    the account knows.
    """
    current = client.get(pk)
    alone = faces.validate(body, "order-update").errors
    given_order = [] if alone else faces.current_violations(current, body)
    given_order = [v for v in given_order if v.severity == "error"]
    before = client.fake.orders()
    reply = client.call("PATCH", f"/orders/{pk}", body)
    if reply.status == 200:
        assert not alone, f"the fake took a PATCH body the validator refuses: {alone[:3]}"
        assert not given_order, f"the fake took a PATCH that breaks the order: {given_order[:3]}"
        return
    assert reply.status == 400, f"PATCH answered {reply.status}: {reply.body}"
    assert client.fake.orders() == before, "a refused PATCH changed the order"
    body_places = {v.sendcloud_pointer for v in alone}
    findings = {(v.sendcloud_pointer, v.message) for v in given_order}
    for place, detail in errors_of(reply):
        explained = place in body_places or (place, detail) in findings or place in ACCOUNT_POINTERS
        assert explained, (
            f"the fake refused at {place} ({detail!r}), which the validator does not report: "
            f"alone {[(v.sendcloud_pointer, v.message) for v in alone]}, "
            f"given the order {sorted(findings)}"
        )
    assert alone or given_order, f"the fake refused a PATCH the validator takes: {errors_of(reply)}"


def check_refusals(faces: Faces, run: settings) -> None:
    @run
    @given(st.data())
    def hold(data: st.DataObject) -> None:
        order = data.draw(faces.orders(), label="order")
        client = Client(faces, integrations_of(order))
        pk = client.store(order)
        body = data.draw(patch_attempts(faces, client.get(pk)), label="patch")
        hold_attempt(faces, client, pk, body)

    hold()


# ------------------------------------------------------------------------------- broken faces


def _dropping(rule: str) -> Validate:
    """The validator with one rule left out."""

    def check(payload: Any, kind: str) -> Report:
        report = validate(payload, kind)
        return replace(report, violations=[v for v in report.violations if v.rule != rule])

    return check


def _with_made_up_id(batch: list[Order]) -> list[Order]:
    return [order | {"id": "4242"} for order in batch]


def _sharing_a_key(batch: list[Order]) -> list[Order]:
    if len(batch) < 2:
        return batch
    twin = copy.deepcopy(batch[1])
    twin["order_id"] = batch[0]["order_id"]
    twin["order_details"]["integration"] = dict(batch[0]["order_details"]["integration"])
    return [batch[0], twin, *batch[2:]]


def _customer_without_name(body: dict[str, Any]) -> dict[str, Any]:
    customer = body.get("customer_details")
    if isinstance(customer, dict):
        body["customer_details"] = {k: v for k, v in customer.items() if k != "name"}
    return body


def _parent_pointer(case: tuple[Any, ExpectedViolation]) -> tuple[Any, ExpectedViolation]:
    payload, expected = case
    return payload, replace(expected, pointer=expected.pointer.rpartition("/")[0])


def _unchecked_contract(payload: Any, kind: str) -> list[dict[str, Any]]:
    return []


def _no_findings(violations: Any) -> list[dict[str, Any]]:
    return []


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


class _NullsDropped(StoredOrder):
    def returned(self) -> dict[str, Any]:
        returned: dict[str, Any] = _without_nulls(super().returned())
        return returned


# Each broken face: what it breaks, and the differential check that must notice.
MUTANTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], Faces], str, str]] = {
    "validator without the required rule": (
        lambda mp: FACES.broken(validate=_dropping("required")),
        "invalid",
        "the validator misses required",
    ),
    "validator without duplicate-order-key": (
        lambda mp: FACES.broken(validate=_dropping("duplicate-order-key")),
        "invalid",
        "the validator misses duplicate-order-key",
    ),
    "validator blind to the stored order": (
        lambda mp: FACES.broken(merge_violations=lambda current, body, check: []),
        "refusals",
        "which the validator does not report",
    ),
    "fake without the contract check of a batch": (
        lambda mp: (mp.setattr(fake_store, "contract_errors", _unchecked_contract), FACES)[1],
        "invalid",
        "the fake answered",
    ),
    "fake without the check of the merged order": (
        lambda mp: (mp.setattr(fake_store, "violation_errors", _no_findings), FACES)[1],
        "refusals",
        "the fake took a PATCH that breaks the order",
    ),
    "fake that loses nulls on the way back": (
        lambda mp: (mp.setattr(fake_store, "StoredOrder", _NullsDropped), FACES)[1],
        "edge",
        "differs from what was sent",
    ),
    "edge_case_batches with a made-up id": (
        lambda mp: FACES.broken(
            edge_case_batches=lambda: edge_case_batches().map(_with_made_up_id)
        ),
        "edge",
        "Order with id 4242 does not exist",
    ),
    "order_batches with a key twice": (
        lambda mp: FACES.broken(order_batches=lambda: order_batches().map(_sharing_a_key)),
        "batches",
        "duplicate-order-key",
    ),
    "order_updates creating a customer without a name": (
        lambda mp: FACES.broken(
            order_updates=lambda order: order_updates(order).map(_customer_without_name)
        ),
        "updates",
        "customer_details.name: Field required",
    ),
    "invalid_orders expecting the parent's pointer": (
        lambda mp: FACES.broken(
            invalid_orders=lambda **given: invalid_orders(**given).map(_parent_pointer)
        ),
        "invalid",
        "the validator misses",
    ),
}


BUDGETS = {"batches": 100, "edge": 60, "invalid": 12, "updates": 100, "refusals": 200}
"""Examples each differential check draws (``invalid``: for each rule of ERROR_RULES)."""


def budget(name: str) -> settings:
    """The settings of a check: its budget under the loaded profile (``ci``: derandomized)."""
    return settings(max_examples=BUDGETS[name])


def run_check(name: str, faces: Faces, run: settings) -> None:
    """One differential check by name, as :data:`MUTANTS` names them."""
    if name == "batches":
        check_batches(faces, faces.order_batches(), run)
    elif name == "edge":
        check_batches(faces, faces.edge_case_batches(), run)
    elif name == "invalid":
        check_invalid(faces, run)
    elif name == "updates":
        check_updates(faces, run)
    else:
        check_refusals(faces, run)
