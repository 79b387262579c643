"""assert_valid_order, assert_valid_batch, assert_valid_response: the report is the message."""

from __future__ import annotations

from typing import Any

import pytest

from sendcloud_contract import (
    ContractViolation,
    assert_valid_batch,
    assert_valid_order,
    assert_valid_response,
)


def test_a_valid_order_and_batch_pass(order: dict[str, Any]) -> None:
    assert assert_valid_order(order).ok
    assert assert_valid_batch([order]).kind == "order-batch"


def test_the_message_is_the_report_with_the_offending_value(order: dict[str, Any]) -> None:
    order["shipping_address"]["country_code"] = "nl"

    with pytest.raises(ContractViolation) as raised:
        assert_valid_batch([order])

    assert str(raised.value).splitlines() == [
        "INVALID  <payload> (order-batch)",
        "  <payload>: error   /0/shipping_address/country_code: 'nl' does not have the "
        "expected shape [pattern]",
        "      hint: use the ISO 3166-1 alpha-2 code in upper case, e.g. NL, DE, US",
        '      value: "nl"',
        "      Sendcloud source.pointer: /data/attributes/[0]/shipping_address/country_code",
    ]
    assert raised.value.report.errors[0].rule == "pattern"


def test_long_values_are_shortened(order: dict[str, Any]) -> None:
    order["order_number"] = 12345678901234567890 * 10**70

    with pytest.raises(ContractViolation) as raised:
        assert_valid_order(order)

    [value] = [line for line in str(raised.value).splitlines() if "value:" in line]
    assert len(value.split("value: ")[1]) == 80
    assert value.endswith("...")


class _Response:
    def __init__(self, body: Any) -> None:
        self._body = body

    def json(self) -> Any:
        return self._body


def test_responses_are_checked_by_kind_and_decoded_when_needed() -> None:
    body = {"errors": [{"status": "404", "code": "not_found", "detail": "Not found."}]}

    assert assert_valid_response("errors", body).ok
    assert assert_valid_response("errors", _Response(body)).ok
    with pytest.raises(ContractViolation, match="/errors: expected array"):
        assert_valid_response("errors", _Response({"errors": {}}))


def test_a_request_kind_is_no_response_kind() -> None:
    with pytest.raises(ValueError, match="'order' is no response kind"):
        assert_valid_response("order", {})
