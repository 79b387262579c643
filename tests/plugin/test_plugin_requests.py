"""Request validation through the fake's listener, and the coverage it feeds."""

from __future__ import annotations

import json

import pytest

from tests.plugin.helpers import Run, order_literal

SWALLOWING = f"""
import httpx
import pytest

ORDER = {order_literal()}


def push(fake, batch):
    # Code under test that swallows Sendcloud's 400.
    response = httpx.post(fake.base_url + "/orders", json=batch, auth=fake.auth)
    return response.status_code


def test_swallowed(sendcloud_fake):
    assert push(sendcloud_fake, [dict(ORDER, order_id=7)]) == 400


@pytest.mark.sendcloud(validate_requests=False)
def test_on_purpose(sendcloud_fake):
    assert push(sendcloud_fake, [dict(ORDER, order_id=7)]) == 400


def test_good(sendcloud_fake):
    assert push(sendcloud_fake, [ORDER]) == 201
"""


def test_a_swallowed_400_still_fails_the_test(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(SWALLOWING)

    result = run()

    result.assert_outcomes(passed=2, failed=1)
    lines = result.stdout.lines
    start = lines.index("sendcloud: 1 request to the fake broke the contract")
    assert lines[start : start + 8] == [
        "sendcloud: 1 request to the fake broke the contract",
        "INVALID  POST /api/v3/orders (order-batch)",
        "  POST /api/v3/orders:1:14: error   /0/order_id: expected string, got integer 7 [type]",
        '      hint: quote it: "7"',
        "      value: 7",
        "      Sendcloud source.pointer: /data/attributes/[0]/order_id",
        "  the fake answered 400",
        "  sent on purpose? opt out with @pytest.mark.sendcloud(validate_requests=False)",
    ]
    result.stdout.fnmatch_lines(["sendcloud: 0 payloads and 2 requests validated, 1 violation"])


def test_the_servers_requests_are_validated_too(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        """
        import base64, urllib.error, urllib.request

        def test_bad_query(sendcloud_server):
            token = base64.b64encode(":".join(sendcloud_server.auth).encode()).decode()
            request = urllib.request.Request(
                sendcloud_server.base_url + "/orders?page_size=0",
                headers={"Authorization": "Basic " + token})
            try:
                urllib.request.urlopen(request, timeout=10)
            except urllib.error.HTTPError:
                pass
        """
    )

    result = run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "sendcloud: 1 request to the fake broke the contract",
            "INVALID  GET /api/v3/orders?page_size=0 (order-list-query)",
            "*/page_size: *",
        ]
    )


def test_a_failing_test_keeps_its_failure_and_gains_a_section(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        ORDER = {order_literal()}

        def test_both(sendcloud_fake):
            httpx.post(sendcloud_fake.base_url + "/orders", json=[dict(ORDER, order_id=7)],
                       auth=sendcloud_fake.auth)
            assert 1 == 2
        """
    )

    result = run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E       assert 1 == 2", "*- Captured sendcloud requests call -*", "sendcloud: 1 request*"]
    )


def test_a_bad_request_fails_a_hypothesis_example(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        from hypothesis import given, settings, strategies as st

        ORDER = {order_literal()}

        @settings(max_examples=20, database=None)
        @given(st.integers(min_value=0, max_value=5))
        def test_push(sendcloud_fakes, n):
            with sendcloud_fakes.fresh() as fake:
                order_id = n if n == 3 else f"A{{n}}"
                httpx.post(fake.base_url + "/orders", json=[dict(ORDER, order_id=order_id)],
                           auth=fake.auth)
        """
    )

    result = run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Failing test case: test_push(", "*    n=3,"])
    result.stdout.fnmatch_lines(["*expected string, got integer 3*"])


def test_coverage_from_the_fakes_exchanges(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        ORDER = {order_literal(customs_details={"shipment_type": "commercial_goods"})}

        def test_exercise(sendcloud_fake):
            api = httpx.Client(base_url=sendcloud_fake.base_url, auth=sendcloud_fake.auth)
            assert api.post("/orders", json=[ORDER]).status_code == 201
            assert api.get("/orders/999").status_code == 404
            sendcloud_fake.inject_fault("GET /orders", status=503)
            assert api.get("/orders").status_code == 503
            assert api.patch("/orders/1", json={{"order_details": {{"order_items": [
                {{"name": "Cylinder candle", "quantity": 3}}]}}}}).status_code == 200
        """
    )

    result = run("--sendcloud-coverage", "--sendcloud-coverage-json", "coverage.json")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "sendcloud: 0 payloads and 3 requests validated, 0 violations",
            "  POST /orders * 1 * 201 x1 * 400, 401, 429",
            "  GET /orders * 1 * 503 x1 * 200, 400, 401, 404, 429",
            "  GET /orders/{id} * 1 * 404 x1 * 200, 401, 429",
        ]
    )
    data = json.loads((pytester.path / "coverage.json").read_text())
    post, listing, _, patch, _ = data["operations"]
    assert post["fields"]["customs_details"] == 1
    assert post["fields"]["service_point_details"] == 0
    assert listing["server_errors_seen"] == 1
    assert patch["fields"]["order_details.order_items"] == 1


MERGE_REFUSED = f"""
import httpx

ORDER = {order_literal()}


def test_patch(sendcloud_fake):
    order = dict(ORDER)
    order.pop("customer_details", None)
    url, auth = sendcloud_fake.base_url, sendcloud_fake.auth
    created = httpx.post(url + "/orders", json=[order], auth=auth)
    pk = created.json()["data"][0]["id"]
    body = {{"customer_details": {{"email": "a@b.example"}}}}
    answer = httpx.patch(url + f"/orders/{{pk}}", json=body, auth=auth)
    assert answer.status_code == 400
"""


def test_a_patch_the_merge_refused_fails_with_the_cause(
    pytester: pytest.Pytester, run: Run
) -> None:
    """Valid alone, the body breaks the stored order it is merged into: the report says how."""
    pytester.makepyfile(MERGE_REFUSED)

    result = run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "sendcloud: 1 request to the fake broke the contract",
            "INVALID  PATCH /api/v3/orders/1 (order-update)",
            "*/customer_details: customer_details.name: Field required in the order this PATCH"
            " would make*",
            "  the fake answered 400",
        ]
    )
