"""Loading payloads: every failure is a LoadProblem at the right line and column."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendcloud_contract.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    Document,
    Format,
    LoadProblem,
    detect_format,
    load_bytes,
    load_path,
)
from sendcloud_contract.loading.files import read_descriptor


def one(
    data: bytes,
    *,
    fmt: Format = "json",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Document:
    documents = load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)
    assert len(documents) == 1
    return documents[0]


def only_problem(document: Document) -> LoadProblem:
    assert len(document.problems) == 1, document.problems
    return document.problems[0]


def where(problem: LoadProblem) -> tuple[str, int | None, int | None]:
    return problem.rule, problem.line, problem.column


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# ---------------------------------------------------------------------------
# JSON: valid input


def test_valid_json_loads_without_problems() -> None:
    document = one(b'{"order_id": "A-1", "items": [1, 2.5, true, null], "note": "a:b"}')

    assert document.value == {"order_id": "A-1", "items": [1, 2.5, True, None], "note": "a:b"}
    assert document.problems == []
    assert not document.fatal
    assert document.index is None


def test_byte_order_mark_is_accepted() -> None:
    document = one(b'\xef\xbb\xbf{"a": 1}')

    assert document.value == {"a": 1}
    assert document.problems == []
    assert document.locate("/a") == (1, 7)


def test_integers_beyond_64_bits_read_as_floats_like_orjson() -> None:
    assert one(b"[18446744073709551615, 18446744073709551616]").value == [
        18446744073709551615,
        1.8446744073709552e19,
    ]


# ---------------------------------------------------------------------------
# JSON: each rule, with its position


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "the input is empty"), (b" \n\t\r\n", "the input holds only whitespace")],
)
def test_empty_input(data: bytes, message: str) -> None:
    document = one(data)

    assert document.fatal
    assert document.value is None
    problem = only_problem(document)
    assert where(problem) == ("load.empty", 1, 1)
    assert problem.message == message


def test_invalid_utf8_names_the_byte_and_its_place() -> None:
    document = one('{\n  "city": "Düsseldorf",\n  "x": "ab'.encode() + b'\xff"\n}')

    problem = only_problem(document)
    assert document.fatal
    assert where(problem) == ("load.encoding", 3, 11)
    assert problem.message == "invalid UTF-8: byte 0xff at byte offset 37"


def test_latin1_bytes_after_non_ascii_text_count_columns_in_characters() -> None:
    problem = only_problem(one('{"é": "café"}\n{"é": "caf'.encode() + b'\xe9"}'))

    assert where(problem) == ("load.encoding", 2, 11)


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("utf-16", "UTF-16 (it starts with a UTF-16 byte order mark)"),
        ("utf-16-le", "UTF-16 (little-endian, without a byte order mark)"),
        ("utf-16-be", "UTF-16 (big-endian, without a byte order mark)"),
        ("utf-32", "UTF-32 (it starts with a UTF-32 little-endian byte order mark)"),
        ("utf-32-le", "UTF-32 (little-endian, without a byte order mark)"),
        ("utf-32-be", "UTF-32 (big-endian, without a byte order mark)"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_utf16_and_utf32_input_is_named_as_such(encoding: str, message: str, fmt: Format) -> None:
    problem = only_problem(one('{"a": 1}'.encode(encoding), fmt=fmt))

    assert where(problem) == ("load.encoding", 1, 1)
    assert problem.message == f"the input is {message}, not UTF-8"


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        (b'{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after a member of the object, found '\"'"),
        (b"[1 2]", 1, 4, "expected ',' or ']' after an element of the array, found '2'"),
        (b'{"a": 1,\n}', 1, 8, "trailing comma before '}'"),
        (b"[1, 2,]", 1, 6, "trailing comma before ']'"),
        (
            b"[1,\n [2,\n  3]",
            3,
            5,
            "unexpected end of data: the array opened at line 1, column 1 is not closed",
        ),
        (b"{'a': 1}", 1, 2, 'expected a member name in double quotes, found "\'"'),
        (b"{a: 1}", 1, 2, "expected a member name in double quotes, found 'a'"),
        (b'{"a" 1}', 1, 6, "expected ':' after the member name 'a', found '1'"),
        (b"{\"a\": 'x'}", 1, 7, 'unexpected character "\'" where a value was expected'),
        (b'{"a": tru}', 1, 7, "unexpected word 'tru' where a value was expected"),
        (b'{"a": True}', 1, 7, "unexpected word 'True' where a value was expected"),
        (b'{"a": }', 1, 7, "unexpected character '}' where a value was expected"),
        (b'{"a": 01}', 1, 7, "invalid number '01'"),
        (b'{"a": 1.}', 1, 7, "invalid number '1.'"),
        (b'{"a": -}', 1, 7, "invalid number '-'"),
        (b'{"a": +1}', 1, 7, "unexpected character '+' where a value was expected"),
        (b'{"a": "x\\qy"}', 1, 9, "invalid escape '\\\\q' in a string"),
        (b'{"a": "x\\u12G4"}', 1, 9, "invalid escape '\\\\u' in a string"),
        (b'{"a": "x\ny"}', 1, 9, "line break inside a string (is the closing quote missing?)"),
        (b'{"a": "x\ty"}', 1, 9, "control character U+0009 inside a string"),
        (b'{"a": "x\r\n y"}', 1, 9, "line break inside a string (is the closing quote missing?)"),
        (b'{"a": "never closed}', 1, 7, "string is never closed: the input ends inside it"),
        (b'[\n  {"cut\n', 2, 4, "string is never closed: the input ends inside it"),
    ],
)
def test_syntax_errors_have_their_position(
    data: bytes, line: int, column: int, message: str
) -> None:
    document = one(data)

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.syntax", line, column)
    assert problem.message == message
    assert problem.hint


def test_syntax_error_columns_count_characters_not_bytes() -> None:
    problem = only_problem(one('\n\n{"a": \n  "ééé" x}'.encode()))

    assert where(problem) == ("load.syntax", 4, 9)


def test_syntax_error_carries_the_pointer_of_its_place() -> None:
    problem = only_problem(one(b'{"orders": [{"id": 1}, {"id": nope}]}'))

    assert problem.pointer == "/orders/1/id"


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        (b'{"a": 1} x', 1, 10, "unexpected 'x' after the end of the document"),
        (b'{"a": 1}\n{"a": 2}\n', 2, 1, "a second JSON value ('{') starts after the first one"),
        (b"[1]]", 1, 4, "unexpected ']' after the end of the document"),
    ],
)
def test_trailing_data(data: bytes, line: int, column: int, message: str) -> None:
    document = one(data)

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.trailing-data", line, column)
    assert problem.message == message


def test_every_non_finite_number_is_reported() -> None:
    document = one(b'{"a": NaN,\n "b": [Infinity, -Infinity],\n "c": 1e999}')

    assert document.fatal
    assert document.value is None
    assert [(*where(p), p.pointer, p.message) for p in document.problems] == [
        ("load.non-finite-number", 1, 7, "/a", "NaN is not a JSON number"),
        ("load.non-finite-number", 2, 8, "/b/0", "Infinity is not a JSON number"),
        ("load.non-finite-number", 2, 18, "/b/1", "-Infinity is not a JSON number"),
        (
            "load.non-finite-number",
            3,
            7,
            "/c",
            "number 1e999 is too large: it would become infinity",
        ),
    ]


def test_duplicate_keys_are_reported_everywhere_and_the_last_wins() -> None:
    data = b"""{
  "order_id": "A",
  "details": {"x": 1, "y": 2, "x": 3},
  "order_id": "B",
  "order_id": "C"
}"""
    document = one(data)

    assert not document.fatal
    assert document.value == {"order_id": "C", "details": {"x": 3, "y": 2}}
    assert [(*where(p), p.pointer, p.message) for p in document.problems] == [
        (
            "load.duplicate-key",
            3,
            31,
            "/details",
            "duplicate key 'x' (first at line 3, column 15)",
        ),
        ("load.duplicate-key", 4, 3, "", "duplicate key 'order_id' (first at line 2, column 3)"),
        ("load.duplicate-key", 5, 3, "", "duplicate key 'order_id' (first at line 2, column 3)"),
    ]


def test_duplicate_key_written_with_escapes_is_the_same_key() -> None:
    problem = only_problem(one(b'{"ab": 1, "a\\u0062": 2}'))

    assert where(problem) == ("load.duplicate-key", 1, 11)
    assert problem.message == "duplicate key 'ab' (first at line 1, column 2)"


def test_duplicate_key_is_found_even_when_an_escaped_colon_balances_the_count() -> None:
    # As many colons in the raw text as in the parsed value: only the escape gives it away.
    document = one(b'{"x\\u003a": 1, "a": 1, "a": 2}')

    assert document.value == {"x:": 1, "a": 2}
    assert where(only_problem(document)) == ("load.duplicate-key", 1, 24)


def test_dropped_duplicate_with_colons_in_its_strings_is_found() -> None:
    document = one(b'{"t": "10:00", "url": "http://x", "t": "11:00"}')

    assert document.value == {"t": "11:00", "url": "http://x"}
    assert where(only_problem(document)) == ("load.duplicate-key", 1, 35)


def test_colons_and_escapes_inside_strings_are_not_duplicates() -> None:
    document = one(b'{"url": "http://x:80", "q": "a\\":b", "t": "\\u00e9:"}')

    assert document.problems == []


@pytest.mark.parametrize(
    ("escape", "column"),
    [(b"\\ud800", 8), (b"\\udc00", 8), (b"\\ud83d\\ude00\\ud83d", 20)],
)
def test_lone_surrogate_escape_is_an_encoding_problem(escape: bytes, column: int) -> None:
    problem = only_problem(one(b'{"a": "' + escape + b'"}'))

    assert where(problem) == ("load.encoding", 1, column)
    assert problem.pointer == "/a"


def test_surrogate_pair_escape_is_a_character() -> None:
    assert one(b'["\\ud83d\\ude00"]').value == ["\U0001f600"]


def test_nesting_up_to_the_limit_loads() -> None:
    document = one(nested(DEFAULT_MAX_DEPTH))

    assert document.problems == []


def test_nesting_past_the_limit_is_too_deep() -> None:
    document = one(nested(DEFAULT_MAX_DEPTH + 1))

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.too-deep", 1, DEFAULT_MAX_DEPTH + 1)
    assert problem.message == f"nesting deeper than {DEFAULT_MAX_DEPTH} levels"
    assert problem.pointer == "/0" * DEFAULT_MAX_DEPTH


def test_depth_limit_is_configurable_and_counts_objects_too() -> None:
    problem = only_problem(one(b'{"a": [{"b": {"c": 1}}]}', max_depth=3))

    assert where(problem) == ("load.too-deep", 1, 14)
    assert problem.pointer == "/a/0/b"
    assert one(b'{"a": [{"b": 1}]}', max_depth=3).problems == []


def test_nesting_past_orjsons_own_limit_is_too_deep_not_a_crash() -> None:
    problem = only_problem(one(nested(5000)))

    assert where(problem) == ("load.too-deep", 1, DEFAULT_MAX_DEPTH + 1)


def test_a_raised_depth_limit_beyond_orjsons_is_honoured() -> None:
    document = one(nested(1500), max_depth=2000)

    assert not document.fatal
    inner = document.value
    for _ in range(1499):
        inner = inner[0]
    assert inner == []


def test_input_above_max_bytes_is_too_large() -> None:
    problem = only_problem(one(b'{"a": "0123456789"}', max_bytes=10))

    assert where(problem) == ("load.too-large", None, None)
    assert problem.message == "the input is 19 bytes, more than the limit of 10"


# ---------------------------------------------------------------------------
# locate()


LOCATE_SOURCE = """{
  "data": [
    {"order_id": "A", "items": [{"sku": "X"}, {"sku": "Y"}]},
    {"a/b": 1, "m~n": 2, "é😀": "ü", "after": true}
  ],
  "esc\\"aped": "\\ud83d\\ude00", "next": null
}"""


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("", (1, 1)),
        ("/data", (2, 11)),
        ("/data/0", (3, 5)),
        ("/data/0/order_id", (3, 18)),
        ("/data/0/items/1", (3, 47)),
        ("/data/0/items/1/sku", (3, 55)),
        ("/data/1/a~1b", (4, 13)),
        ("/data/1/m~0n", (4, 23)),
        ("/data/1/é😀", (4, 32)),
        ("/data/1/after", (4, 46)),
        ('/esc"aped', (6, 16)),
        ("/next", (6, 40)),
    ],
)
def test_locate_finds_values(pointer: str, position: tuple[int, int]) -> None:
    document = one(LOCATE_SOURCE.encode())

    assert document.problems == []
    assert document.locate(pointer) == position


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("/data/0/missing", (3, 5)),
        ("/data/0/items/7/sku", (3, 32)),
        ("/data/1/a/b", (4, 5)),
        ("/absent/deeper", (1, 1)),
    ],
)
def test_locate_falls_back_to_the_closest_existing_ancestor(
    pointer: str, position: tuple[int, int]
) -> None:
    assert one(LOCATE_SOURCE.encode()).locate(pointer) == position


def test_locate_rejects_a_pointer_without_a_leading_slash() -> None:
    assert one(b'{"a": 1}').locate("a") is None


def test_locate_on_a_document_with_duplicates_points_at_the_winning_member() -> None:
    document = one(b'{"a": 1,\n "a": {"b": 2}}')

    assert document.locate("/a/b") == (2, 13)
    assert document.locate("/a") == (2, 7)


def test_locate_on_a_broken_document_knows_what_came_before_the_error() -> None:
    document = one(b'{"a": [1, 2], "b": oops}')

    assert document.locate("/a/1") == (1, 11)
    assert document.locate("/b") == (1, 20)


def test_a_document_built_by_hand_has_no_positions() -> None:
    assert Document({"a": 1}).locate("/a") is None


# ---------------------------------------------------------------------------
# JSON Lines


def test_jsonl_loads_each_line_and_isolates_a_bad_one() -> None:
    data = b'{"n": 1}\n\n  \n{"n": 2, "x": oops}\r\n{"n": 3}\n'
    documents = load_bytes(data, fmt="jsonl")

    assert [d.index for d in documents] == [0, 1, 2]
    assert [d.fatal for d in documents] == [False, True, False]
    assert documents[0].value == {"n": 1}
    assert documents[2].value == {"n": 3}
    assert where(only_problem(documents[1])) == ("load.syntax", 4, 15)
    assert documents[2].locate("/n") == (5, 7)


def test_jsonl_reports_problems_at_file_lines() -> None:
    data = b'{"a": 1}\n{"a": 1, "a": 2}\n{"a": 1} {"b": 2}\n{"a": "\xff"}\n[NaN]\n'
    documents = load_bytes(data, fmt="jsonl")

    assert [where(only_problem(d)) for d in documents[1:]] == [
        ("load.duplicate-key", 2, 10),
        ("load.trailing-data", 3, 10),
        ("load.encoding", 4, 8),
        ("load.non-finite-number", 5, 2),
    ]
    assert documents[3].problems[0].message == "invalid UTF-8: byte 0xff at byte offset 51"


def test_jsonl_with_a_byte_order_mark() -> None:
    documents = load_bytes(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}', fmt="jsonl")

    assert [d.value for d in documents] == [{"a": 1}, {"a": 2}]


def test_jsonl_of_blank_lines_is_empty() -> None:
    problem = only_problem(one(b"\n  \n\n", fmt="jsonl"))

    assert where(problem) == ("load.empty", 1, 1)


def test_jsonl_depth_is_checked_per_line() -> None:
    documents = load_bytes(b"[[1]]\n[[[1]]]\n", fmt="jsonl", max_depth=2)

    assert documents[0].problems == []
    assert where(only_problem(documents[1])) == ("load.too-deep", 2, 3)


# ---------------------------------------------------------------------------
# YAML


def yaml_one(
    text: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> Document:
    return one(text.encode(), fmt="yaml", max_bytes=max_bytes, max_depth=max_depth)


def test_yaml_loads_a_mapping_with_positions() -> None:
    document = yaml_one("order_id: A-1\nitems:\n  - sku: X\n    qty: 2\n  - {sku: Y, qty: 1}\n")

    assert document.value == {
        "order_id": "A-1",
        "items": [{"sku": "X", "qty": 2}, {"sku": "Y", "qty": 1}],
    }
    assert document.problems == []
    assert document.index is None
    assert document.locate("/order_id") == (1, 11)
    assert document.locate("/items/0/qty") == (4, 10)
    assert document.locate("/items/1/sku") == (5, 11)
    assert document.locate("/items/1/missing") == (5, 5)


def test_yaml_timestamps_stay_strings() -> None:
    document = yaml_one(
        "created: 2024-05-01T12:34:56Z\ninvoice_date: 2024-05-01\nspaced: 2024-05-01 10:00:00\n"
    )

    assert document.value == {
        "created": "2024-05-01T12:34:56Z",
        "invoice_date": "2024-05-01",
        "spaced": "2024-05-01 10:00:00",
    }


def test_yaml_keys_are_the_text_as_written() -> None:
    document = yaml_one("1: a\non: b\nnull: c\n2024-01-01: d\nNO: e\nvalues: [on, 1, ~]\n")

    assert document.value == {
        "1": "a",
        "on": "b",
        "null": "c",
        "2024-01-01": "d",
        "NO": "e",
        "values": [True, 1, None],
    }


def test_yaml_duplicate_keys_including_keys_that_only_look_different() -> None:
    document = yaml_one('a: 1\nb:\n  x: 1\n  x: 2\na: 3\n1: one\n"1": uno\n')

    assert not document.fatal
    assert document.value == {"a": 3, "b": {"x": 2}, "1": "uno"}
    assert [(*where(p), p.pointer, p.message) for p in document.problems] == [
        ("load.duplicate-key", 4, 3, "/b", "duplicate key 'x' (first at line 3, column 3)"),
        ("load.duplicate-key", 5, 1, "", "duplicate key 'a' (first at line 1, column 1)"),
        ("load.duplicate-key", 7, 1, "", "duplicate key '1' (first at line 6, column 1)"),
    ]


def test_yaml_merge_keys_are_not_duplicates() -> None:
    document = yaml_one("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n")

    assert document.problems == []
    assert document.value == {"base": {"x": 1, "y": 2}, "thing": {"x": 1, "y": 3}}


def test_yaml_non_finite_numbers() -> None:
    document = yaml_one("a: .nan\nb: [.inf, -.Inf]\nc: 1.0e+999\n")

    assert document.fatal
    assert [(*where(p), p.pointer) for p in document.problems] == [
        ("load.non-finite-number", 1, 4, "/a"),
        ("load.non-finite-number", 2, 5, "/b/0"),
        ("load.non-finite-number", 2, 11, "/b/1"),
        ("load.non-finite-number", 3, 4, "/c"),
    ]
    assert document.problems[0].message == "'.nan' is not a finite number"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        # The parser's own words differ between libyaml and PyYAML; these parts do not.
        ("a: [1, 2\n", 2, 1, "',' or ']'"),
        ("a: 1\n b: 2\n", 2, 3, "mapping values are not allowed"),
        ("a: *nope\n", 1, 4, "the alias *nope names no anchor"),
        ("? [a, b]\n: x\n", 1, 3, "a mapping key must be a scalar, not a sequence"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "the tag !!binary has no JSON equivalent"),
        ("a: !!set {x, y}\n", 1, 4, "the tag !!set has no JSON equivalent"),
        ("a: !custom x\n", 1, 4, "the tag !custom has no JSON equivalent"),
        ("a: !!int abc\n", 1, 4, "'abc' cannot be read as !!int"),
        (
            "a: [1]\nb:\n  <<: [1]\n",
            3,
            7,
            "a merge key '<<' takes a mapping or a sequence of mappings",
        ),
    ],
)
def test_yaml_syntax_problems(text: str, line: int, column: int, message: str) -> None:
    document = yaml_one(text)

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.syntax", line, column)
    assert message in problem.message


def test_yaml_tab_indentation_gets_a_hint() -> None:
    problem = only_problem(yaml_one("a:\n\tb: 1\n"))

    assert where(problem) == ("load.syntax", 2, 1)
    assert "tabs" in problem.hint


def test_yaml_integer_past_the_digit_limit_is_named_with_a_hint_to_quote_it() -> None:
    problem = only_problem(yaml_one("quantity: " + "9" * 5000 + "\n"))

    assert where(problem) == ("load.syntax", 1, 11)
    assert problem.message == (
        "the integer 9999999999999999999999999999999999999... has 5,000 digits, "
        "more than the 4,300 that can be read as a number"
    )
    assert problem.hint.startswith("Quote it")


def test_yaml_integer_of_hundreds_of_digits_loads_exactly() -> None:
    document = yaml_one("quantity: " + "9" * 401 + "\n")

    assert document.value == {"quantity": 10**401 - 1}


def test_yaml_forbidden_character_is_located_in_characters() -> None:
    problem = only_problem(yaml_one("é: ok\nname: b\x07c\n"))

    assert where(problem) == ("load.syntax", 2, 8)
    assert problem.message == "the character U+0007 is not allowed in YAML"


def test_yaml_invalid_utf8() -> None:
    problem = only_problem(one(b"a: 1\nb: caf\xe9\n", fmt="yaml"))

    assert where(problem) == ("load.encoding", 2, 7)


def test_yaml_byte_order_mark_is_accepted() -> None:
    assert one(b"\xef\xbb\xbfa: 1\n", fmt="yaml").value == {"a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the input is empty"),
        ("  \n\n", "the input holds only whitespace"),
        (
            "# nothing but a comment\n",
            "the YAML stream holds no document, only comments or directives",
        ),
    ],
)
def test_yaml_empty(text: str, message: str) -> None:
    problem = only_problem(yaml_one(text))

    assert where(problem) == ("load.empty", 1, 1)
    assert problem.message == message


def test_yaml_error_message_names_the_context_and_its_place() -> None:
    problem = only_problem(yaml_one("items: [1, 2\n"))

    assert problem.message.endswith("(while parsing a flow sequence at line 1, column 8)")


def test_yaml_stream_gives_one_document_each_and_stops_at_a_syntax_error() -> None:
    documents = load_bytes(b"a: 1\n---\n- 2\n---\nc: [\n", fmt="yaml")

    assert [d.index for d in documents] == [0, 1, 2]
    assert [d.value for d in documents[:2]] == [{"a": 1}, [2]]
    assert documents[2].fatal
    assert where(only_problem(documents[2])) == ("load.syntax", 6, 1)
    assert documents[1].locate("/0") == (3, 3)


def test_yaml_anchors_and_aliases_are_fine() -> None:
    document = yaml_one("address: &home {city: Eindhoven}\nbilling: *home\nshipping: *home\n")

    assert document.problems == []
    assert document.value["billing"] == {"city": "Eindhoven"}
    assert document.locate("/shipping") == (3, 11)
    assert document.locate("/shipping/city") == (3, 11)


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    started = time.perf_counter()
    document = yaml_one("\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.too-large", 5, 8)
    assert problem.message.startswith("aliases expand the document by more than 10,000 values")
    assert elapsed < 5


def test_yaml_recursive_alias_is_too_deep() -> None:
    problem = only_problem(yaml_one("a: &x [1, *x]\n"))

    assert where(problem) == ("load.too-deep", 1, 11)


def test_yaml_nesting_past_the_limit() -> None:
    problem = only_problem(yaml_one("a:\n  b:\n    c: [1]\n", max_depth=3))

    assert where(problem) == ("load.too-deep", 3, 8)
    assert problem.pointer == "/a/b/c"


def test_yaml_alias_that_nests_past_the_limit() -> None:
    problem = only_problem(yaml_one("x: &x [[1]]\ny: [*x]\n", max_depth=3))

    assert where(problem) == ("load.too-deep", 2, 5)


def test_yaml_deep_flow_nesting_is_refused_without_recursion() -> None:
    problem = only_problem(one(nested(100_000), fmt="yaml"))

    # libyaml looks ahead and stops at its own limit of 1000; PyYAML reaches ours first.
    assert problem.rule == "load.too-deep"
    assert problem.line == 1


def test_yaml_too_large() -> None:
    problem = only_problem(yaml_one("a: 1\n", max_bytes=4))

    assert problem.rule == "load.too-large"


# ---------------------------------------------------------------------------
# Files


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("batch.json", "json"),
        ("BATCH.JSON", "json"),
        ("x.jsonl", "jsonl"),
        ("x.ndjson", "jsonl"),
        ("x.yaml", "yaml"),
        ("dir.d/x.yml", "yaml"),
        ("x.txt", None),
        ("json", None),
        ("-", None),
        (".json", None),
        ("..json", None),
        ("dir/.json", None),
        ("a..json", "json"),
    ],
)
def test_detect_format(name: str, fmt: str | None) -> None:
    assert detect_format(name) == fmt


@given(st.lists(st.sampled_from(["a", ".", "/", "json", "JSON", "yml", "d.x"]), max_size=6))
def test_detect_format_reads_the_suffix_as_os_path_splitext_does(parts: list[str]) -> None:
    name = "".join(parts)
    suffix = os.path.splitext(name)[1].lower()
    expected = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml"}
    assert detect_format(name) == expected.get(suffix, "yaml" if suffix == ".yml" else None)


def test_load_path_picks_the_format_from_the_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("a: 2024-01-01\n")
    (tmp_path / "b.ndjson").write_text('{"n": 1}\n{"n": 2}\n')
    (tmp_path / "c.payload").write_text('{"n": 1}')

    assert [d.value for d in load_path(tmp_path / "a.yml")] == [{"a": "2024-01-01"}]
    assert [d.value for d in load_path(tmp_path / "b.ndjson")] == [{"n": 1}, {"n": 2}]
    assert [d.value for d in load_path(str(tmp_path / "c.payload"))] == [{"n": 1}]
    assert [d.value for d in load_path(tmp_path / "a.yml", fmt="json")] == [None]


def test_load_path_refuses_a_large_file_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as stream:
        stream.truncate(11 * 1024 * 1024)  # sparse: nothing to read, only a size

    problem = only_problem(load_path(path)[0])

    # The exact size comes from stat(); a bounded read would only know "larger".
    assert where(problem) == ("load.too-large", None, None)
    assert problem.message == "the input is 11,534,336 bytes, more than the limit of 10,485,760"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs a device file")
def test_load_path_reads_only_regular_files() -> None:
    problem = only_problem(load_path("/dev/zero")[0])

    assert problem.rule == "load.unreadable"
    assert (
        problem.message
        == "cannot read '/dev/zero': it is a device or other special file, not a regular file"
    )


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_regular_file_that_reports_no_size_is_read_up_to_the_limit() -> None:
    assert os.stat("/proc/self/status").st_size == 0
    (document,) = load_path("/proc/self/status", fmt="yaml")
    assert not document.fatal
    assert "Name" in document.value
    problem = only_problem(load_path("/proc/self/status", max_bytes=100)[0])
    assert problem.message == "the input is larger than the limit of 100 bytes"


@pytest.mark.parametrize(
    ("reported", "at_most", "max_bytes"),
    [
        (2048, None, 10_000),  # the usual file: its reported size
        (500, None, 10_000),  # it grew after its size was taken
        (2000, 300, 10_000),  # reads that return less than asked
        (0, None, 10_000),  # no size reported, as under /proc
        (2000, None, 1200),  # larger than the limit: one byte past it, no more
    ],
)
def test_the_reader_returns_every_byte_up_to_one_past_the_limit(
    monkeypatch: pytest.MonkeyPatch, reported: int, at_most: int | None, max_bytes: int
) -> None:
    content = bytes(range(256)) * 8  # 2,048 bytes
    read_end, write_end = os.pipe()
    os.write(write_end, content)
    os.close(write_end)
    real_read = os.read
    if at_most is not None:
        monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, at_most)))
    try:
        data = read_descriptor(read_end, reported, max_bytes)
    finally:
        os.close(read_end)
    assert data == content[: max_bytes + 1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "orders.json"
    os.mkfifo(fifo)

    problem = only_problem(load_path(fifo)[0])

    assert problem.message == f"cannot read {str(fifo)!r}: it is a FIFO, not a regular file"


def test_a_symbolic_link_loop_is_named_as_such(tmp_path: Path) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)

    problem = only_problem(load_path(loop)[0])

    assert problem.message == (
        f"cannot read {str(loop)!r}: a loop of symbolic links (a link that leads back to itself)"
    )
    assert problem.hint == "Point the link at a file, or remove it."


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    document = load_path(path)[0]

    assert document.fatal
    problem = only_problem(document)
    assert where(problem) == ("load.unreadable", None, None)
    assert problem.message == f"cannot read {str(path)!r}: No such file or directory"


def test_directory_is_unreadable(tmp_path: Path) -> None:
    problem = only_problem(load_path(tmp_path)[0])

    assert problem.rule == "load.unreadable"
    assert problem.hint == "Name a file, not a directory."


def test_unreadable_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.json"
    path.write_text("{}")
    real_open = os.open

    def refuse(file: str, flags: int, *args: int) -> int:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args)

    # Tests run as root, whom chmod does not stop: refuse at the system call instead.
    monkeypatch.setattr(os, "open", refuse)
    problem = only_problem(load_path(path)[0])
    assert problem.rule == "load.unreadable"
    assert problem.hint == "Check the file's permissions."
    assert problem.message == f"cannot read {str(path)!r}: Permission denied"


# ---------------------------------------------------------------------------
# Properties: no input raises, and the two JSON parsers agree


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


FORMATS: tuple[Format, ...] = ("json", "jsonl", "yaml")


@given(st.binary(max_size=200), st.sampled_from(FORMATS))
def test_no_input_raises(data: bytes, fmt: Format) -> None:
    for document in load_bytes(data, fmt=fmt):
        assert document.fatal or not any(p.rule != "load.duplicate-key" for p in document.problems)
        document.locate("/0/a")


_WRITERS = {
    "orjson": lambda value: orjson.dumps(value),
    "orjson, indented": lambda value: orjson.dumps(value, option=orjson.OPT_INDENT_2),
    "json.dumps": lambda value: json.dumps(value, ensure_ascii=False).encode(),
    "json.dumps, indent=2": lambda value: json.dumps(value, indent=2, ensure_ascii=False).encode(),
}
"""Writers of compact and indented texts, with and without spaces after the separators: the
check of what orjson lets pass must hold for the text of each."""


@given(
    st.dictionaries(st.text(), json_values, min_size=1),
    st.sampled_from(sorted(_WRITERS)),
    st.sampled_from(["first", "last"]),
    st.sampled_from([b"", b"\n"]),
    st.booleans(),
)
def test_a_duplicate_key_is_found_in_the_text_of_any_writer(
    members: dict[str, object], writer: str, where: str, end: bytes, nested: bool
) -> None:
    # One member written twice, in the writer's own style: before all the others with
    # another value, or after all of them as it is. The parsed value is `members` itself,
    # whose dump is the text without the extra member (with it last, the text's prefix).
    write = _WRITERS[writer]
    text = write(members)
    if where == "first":
        single = write({next(iter(members)): None})
        duplicated = single[: single.rindex(b"null") + 4] + b"," + text[1:]
    else:
        key = next(reversed(members))
        duplicated = text[:-1].rstrip(b"\n") + b"," + write({key: members[key]})[1:]
    data = (b"[" + duplicated + b"]" if nested else duplicated) + end
    document = one(data)

    assert [problem.rule for problem in document.problems] == ["load.duplicate-key"]
    assert document.value == ([members] if nested else members)


@given(json_values, st.sampled_from(sorted(_WRITERS)), st.sampled_from([b"", b"\n", b" \r\n"]))
def test_the_text_of_any_writer_loads_clean(value: object, writer: str, end: bytes) -> None:
    document = one(_WRITERS[writer](value) + end)

    assert document.problems == []
    assert document.value == value


@given(json_values, st.sampled_from([None, 1, 4]))
def test_valid_json_loads_as_json_does_and_locates_everything(
    value: object, indent: int | None
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    document = one(text.encode())

    assert document.problems == []
    assert document.value == json.loads(text)
    for pointer in _pointers(document.value):
        assert document.locate(pointer) is not None


@given(json_values, st.data())
def test_scanner_agrees_with_orjson_on_damaged_json(value: object, data: st.DataObject) -> None:
    text = json.dumps(value, indent=1).encode()
    at = data.draw(st.integers(0, len(text)))
    damaged = (
        text[:at]
        + data.draw(st.sampled_from([b"", b",", b"}", b'"', b"x", b"\\", b"0"]))
        + text[at + 1 :]
    )
    document = one(damaged)
    try:
        expected = orjson.loads(damaged)
    except orjson.JSONDecodeError:
        assert document.fatal
    else:
        assert not document.fatal
        assert document.value == expected


def _pointers(value: object, prefix: str = "") -> list[str]:
    found = [prefix]
    if isinstance(value, dict):
        for key, member in value.items():
            token = key.replace("~", "~0").replace("/", "~1")
            found += _pointers(member, f"{prefix}/{token}")
    elif isinstance(value, list):
        for position, element in enumerate(value):
            found += _pointers(element, f"{prefix}/{position}")
    return found


def test_cassette_tags_read_binary_and_python_strings() -> None:
    text = b"a: !!binary aGVsbG8=\nb: !!python/unicode caf\xc3\xa9\nc: !!python/str x\n"
    (document,) = load_bytes(text, fmt="yaml", cassette_tags=True)
    assert (document.value, document.problems) == ({"a": b"hello", "b": "café", "c": "x"}, [])
    (plain,) = load_bytes(text, fmt="yaml")
    assert plain.fatal


def test_cassette_tags_flag_bad_base64_without_losing_the_rest() -> None:
    (document,) = load_bytes(b"a: !!binary '%%%'\nb: 1\n", fmt="yaml", cassette_tags=True)
    assert not document.fatal
    assert document.value == {"a": None, "b": 1}
    assert [(p.rule, p.line, p.column, p.pointer) for p in document.problems] == [
        ("load.syntax", 1, 4, "/a")
    ]


def test_cassette_tags_still_refuse_python_objects() -> None:
    text = b"a: !!python/object/apply:os.system ['echo ran']\n"
    (document,) = load_bytes(text, fmt="yaml", cassette_tags=True)
    assert document.fatal
    assert "!!python/object/apply:os.system" in document.problems[0].message


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(element) for element in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(member) for member in value.values()), default=0)
    return 0


_BRACKETED_VALUES = st.recursive(
    st.none() | st.integers(-9, 9) | st.text(alphabet='[]{}"a\\: '),
    lambda children: st.lists(children) | st.dictionaries(st.text("[{a"), children),
    max_leaves=30,
)


@given(_BRACKETED_VALUES | json_values, st.integers(1, 8), st.sampled_from(sorted(_WRITERS)))
def test_a_text_nesting_past_the_limit_is_too_deep_however_it_is_written(
    value: object, max_depth: int, writer: str
) -> None:
    # Brackets inside strings, and texts too short to nest past the limit, must neither
    # let a text through that nests deeper than the limit nor stop one that does not.
    document = one(_WRITERS[writer](value), max_depth=max_depth)

    too_deep = [problem for problem in document.problems if problem.rule == "load.too-deep"]
    assert bool(too_deep) == (_depth(value) > max_depth)
    assert document.fatal == bool(too_deep)
