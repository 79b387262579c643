"""The plugin's fakes know every integration id until a test or session declares its own
(the marker, the sendcloud_config fixture); declared ones are strict."""

from __future__ import annotations

import pytest

from tests.plugin.helpers import Run, order_literal

PUSH = f"""
import httpx
import pytest

ORDER = {order_literal()}


def push(fake, integration):
    details = dict(ORDER["order_details"], integration={{"id": integration}})
    order = dict(ORDER, order_details=details)
    return httpx.post(fake.base_url + "/orders", json=[order], auth=fake.auth)
"""


def test_an_undeclared_fake_takes_any_integration(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        PUSH
        + """

def test_fake(sendcloud_fake):
    assert push(sendcloud_fake, 7).status_code == 201
    assert push(sendcloud_fake, 4711).status_code == 201
    assert sendcloud_fake.integration_ids is None


def test_server(sendcloud_server):
    assert push(sendcloud_server, 7).status_code == 201


def test_fresh_blocks(sendcloud_fakes):
    for integration in (3, 99):
        with sendcloud_fakes.fresh() as fake:
            assert push(fake, integration).status_code == 201
"""
    )

    run().assert_outcomes(passed=3)


def test_declared_integrations_refuse_other_ids(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(
        PUSH
        + """

@pytest.mark.sendcloud(integrations=[4711])
def test_marker(sendcloud_fake):
    response = push(sendcloud_fake, 7)
    assert response.status_code == 400
    assert "Integration with id 7 does not exist" in response.text
    assert push(sendcloud_fake, 4711).status_code == 201
    assert sendcloud_fake.integration_ids == (4711,)


@pytest.mark.sendcloud(integrations=[4711])
def test_marker_on_the_server(sendcloud_server):
    assert push(sendcloud_server, 7).status_code == 400


def test_fresh_block_settings(sendcloud_fakes):
    with sendcloud_fakes.fresh(integrations=[5]) as fake:
        assert push(fake, 6).status_code == 400
"""
    )

    run().assert_outcomes(passed=3)


def test_a_conftest_declares_them_for_every_test(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def sendcloud_config():
            return {"integrations": [7]}
        """
    )
    pytester.makepyfile(
        PUSH
        + """

def test_declared(sendcloud_fake):
    assert push(sendcloud_fake, 7).status_code == 201
    assert push(sendcloud_fake, 8).status_code == 400


@pytest.mark.sendcloud(integrations=[8])
def test_the_marker_wins(sendcloud_fake):
    assert push(sendcloud_fake, 8).status_code == 201
"""
    )

    run().assert_outcomes(passed=2)


def test_generated_batches_reach_a_fresh_fake_unrefused(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        """
        import httpx
        from hypothesis import given, settings
        from sendcloud_contract.strategies import order_batches

        @settings(max_examples=10, database=None, deadline=None)
        @given(order_batches(max_size=5))
        def test_push_any_batch(sendcloud_fakes, batch):
            with sendcloud_fakes.fresh() as fake:
                response = httpx.post(fake.base_url + "/orders", json=batch, auth=fake.auth)
                assert response.status_code == 201, response.text
        """
    )

    run().assert_outcomes(passed=1)


def test_integrations_that_name_no_list_of_ids_are_a_usage_error(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        PUSH
        + """

@pytest.mark.sendcloud(integrations=7)
def test_not_a_list(sendcloud_fake):
    pass


@pytest.mark.sendcloud(integrations=None)
def test_undeclared_again(sendcloud_fake):
    assert sendcloud_fake.integration_ids is None
    assert push(sendcloud_fake, 12).status_code == 201
"""
    )

    result = run()

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*sendcloud: @pytest.mark.sendcloud: integrations must be a list of positive integers "
            "(or None: undeclared), not 7*"
        ]
    )
