"""sendcloud_validator, sendcloud_fake, sendcloud_server, sendcloud_fakes and the hook."""

from __future__ import annotations

import pytest

from tests.plugin.helpers import Run, order_literal


def test_validator_reports_and_fails_with_the_text_report(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        f"""
        ORDER = {order_literal()}

        def test_report(sendcloud_validator):
            report = sendcloud_validator.validate([ORDER], kind="order-batch")
            assert report.ok and report.kind == "order-batch"
            assert not sendcloud_validator.validate([dict(ORDER, order_id=7)]).ok

        def test_assert_valid_fails(sendcloud_validator):
            sendcloud_validator.assert_valid(dict(ORDER, order_id=7), kind="order")
        """
    )

    result = run()

    result.assert_outcomes(passed=1, failed=1)
    lines = result.stdout.lines
    start = lines.index(next(line for line in lines if line.startswith("INVALID")))
    assert lines[start : start + 9] == [
        "INVALID  <payload> (order)",
        "  <payload>: error   /order_id: expected string, got integer 7 [type]",
        '      hint: quote it: "7"',
        "      value: 7",
        "      Sendcloud source.pointer: /data/attributes/[0]/order_id",
        "",
        "test_validator_reports_and_fails_with_the_text_report.py:9: in test_assert_valid_fails",
        '    sendcloud_validator.assert_valid(dict(ORDER, order_id=7), kind="order")',
        "sendcloud: 3 payloads and 0 requests validated, 2 violations",
    ]
    assert (
        "sendcloud_contract" not in result.stdout.str().split("FAILURES")[1].split("sendcloud:")[0]
    )


def test_strict_counts_strict(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        ORDER = {order_literal()}
        ORDER["order_details"]["order_items"][0]["hs_code"] = "12"   # a warning only

        def test_lenient(sendcloud_validator):
            sendcloud_validator.assert_valid(ORDER, kind="order")

        @pytest.mark.sendcloud(strict=True)
        def test_strict(sendcloud_validator):
            sendcloud_validator.assert_valid(ORDER, kind="order")
        """
    )

    result = run()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*error   /order_details/order_items/0/hs_code*[[]hs-code-shape[]]"]
    )


FAKE_TESTS = f"""
import httpx
import pytest

ORDER = {order_literal()}


def client(fake):
    return httpx.Client(base_url=fake.base_url, auth=fake.auth)


def test_posts_an_order(sendcloud_fake):
    assert sendcloud_fake.base_url == "https://panel.sendcloud.sc/api/v3"
    response = client(sendcloud_fake).post("/orders", json=[ORDER])
    assert response.status_code == 201, response.text
    [stored] = sendcloud_fake.orders
    stored["order_id"] = "changed"
    assert [o["order_id"] for o in sendcloud_fake.orders] == ["WEB-1"]
    assert sendcloud_fake.integration_ids is None


def test_starts_empty(sendcloud_fake):
    assert client(sendcloud_fake).get("/orders").json() == {{"data": []}}


def test_knobs(sendcloud_fake):
    api = client(sendcloud_fake)
    sendcloud_fake.inject_fault("GET /orders", status=503)
    assert api.get("/orders").status_code == 503
    sendcloud_fake.visibility_delay = 1
    api.post("/orders", json=[ORDER])
    assert api.get("/orders/1").status_code == 404
    sendcloud_fake.still_processing("WEB-1")
    assert api.post("/orders", json=[ORDER]).status_code == 400


def test_beside_respx_mock(sendcloud_fake, respx_mock):
    shop = respx_mock.get("https://shop.example/orders").respond(200, json=[ORDER])
    orders = httpx.get("https://shop.example/orders").json()
    response = client(sendcloud_fake).post("/orders", json=orders)
    assert shop.called
    assert response.status_code == 201


@pytest.mark.sendcloud(integrations=[7, 8], base_url="https://sendcloud.test/api/v3")
def test_marker(sendcloud_fake):
    assert sendcloud_fake.integration_ids == (7, 8)
    response = httpx.get("https://sendcloud.test/api/v3/orders", auth=sendcloud_fake.auth)
    assert response.status_code == 200


def test_fresh_starts_over(sendcloud_fake):
    for _ in range(3):
        with sendcloud_fake.fresh() as fake:
            client(fake).post("/orders", json=[ORDER])
            assert len(fake.orders) == 1
"""


def test_sendcloud_fake(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(FAKE_TESTS)

    run().assert_outcomes(passed=6)


def test_sendcloud_fake_in_random_order(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAKE_TESTS)
    orders = set()

    for seed in ("1", "2", "3"):
        result = pytester.runpytest(
            "-p", "sendcloud", "-p", "randomly", "-p", "no:cacheprovider",
            f"--randomly-seed={seed}", "-v",
        )  # fmt: skip
        result.assert_outcomes(passed=6)
        orders.add(tuple(line.split()[0] for line in result.outlines if " PASSED" in line))

    assert len(orders) > 1, "pytest-randomly did not change the order"


def test_sendcloud_server(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        f"""
        import base64, json, urllib.error, urllib.request
        import pytest

        ORDER = {order_literal()}
        SEEN = []

        def call(server, method, path, body=None):
            token = base64.b64encode(":".join(server.auth).encode()).decode()
            request = urllib.request.Request(
                server.base_url + path, method=method,
                data=None if body is None else json.dumps(body).encode(),
                headers={{"Authorization": "Basic " + token, "Content-Type": "application/json"}})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        @pytest.mark.parametrize("round", [1, 2])
        def test_state_is_reset_for_every_test(sendcloud_server, round):
            SEEN.append(sendcloud_server.base_url)
            assert sendcloud_server.base_url.startswith("http://127.0.0.1:")
            assert call(sendcloud_server, "GET", "/orders") == (200, {{"data": []}})
            assert call(sendcloud_server, "POST", "/orders", [ORDER])[0] == 201
            assert len(sendcloud_server.orders) == 1
            assert len(set(SEEN)) == 1   # one server for the session

        def test_fresh(sendcloud_server):
            assert call(sendcloud_server, "POST", "/orders", [ORDER])[0] == 201
            with sendcloud_server.fresh() as server:
                assert call(server, "GET", "/orders") == (200, {{"data": []}})

        @pytest.mark.sendcloud(integrations=[9])
        def test_marker(sendcloud_server):
            status, body = call(sendcloud_server, "POST", "/orders", [ORDER])
            assert status == 400 and "Integration with id 1 does not exist" in json.dumps(body)
        """
    )

    run().assert_outcomes(passed=4)


def test_the_hook_seeds_adds_accounts_and_rules(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeconftest(
        f"""
        from sendcloud_contract import Violation
        from sendcloud_contract.fake import Account

        def no_test_orders(payload, kind):
            orders = payload if isinstance(payload, list) else [payload]
            for index, order in enumerate(orders):
                if str(order.get("order_id", "")).startswith("TEST-"):
                    message = "test orders must not reach Sendcloud"
                    yield Violation(f"/{{index}}/order_id", message, "no-test-orders")

        def pytest_sendcloud_configure(setup):
            setup.add_rule(no_test_orders)
            if setup.fake is not None:
                setup.fake.seed([{order_literal(order_id="SEEDED")}])
                setup.fake.add_account(Account("other", "secret", (2,)))
        """
    )
    pytester.makepyfile(
        f"""
        ORDER = {order_literal()}

        def test_seeded(sendcloud_fake):
            assert [o["order_id"] for o in sendcloud_fake.orders] == ["SEEDED"]
            keys = [a.public_key for a in sendcloud_fake.fake.accounts]
            assert keys == ["fake-public-key", "other"]
            sendcloud_fake.reset()
            assert [o["order_id"] for o in sendcloud_fake.orders] == ["SEEDED"]

        def test_rule(sendcloud_validator):
            report = sendcloud_validator.validate([dict(ORDER, order_id="TEST-1")])
            found = [(v.pointer, v.rule) for v in report.violations]
            assert found == [("/0/order_id", "no-test-orders")]
        """
    )

    run().assert_outcomes(passed=2)


def test_hypothesis_examples_each_get_a_fresh_fake(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        from hypothesis import given, settings, strategies as st

        ORDER = {order_literal()}
        EXAMPLES = []

        @settings(max_examples=15, database=None)
        @given(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True))
        def test_push(sendcloud_fakes, order_ids):
            with sendcloud_fakes.fresh() as fake:
                batch = [dict(ORDER, order_id=i) for i in order_ids]
                api = httpx.Client(base_url=fake.base_url, auth=fake.auth)
                assert api.post("/orders", json=batch).status_code == 201
                assert sorted(o["order_id"] for o in fake.orders) == sorted(order_ids)
            EXAMPLES.append(order_ids)

        def test_ran_many_examples():
            assert len(EXAMPLES) > 5
        """
    )

    result = run()

    result.assert_outcomes(passed=2)
    assert "HealthCheck" not in result.stdout.str()


def test_a_function_scoped_fixture_in_given_still_trips_the_health_check(
    pytester: pytest.Pytester, run: Run
) -> None:
    """Why sendcloud_fakes exists: Hypothesis objects to sendcloud_fake in @given."""
    pytester.makepyfile(
        """
        from hypothesis import given, strategies as st

        @given(st.integers())
        def test_push(sendcloud_fake, n):
            pass
        """
    )

    result = run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*uses a function-scoped fixture 'sendcloud_fake'*"])
