"""Payload files as test items: the option, the ini globs, the invalid-name pattern, JSON Lines."""

from __future__ import annotations

import json

import pytest

from tests.plugin.helpers import Run, order


def write(pytester: pytest.Pytester, name: str, text: str) -> None:
    path = pytester.path / "payloads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_corpus(pytester: pytest.Pytester) -> None:
    good = json.dumps([order()])
    bad = json.dumps([order(order_id=7)], indent=2)
    write(pytester, "good.json", good)
    write(pytester, "bad.json", bad)
    write(pytester, "rejected.invalid.json", bad)
    write(pytester, "slipped.invalid.json", good)
    lines = [json.dumps([order(order_id=f"L{n}")]) for n in range(3)]
    lines[1] = json.dumps([order(order_id=1)])
    write(pytester, "export.jsonl", "\n".join(lines))
    write(pytester, "notes.txt", "not a payload")


def test_payload_files_are_items_named_after_the_file(pytester: pytest.Pytester, run: Run) -> None:
    write_corpus(pytester)

    result = run("--sendcloud-payloads", "payloads", "-v")

    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "payloads/bad.json::bad.json FAILED*",
            "payloads/export.jsonl::export.jsonl FAILED*",
            "payloads/good.json::good.json PASSED*",
            "payloads/rejected.invalid.json::rejected.invalid.json PASSED*",
            "payloads/slipped.invalid.json::slipped.invalid.json FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "INVALID  payloads/bad.json (order-batch, auto: *)",
            "  payloads/bad.json:3:17: error   /0/order_id: "
            "expected string, got integer 7 [[]type[]]",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "  payloads/export.jsonl:2:*: error   document 2 /0/order_id: "
            "expected string, got integer 1*"
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "sendcloud: payloads/slipped.invalid.json must be rejected (its name matches "
            "'*.invalid.*'), but it is valid"
        ]
    )
    result.stdout.fnmatch_lines(["sendcloud: 5 payloads and 0 requests validated, 3 violations"])


def test_ini_globs_and_pattern(pytester: pytest.Pytester, run: Run) -> None:
    write_corpus(pytester)
    pytester.makeini(
        "[pytest]\n"
        "sendcloud_payloads =\n    payloads/good.json\n    payloads/*.invalid.json\n"
        "sendcloud_invalid_pattern = rejected.*\n"
    )
    write(pytester, "also-bad.json", json.dumps([order(order_id=3)]))

    result = run("-v")

    # Only the globbed files; with the pattern "rejected.*", slipped.invalid.json is
    # an ordinary payload (valid: passes) and rejected.invalid.json must be rejected.
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines_random(
        [
            "payloads/good.json::good.json PASSED*",
            "payloads/rejected.invalid.json::rejected.invalid.json PASSED*",
            "payloads/slipped.invalid.json::slipped.invalid.json PASSED*",
        ]
    )


def test_a_missing_payload_path_is_a_usage_error(run: Run) -> None:
    result = run("--sendcloud-payloads", "nowhere")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*sendcloud: --sendcloud-payloads: no such path: nowhere"])


def test_strict_applies_to_payload_items(pytester: pytest.Pytester, run: Run) -> None:
    warned = order()
    warned["order_details"]["order_items"][0]["hs_code"] = "12"
    write(pytester, "warned.yaml", json.dumps([warned]))

    run("--sendcloud-payloads", "payloads").assert_outcomes(passed=1)
    run("--sendcloud-payloads", "payloads", "--sendcloud-strict").assert_outcomes(failed=1)


def test_payloads_outside_the_collected_paths_are_collected_too(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")
    write(pytester, "good.json", json.dumps([order()]))

    result = run("--sendcloud-payloads", "payloads", "-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines_random(
        ["tests/test_plain.py::test_plain PASSED*", "payloads/good.json::good.json PASSED*"]
    )


@pytest.mark.parametrize("collected", ["tests", "."], ids=["outside", "inside"])
def test_payload_names_that_read_as_node_ids_are_collected_as_files(
    pytester: pytest.Pytester, run: Run, collected: str
) -> None:
    pytester.makeini(f"[pytest]\ntestpaths = {collected}\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")
    write(pytester, "order::2.json", json.dumps([order()]))
    write(pytester, "order[2].json", json.dumps([order()]))
    write(pytester, "bad[1]::x.json", json.dumps([order(order_id=7)]))

    result = run("--sendcloud-payloads", "payloads", "-v")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "tests/test_plain.py::test_plain PASSED*",
            "payloads/order::2.json::order::2.json PASSED*",
            "payloads/order[[]2[]].json::order[[]2[]].json PASSED*",
            "payloads/bad[[]1[]]::x.json::bad[[]1[]]::x.json FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(["*payloads/bad[[]1[]]::x.json:1:*expected string, got integer 7*"])


def test_payloads_outside_the_collected_paths_can_be_selected_and_listed(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")
    write(pytester, "good.json", json.dumps([order()]))
    write(pytester, "bad.json", json.dumps([order(order_id=7)]))

    listed = run("--sendcloud-payloads", "payloads", "--collect-only", "-q")
    selected = run("--sendcloud-payloads", "payloads", "-k", "good")

    listed.stdout.fnmatch_lines(
        [
            "tests/test_plain.py::test_plain",
            "payloads/bad.json::bad.json",
            "payloads/good.json::good.json",
        ]
    )
    selected.assert_outcomes(passed=1, deselected=2)


def test_payloads_outside_the_rootdir_are_named_from_where_pytest_ran(
    pytester: pytest.Pytester, run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "order::9.json").write_text(json.dumps([order()]), encoding="utf-8")
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")

    result = run("--sendcloud-payloads", str(elsewhere), "-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines_random(["*order::9.json::order::9.json PASSED*"])
