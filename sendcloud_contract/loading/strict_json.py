"""JSON and JSON Lines: orjson reads a text, the scanner says what is wrong with it.

orjson is strict about syntax but quiet about two things a contract must hear of: it
keeps the last of duplicate keys, and it nests as deep as it is given. Only a text that
fails to parse, or may hide one of those (:func:`may_hide_problems`), is scanned.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson

from sendcloud_contract.loading.positions import Places
from sendcloud_contract.loading.problems import Document, decode, empty, is_blank
from sendcloud_contract.loading.scanner import JsonScan, text_places


def load_json(
    data: bytes, max_depth: int, byte_base: int = 0, first_line: int = 1, index: int | None = None
) -> Document:
    """One JSON document; ``first_line`` and ``byte_base`` place it in its file."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _scan(data, max_depth, byte_base, first_line, index)
    if may_hide_problems(data, value, max_depth):
        document = _scan(data, max_depth, byte_base, first_line, index)
        if not document.fatal:
            document.value = value  # only duplicates were found: keep orjson's reading
        return document
    # Most valid documents are never asked where a value is: their places wait to be asked.
    return Document(value, index=index, places=functools.partial(text_places, data, first_line))


def may_hide_problems(data: bytes, value: Any, max_depth: int) -> bool:
    """Whether orjson's ``value`` of ``data`` may have lost a duplicate key or nest too deep.

    Every valid file pays for this, and walking the value in Python would cost several
    times the parse, so orjson's indented dump answers at C speed: a value inside ``n``
    arrays or objects starts its line with ``2n`` spaces; and outside strings every ':'
    ends a member name, while a string keeps its colons through a parse and a dump unless
    one was written as a ``\\u003a`` escape, so without such escapes the text has more
    colons than the dump exactly when a member was dropped. True means "look closer".
    """
    try:
        dumped = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes
        return True
    # A text of n bytes nests at most n / 2 deep, and then the needle is not worth making.
    too_deep = len(data) > 2 * max_depth and b"\n" + b"  " * max_depth in dumped
    # Most texts hold no backslash, and one byte is looked for faster than the escape.
    escaped = b"\\" in data and b"\\u003" in data
    return too_deep or data.count(b":") != dumped.count(b":") or escaped


def _scan(data: bytes, max_depth: int, byte_base: int, line: int, index: int | None) -> Document:
    """The scanner's reading of a text that starts at ``line`` of its file."""
    text = decode(data, first_line=line, byte_base=byte_base, index=index)
    if isinstance(text, Document):
        return text
    scan = JsonScan(text, max_depth, line).run()
    value = None if scan.fatal else scan.value
    places = None if scan.root is None else Places(scan.root, scan.lines.position, {})
    return Document(value, scan.problems, fatal=scan.fatal, index=index, places=places)


def load_jsonl(data: bytes, max_depth: int, byte_base: int) -> list[Document]:
    """One document per non-blank line, each placed at its line of the file."""
    documents: list[Document] = []
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not is_blank(line):
            documents.append(load_json(line, max_depth, byte_base + offset, number, len(documents)))
        offset += len(line) + 1
    return documents or [empty(data, what="blank lines")]
