"""Contract coverage: the model, the terminal table, JSON, HTML (text and parsed), xdist."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pytest_sendcloud.coverage_html import render_html
from sendcloud_contract.coverage import Coverage, field_paths
from tests.plugin.helpers import Run, order, order_literal


def exercised() -> Coverage:
    coverage = Coverage()
    international = order(customs_details={"shipment_type": "commercial_goods"})
    coverage.record_exchange("POST /orders", 201, [order(), international], "order-batch")
    coverage.record_exchange("POST /orders", 503, [order()], "order-batch")
    coverage.record_exchange("GET /orders/{id}", 404, None, None)
    coverage.record_exchange(
        "PATCH /orders/{id}",
        200,
        {"order_details": {"order_items": [{"name": "Mug"}]}},
        "order-update",
    )
    coverage.record_validation("order-batch")
    return coverage


def test_fields_come_from_the_request_schemas() -> None:
    fields = field_paths("order-batch")

    assert {"customs_details", "service_point_details", "shipping_details.ship_with"} <= set(fields)
    assert "order_details.order_items[].hs_code" in fields
    assert "order_details.order_items" in field_paths("order-update")


def test_coverage_counts_operations_statuses_and_fields() -> None:
    data = exercised().as_dict()

    post, listing, retrieve, patch, delete = data["operations"]
    assert (post["operation"], post["calls"]) == ("POST /orders", 2)
    assert post["statuses"] == {"201": 1, "400": 0, "401": 0, "429": 0, "503": 1}
    assert post["documented_statuses_not_seen"] == [400, 401, 429]
    assert post["server_errors_seen"] == 1
    assert post["fields"]["order_id"] == 2
    assert post["fields"]["customs_details"] == 1
    assert post["fields"]["service_point_details"] == 0
    assert retrieve["statuses"]["404"] == 1
    assert listing["calls"] == 0
    assert patch["fields"]["order_details.order_items"] == 1
    assert patch["fields"]["order_details.order_items[].name"] == 1
    assert "fields" not in delete
    assert data["validated_kinds"] == {"order-batch": 1}


def test_coverage_round_trips_and_merges() -> None:
    one = exercised()
    again = Coverage.from_dict(json.loads(json.dumps(one.as_dict())))
    assert again.as_dict() == one.as_dict()

    again.merge(one)

    merged = again.as_dict()["operations"][0]
    assert merged["calls"] == 4
    assert merged["fields"]["customs_details"] == 2


def test_the_table_lists_what_was_never_seen() -> None:
    lines = exercised().table()

    assert lines[0].split() == [
        "operation",
        "calls",
        "statuses",
        "seen",
        "documented,",
        "never",
        "seen",
    ]
    assert lines[1].split() == [
        "POST",
        "/orders",
        "2",
        "201",
        "x1,",
        "503",
        "x1",
        "400,",
        "401,",
        "429",
    ]
    post_fields = next(line for line in lines if line.startswith("POST /orders request fields"))
    unsent = post_fields.split("never sent: ")[1].split(", ")
    assert {"created_at", "service_point_details", "customs_details.tax_numbers"} <= set(unsent)
    assert "customs_details" not in unsent  # sent once
    assert "service_point_details.id" not in unsent  # its parent was never sent
    assert lines[-1] == "validated payload kinds: order-batch x1"


def test_the_html_page_marks_seen_and_never(tmp_path: Path) -> None:
    page = render_html(
        exercised().as_dict(), "sendcloud: 1 payload and 4 requests validated, 0 violations"
    )

    assert page.startswith("<!DOCTYPE html>")
    assert "<td><code>POST /orders</code></td>" not in page  # the operation cell spans its rows
    assert '<td>503</td><td class="seen">1</td>' in page
    assert '<td>400</td><td class="never">never</td>' in page
    assert '<tr><td><code>customs_details</code></td><td class="seen">1</td></tr>' in page


class _Tree(HTMLParser):
    """The page read as a browser's parser reads it: every element closed where it opened."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.title = ""
        self.summary = ""
        self.cells: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)
        if tag == "td":
            self.cells.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        opened = self.open.pop() if self.open else None
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data: str) -> None:
        if self.open[-1:] == ["title"]:
            self.title += data
        if self.open[-1:] == ["p"]:
            self.summary += data


def test_the_html_page_is_well_formed_and_escapes_what_it_shows() -> None:
    page = render_html(exercised().as_dict(), "sendcloud: summary <line>")
    tree = _Tree()
    tree.feed(page)
    tree.close()

    assert tree.open == [], f"left open: {tree.open}"
    assert tree.title == "Sendcloud contract coverage"
    assert tree.summary == "sendcloud: summary <line>"  # escaped in the page, read back as text
    assert "summary &lt;line&gt;" in page
    never = [attrs for _, attrs in tree.cells if attrs.get("class") == "never"]
    assert len(never) == page.count('class="never"') > 0
    assert {"rowspan": "5"} in [attrs for _, attrs in tree.cells]


COVERED_TESTS = f"""
import pytest

ORDER = {order_literal()}

@pytest.mark.parametrize("n", range(4))
def test_validates(sendcloud_validator, n):
    sendcloud_validator.assert_valid([dict(ORDER, order_id=f"A{{n}}")])
"""


def test_coverage_options_write_table_json_and_html(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile(COVERED_TESTS)

    result = run("--sendcloud-coverage", "--sendcloud-coverage-json", "out/coverage.json",
                 "--sendcloud-coverage-html", "out/html")  # fmt: skip

    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "sendcloud: 4 payloads and 0 requests validated, 0 violations",
            "sendcloud contract coverage",
            "  operation * calls  statuses seen  documented, never seen",
            "  POST /orders * 0 * -  * 201, 400, 401, 429",
            "*validated payload kinds: order-batch x4",
            "sendcloud: contract coverage written to out/coverage.json",
            "sendcloud: contract coverage page written to out/html/index.html",
        ]
    )
    data = json.loads((pytester.path / "out" / "coverage.json").read_text())
    assert data["summary"] == "sendcloud: 4 payloads and 0 requests validated, 0 violations"
    assert data["validated_kinds"] == {"order-batch": 4}
    assert (
        "<h1>Sendcloud contract coverage</h1>"
        in (pytester.path / "out/html/index.html").read_text()
    )


def test_no_summary_line_when_nothing_was_validated(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")

    result = run()

    assert "sendcloud:" not in result.stdout.str()


def test_xdist_workers_are_merged_into_one_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_validator=COVERED_TESTS,
        test_fake=f"""
import httpx, pytest

ORDER = {order_literal()}

@pytest.mark.parametrize("n", range(3))
def test_pushes(sendcloud_fake, n):
    api = httpx.Client(base_url=sendcloud_fake.base_url, auth=sendcloud_fake.auth)
    assert api.post("/orders", json=[ORDER]).status_code == 201
    assert len(sendcloud_fake.orders) == 1
""",
    )
    (pytester.path / "payloads").mkdir()
    (pytester.path / "payloads" / "one.json").write_text(json.dumps([order()]))

    result = pytester.runpytest_subprocess(
        "-p", "sendcloud", "-p", "xdist", "-p", "no:randomly", "-n", "2",
        "--sendcloud-payloads", "payloads", "--sendcloud-coverage-json", "coverage.json",
    )  # fmt: skip

    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["sendcloud: 5 payloads and 3 requests validated, 0 violations"])
    assert result.stdout.str().count("sendcloud: 5 payloads") == 1
    data = json.loads((pytester.path / "coverage.json").read_text())
    assert data["validated_kinds"] == {"order-batch": 5}
    assert data["operations"][0]["statuses"]["201"] == 3
