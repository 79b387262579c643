"""A failing test's report shows the fake's error answers: method, path, status, and each
JSON:API error's code, detail and source."""

from __future__ import annotations

import pytest

from tests.plugin.helpers import Run, order_literal

HEADER = f"""
import base64, json, urllib.error, urllib.request
import httpx
import pytest

ORDER = {order_literal()}
"""

SECTION = "Captured sendcloud fake errors call"


def test_a_failing_test_shows_why_the_fake_refused(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_unknown_order(sendcloud_fake):
    api = httpx.Client(base_url=sendcloud_fake.base_url, auth=sendcloud_fake.auth)
    assert api.post("/orders", json=[ORDER]).status_code == 201
    response = api.patch("/orders/99", json={"order_details": {"status": {"code": "cancelled"}}})
    assert response.status_code == 200


@pytest.mark.sendcloud(integrations=[4711])
def test_undeclared_integration(sendcloud_fake):
    httpx.post(sendcloud_fake.base_url + "/orders", json=[ORDER],
               auth=sendcloud_fake.auth).raise_for_status()
"""
    )

    result = run()

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_unknown_order _*",
            "*assert 404 == 200*",
            f"*- {SECTION} -*",
            "sendcloud: the fake answered 1 request with an error",
            "  PATCH /api/v3/orders/99 -> 404",
            "      not_found: Could not find specified item.",
            "*_ test_undeclared_integration _*",
            "*HTTPStatusError*",
            f"*- {SECTION} -*",
            "  POST /api/v3/orders -> 400",
            "      invalid: Integration with id 1 does not exist "
            "(pointer /data/attributes/[[]0]/order_details/integration/id)",
        ]
    )


def test_a_passing_test_and_a_contract_report_show_no_such_section(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_expects_the_404(sendcloud_fake):
    response = httpx.get(sendcloud_fake.base_url + "/orders/5", auth=sendcloud_fake.auth)
    assert response.status_code == 404


def test_swallowed_contract_breach(sendcloud_fake):
    httpx.post(sendcloud_fake.base_url + "/orders", json=[dict(ORDER, order_id=7)],
               auth=sendcloud_fake.auth)
"""
    )

    result = run("-rA")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*sendcloud: 1 request to the fake broke the contract*"])
    assert "sendcloud fake errors" not in result.stdout.str()


def test_the_newest_answers_of_fresh_fakes_and_the_server_are_shown(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_many_in_fresh_blocks(sendcloud_fakes):
    for n in range(12):
        with sendcloud_fakes.fresh() as fake:
            fake.inject_fault("GET /orders", status=503)
            httpx.get(fake.base_url + f"/orders?page_size={n + 1}", auth=fake.auth)
    assert False, "the shop gave up"


def test_over_http(sendcloud_server):
    token = base64.b64encode(":".join(sendcloud_server.auth).encode()).decode()
    request = urllib.request.Request(
        sendcloud_server.base_url + "/orders/7", method="DELETE",
        headers={"Authorization": "Basic " + token})
    urllib.request.urlopen(request, timeout=10)
"""
    )

    result = run()

    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert "sendcloud: the fake answered 12 requests with an error (the last 10 shown)" in output
    assert "GET /api/v3/orders?page_size=2 -> 503" not in output
    result.stdout.fnmatch_lines(
        [
            "  GET /api/v3/orders?page_size=3 -> 503",
            "      service_unavailable: The service is temporarily unavailable.",
            "*  GET /api/v3/orders?page_size=12 -> 503",
            "*_ test_over_http _*",
            "*HTTPError*404*",
            f"*- {SECTION} -*",
            "  DELETE /api/v3/orders/7 -> 404",
        ]
    )
