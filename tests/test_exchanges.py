"""The one checker of an exchange: each part judged as the operations table says."""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from sendcloud_contract.exchanges import (
    Checked,
    Content,
    check_exchange,
    check_request,
    check_response,
)
from sendcloud_contract.operations import operation
from sendcloud_contract.pointers import MISSING
from sendcloud_contract.report import Severity, Violation
from tests.helpers import base_order

CREATE = operation("POST", "/orders")
LIST = operation("GET", "/orders")
DELETE = operation("DELETE", "/orders/{id}")
BATCH_ANSWER = {"data": [{"id": 1, "order_id": "WEB-5501", "order_number": "5501"}]}


def rules(found: Iterable[tuple[Checked, Violation]]) -> list[tuple[str, str, str]]:
    return [(part.part, v.rule, v.pointer) for part, v in found]


def test_a_conforming_exchange_is_ok_on_both_sides() -> None:
    verdict = check_exchange(
        CREATE,
        request=Content(orjson.dumps([base_order()])),
        status=201,
        response=Content(orjson.dumps(BATCH_ANSWER)),
    )
    assert verdict.ok
    assert [p.part for p in verdict.parts] == ["request", "response"]
    assert [p.kind for p in verdict.parts] == ["order-batch", "order-batch-response"]
    assert list(verdict.violations()) == []


def test_a_request_violation_points_into_the_body_with_its_line() -> None:
    order = base_order()
    del order["order_number"]
    body = orjson.dumps([order], option=orjson.OPT_INDENT_2)
    verdict = check_exchange(CREATE, request=Content(body), status=400, response=None)
    assert not verdict.ok
    found = rules(verdict.violations())
    assert ("request", "required", "/0") in found
    request = verdict.part("request")
    assert request is not None
    assert request.violations[0].line == 2
    assert request.value == [order]
    # the 400 came without a body: the answer's finding says so
    assert ("response", "exchange.missing-body", "") in found


def test_a_body_that_is_not_json_is_a_problem_and_nothing_else() -> None:
    (part,) = check_request(CREATE, query=None, body=Content(b"[{"))
    assert part.value is MISSING
    assert [p.rule for p in part.problems] == ["load.syntax"]
    assert part.violations == ()
    report = part.report("POST /orders")
    assert (report.kind, report.path, len(report.violations)) == ("order-batch", "POST /orders", 1)


def test_a_parsed_body_is_checked_as_its_value() -> None:
    (part,) = check_request(CREATE, query=None, body=Content(value=[{}], parsed=True))
    assert part.violations
    assert all(v.line is None for v in part.violations)


def test_an_unreadable_body_is_not_judged() -> None:
    (part,) = check_request(CREATE, query=None, body=Content(readable=False))
    assert (part.finding, part.problems, part.violations) == (None, (), ())


def test_the_list_query_is_a_part_of_its_own() -> None:
    verdict = check_exchange(LIST, query={"page_size": "many"}, status=200, response=None)
    query = verdict.part("query")
    assert query is not None
    assert query.kind == "order-list-query"
    assert query.side == "request"
    assert query.violations
    assert verdict.part("request") is None


def test_statuses_decide_the_answers_kind() -> None:
    assert CREATE.response_kind(201) == ("order-batch-response", True)
    assert CREATE.response_kind(429) == ("errors", True)
    assert DELETE.response_kind(204) == (None, True)
    assert CREATE.response_kind(502) == (None, False)


def test_findings_about_the_exchange_itself() -> None:
    assert check_response(DELETE, 204, Content(b"{}")).finding == "unexpected-body"
    assert check_response(DELETE, 204, None).finding is None
    undocumented = check_exchange(CREATE, request=None, status=503, response=Content(b"<html>"))
    found = {v.rule: v for _, v in undocumented.violations()}
    assert found["exchange.undocumented-status"].severity is Severity.WARNING
    assert found["exchange.missing-body"].severity is Severity.ERROR
    assert not undocumented.ok


def test_without_a_status_the_answer_is_not_judged() -> None:
    verdict = check_exchange(CREATE, request=Content(orjson.dumps([base_order()])))
    assert verdict.status is None
    assert [p.part for p in verdict.parts] == ["request"]
