"""The core without any adapter: setup rules, seeding, knobs' arguments, the request edge."""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from sendcloud_contract.fake import (
    BASE_URL,
    Account,
    FakeSendcloud,
    ManualClock,
    Reply,
    SeedError,
)
from tests.fake.helpers import ALICE, BOB, START, json_headers, make_order

URL = BASE_URL + "/orders"


def alice_headers() -> dict[str, str]:
    return json_headers(ALICE)


def post(fake: FakeSendcloud, *orders: object) -> Reply:
    return fake.handle("POST", URL, alice_headers(), orjson.dumps(list(orders)))


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(START)

    assert clock() == START
    assert clock.advance(1.5) == START + timedelta(seconds=1.5)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("public", "secret", "integrations", "message"),
    [
        ("", "s", (1,), "needs a public key"),
        ("p", "", (1,), "needs a public key"),
        ("p:q", "s", (1,), "cannot contain ':'"),
        ("p", "s", (0,), "positive integers"),
        ("p", "s", (True,), "positive integers"),
    ],
)
def test_account_refuses_unusable_settings(
    public: str, secret: str, integrations: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Account(public, secret, integrations)


def test_an_integration_belongs_to_one_account() -> None:
    fake = FakeSendcloud([ALICE])

    with pytest.raises(ValueError, match="already belong"):
        fake.add_account(Account("carol", "secret", (2,)))
    with pytest.raises(ValueError, match="exists"):
        fake.add_account(Account(ALICE.public_key, "other", (9,)))
    assert fake.add_account(BOB) is BOB
    assert fake.accounts == (ALICE, BOB)


def test_a_fake_needs_an_account() -> None:
    with pytest.raises(ValueError, match="at least one account"):
        FakeSendcloud([])


def test_default_fake_has_one_account_that_declares_no_integration() -> None:
    fake = FakeSendcloud()

    assert fake.account == Account("fake-public-key", "fake-secret-key")
    assert fake.account.integrations is None


@pytest.mark.parametrize(
    ("route", "kwargs", "message"),
    [
        ("GET /shipments", {}, "unknown route"),
        ("PUT /orders", {}, "answers GET, POST"),
        ("POST /orders", {"status": 404}, "5xx"),
        ("POST /orders", {"times": 0}, "at least 1"),
    ],
)
def test_inject_fault_checks_its_arguments(
    route: str, kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        # Deliberately wrong arguments: the check under test is the fake's own, at run time.
        FakeSendcloud().inject_fault(route, **kwargs)  # type: ignore[arg-type]


def test_injected_ids_and_clock_are_used() -> None:
    clock = ManualClock(START)
    fake = FakeSendcloud([ALICE], clock=clock, ids=itertools.count(669))

    reply = post(fake, make_order("a"), make_order("b"))

    assert [entry["id"] for entry in reply.body["data"]] == [669, 670]
    assert fake.orders()[0]["created_at"] == "2024-05-01T12:00:00.000000+00:00"


def test_id_sequence_skips_ids_in_use() -> None:
    fake = FakeSendcloud([ALICE], ids=iter([1, 1, 2, 5]))

    first = post(fake, make_order("a")).body["data"][0]["id"]
    second = post(fake, make_order("b")).body["data"][0]["id"]

    assert (first, second) == (1, 2)


def test_a_broken_id_sequence_is_a_json_500_not_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeSendcloud([ALICE], ids=iter([0]))

    with caplog.at_level(logging.ERROR, logger="sendcloud_contract.fake.core"):
        reply = post(fake, make_order("a"))

    assert reply.status == 500
    assert reply.body["errors"][0]["code"] == "server_error"
    assert "the id sequence gave 0" in caplog.text
    assert fake.orders() == []


def test_seed_takes_more_than_one_batch_and_shows_orders_at_once() -> None:
    fake = FakeSendcloud([ALICE], visibility_delay=3)

    ids = fake.seed([make_order(f"o{n}") for n in range(150)])

    assert ids == list(range(1, 151))
    reply = fake.handle("GET", URL + "/150", alice_headers())
    assert reply.status == 200


def test_seed_is_all_or_nothing_and_names_the_failing_order() -> None:
    fake = FakeSendcloud([ALICE])
    orders = [make_order(f"o{n}") for n in range(150)]
    del orders[120]["order_number"]

    with pytest.raises(SeedError) as caught:
        fake.seed(orders)

    assert [e["source"]["pointer"] for e in caught.value.errors] == [
        "/data/attributes/[120]/order_number"
    ]
    assert "/data/attributes/[120]/order_number" in str(caught.value)
    assert fake.orders() == []


def test_seed_as_another_account() -> None:
    fake = FakeSendcloud([ALICE, BOB])

    fake.seed([make_order("b", 3)], account=BOB)

    assert [o["order_id"] for o in fake.orders(BOB)] == ["b"]
    assert fake.orders(ALICE) == []
    with pytest.raises(SeedError, match="Integration with id 3 does not exist"):
        fake.seed([make_order("b", 3)])


def test_reset_forgets_orders_faults_and_rate_counts() -> None:
    fake = FakeSendcloud([ALICE], rate_limit=True, clock=ManualClock(START))
    fake.seed([make_order("a")])
    fake.inject_fault("GET /orders", times=None)
    fake.still_processing("b", times=None)
    for _ in range(15):
        post(fake, make_order("c"))

    fake.reset()

    assert fake.orders() == []
    assert fake.handle("GET", URL, alice_headers()).status == 200
    assert post(fake, make_order("b")).status == 201


def test_still_processing_with_times_none_lasts_until_cleared() -> None:
    fake = FakeSendcloud([ALICE])
    fake.still_processing("a", times=None)

    statuses = [post(fake, make_order("a")).status for _ in range(3)]
    fake.still_processing("a", times=0)

    assert statuses == [400, 400, 400]
    assert post(fake, make_order("a")).status == 201


def test_headers_may_come_as_pairs_in_any_case() -> None:
    fake = FakeSendcloud([ALICE])
    pairs = [(k.upper(), v) for k, v in alice_headers().items()]

    assert fake.handle("get", URL, pairs).status == 200


def test_a_clock_without_a_time_zone_is_refused_loudly() -> None:
    fake = FakeSendcloud([ALICE], clock=lambda: datetime(2024, 1, 1))

    reply = post(fake, make_order("a"))

    assert reply.status == 500
    assert fake.orders() == []


def test_reply_headers_carry_type_and_length_only_with_a_body() -> None:
    assert Reply(204).header_items() == []
    assert Reply(200, {"data": []}, (("link", "<x>"),)).header_items() == [
        ("link", "<x>"),
        ("content-type", "application/json"),
        ("content-length", "11"),
    ]


def test_timestamps_are_utc_even_from_a_clock_in_another_zone() -> None:
    amsterdam = timezone(timedelta(hours=2))
    fake = FakeSendcloud([ALICE], clock=lambda: datetime(2024, 5, 1, 14, 0, tzinfo=amsterdam))

    post(fake, make_order("a"))

    assert fake.orders()[0]["created_at"] == "2024-05-01T12:00:00.000000+00:00"
