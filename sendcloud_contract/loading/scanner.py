"""Where the values of a JSON text start: a strict scanner, and stepping on demand.

orjson parses JSON but says neither where a value is nor, for most problems, why a
text is not JSON. :class:`JsonScan` parses a text strictly (RFC 8259) and records the
place of every value and of every problem; it reads the texts orjson refuses or may
have read wrongly. In a valid text, :class:`SteppingLocator` finds the places a report
asks for, reading only the arrays and objects on the way.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from sendcloud_contract import pointers
from sendcloud_contract.loading.positions import LineIndex, Locator, Place, Position, TextLocator
from sendcloud_contract.loading.problems import HINTS, LoadProblem, describe

__all__ = ["STRING", "JsonScan", "SteppingLocator", "skip_space", "skip_value"]

STRING = re.compile(r'"([^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*)"')
"""A JSON string; group 1 is its text between the quotes, escapes as written."""

_WHITESPACE = re.compile(r"[ \t\n\r]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NUMBER_LIKE = re.compile(r"[-+.0-9A-Za-z]+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SCALAR = re.compile(r"[^ \t\n\r,\]}]+")
_STRING_OR_BRACKET = re.compile(STRING.pattern + r"|[\[\]{}]")
_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))
_NON_FINITE = (("-Infinity", -math.inf), ("Infinity", math.inf), ("NaN", math.nan))
_INT_RANGE = range(-(2**63), 2**64)  # orjson's integers; it reads larger ones as floats


def skip_space(text: str, pos: int) -> int:
    """Where the JSON whitespace starting at ``pos`` ends."""
    match = _WHITESPACE.match(text, pos)
    return pos if match is None else match.end()


def skip_value(text: str, pos: int) -> int:
    """Where the value that starts at ``pos`` in a valid JSON text ends.

    Strings are matched whole, so their brackets do not count, and nesting is counted
    rather than recursed into, so any depth will do.
    """
    char = text[pos]
    pattern = STRING if char == '"' else _SCALAR if char not in "[{" else None
    if pattern is not None:
        match = pattern.match(text, pos)
        if match is None:
            raise ValueError(f"no JSON value at offset {pos}")
        return match.end()
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(text, pos):
        char = text[token.start()]
        if char in "[{":
            depth += 1
        elif char != '"':
            depth -= 1
            if depth == 0:
                return token.end()
    raise ValueError(f"the array or object at offset {pos} is not closed")


class SteppingLocator(Locator[int]):
    """Where the values of a valid JSON text start, read when a pointer asks for them.

    Only the arrays and objects on a pointer's way are read, member by member, and a
    member off the way is stepped over without being parsed. What was read is kept and
    later pointers go on from there, so locating many pointers reads the text about once.
    """

    def __init__(self, data: bytes, first_line: int) -> None:
        self._data = data
        self._first_line = first_line
        self._text = ""
        self._root: Place[int] | None = None
        self._lines = LineIndex("")

    def tree(self) -> Place[int]:
        if self._root is None:
            self._text = self._data.decode("utf-8")
            self._lines = LineIndex(self._text, self._first_line)
            self._root = self._place(skip_space(self._text, 0))
        return self._root

    def position(self, at: int) -> Position:
        return self._lines.position(at)

    def member(self, place: Place[int], token: str) -> Place[int] | None:
        found = place.member(token)
        if found is not None or not place.unread:
            return found
        text = self._text
        members = place.members
        if members:  # go on after the member read last, which was not stepped over yet
            last = members[-1] if isinstance(members, list) else members[next(reversed(members))]
            pos = self._after(skip_value(text, last.at))
        else:
            pos = skip_space(text, place.at + 1)
        while text[pos] not in "]}":
            if isinstance(members, dict):
                match = STRING.match(text, pos)
                assert match is not None  # the text is valid JSON
                raw = match.group(1)
                name = raw if "\\" not in raw else json.loads(match.group())
                pos = skip_space(text, skip_space(text, match.end()) + 1)  # past the colon
                found = members[name] = self._place(pos)
            elif isinstance(members, list):
                name = str(len(members))
                found = self._place(pos)
                members.append(found)
            if name == token:
                return found
            pos = self._after(skip_value(text, pos))
        place.unread = False
        return None

    def _place(self, pos: int) -> Place[int]:
        char = self._text[pos]
        if char == "{":
            return Place(pos, {}, unread=True)
        if char == "[":
            return Place(pos, [], unread=True)
        return Place(pos)

    def _after(self, pos: int) -> int:
        """Where the next member starts (or the container ends) after a value ending at pos."""
        pos = skip_space(self._text, pos)
        return skip_space(self._text, pos + 1) if self._text[pos] == "," else pos


class _Fail(Exception):
    """Stops the scanner at a problem it cannot read past."""

    def __init__(self, rule: str, message: str, offset: int, pointer: str, hint: str = "") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.offset = offset
        self.pointer = pointer
        self.hint = hint


class _Frame:
    """An object or array the scanner is inside of.

    ``name`` is its pointer token in its parent; its whole pointer is joined only when
    a problem inside it needs one.
    """

    __slots__ = ("container", "is_object", "key", "keys", "name", "place", "pointer")

    def __init__(self, place: Place[int], name: str, is_object: bool) -> None:
        self.place = place
        self.name = name
        self.is_object = is_object
        self.container: Any = {} if is_object else []
        self.key = ""
        self.keys: dict[str, int] = {}
        self.pointer: str | None = None

    @property
    def closer(self) -> str:
        return "}" if self.is_object else "]"

    @property
    def noun(self) -> str:
        return "object" if self.is_object else "array"


class JsonScan:
    """A strict RFC 8259 parser that records where each value starts, and why a text fails.

    Iterative, so its depth bound is ``max_depth`` and not Python's recursion limit.
    Duplicate keys and NaN/Infinity are recorded and the scan goes on, so a document
    reports all of them; anything else stops it.
    """

    def __init__(self, text: str, max_depth: int, first_line: int = 1) -> None:
        self.text = text
        self.max_depth = max_depth
        self.lines = LineIndex(text, first_line)
        self.value: Any = None
        self.root: Place[int] | None = None
        self.fatal = False
        self.problems: list[LoadProblem] = []
        self._stack: list[_Frame] = []

    def run(self) -> None:
        try:
            self.value = self._document()
        except _Fail as fail:
            self.fatal = True
            self._report(fail.rule, fail.message, fail.offset, fail.pointer, fail.hint)
        if any(problem.rule == "load.non-finite-number" for problem in self.problems):
            self.fatal = True

    def locator(self) -> TextLocator | None:
        return None if self.root is None else TextLocator(self.root, self.lines)

    def _report(self, rule: str, message: str, offset: int, pointer: str, hint: str = "") -> None:
        line, column = self.lines.position(offset)
        self.problems.append(LoadProblem(rule, message, hint or HINTS[rule], line, column, pointer))

    # pointers, joined only for a problem

    def _pointer(self) -> str:
        """The pointer of the innermost open array or object."""
        frame = self._stack[-1]
        if frame.pointer is None:
            frame.pointer = "".join(f"/{outer.name}" for outer in self._stack[1:])
        return frame.pointer

    def _token(self) -> str:
        """The pointer token of the value being read in the innermost array or object."""
        frame = self._stack[-1]
        return pointers.escape(frame.key) if frame.is_object else str(len(frame.container))

    def _value_pointer(self) -> str:
        """The pointer of the value being read."""
        return f"{self._pointer()}/{self._token()}" if self._stack else ""

    # parsing

    def _document(self) -> Any:
        text, stack = self.text, self._stack
        end = len(text)
        pos = skip_space(text, 0)
        while True:
            # A value starts at `pos`: the document's own, or the next member of stack[-1].
            if pos >= end:
                raise self._end_of_data(pos, self._value_pointer())
            char = text[pos]
            place = self._place(pos, char)
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    message = f"nesting deeper than {self.max_depth} levels"
                    raise _Fail("load.too-deep", message, pos, self._value_pointer())
                frame = _Frame(place, self._token() if stack else "", char == "{")
                stack.append(frame)
                pos = skip_space(text, pos + 1)
                if pos < end and text[pos] == frame.closer:
                    stack.pop()
                    value: Any = frame.container
                    pos += 1
                elif frame.is_object:
                    pos = self._member_name(frame, pos)
                    continue
                else:
                    continue
            else:
                value, pos = self._scalar(pos)
            # Hand the finished value to its container; close every container that ends here.
            while stack:
                frame = stack[-1]
                if frame.is_object:
                    frame.container[frame.key] = value
                else:
                    frame.container.append(value)
                pos = skip_space(text, pos)
                if pos >= end:
                    raise self._end_of_data(pos, self._pointer())
                char = text[pos]
                if char == ",":
                    comma = pos
                    pos = skip_space(text, pos + 1)
                    if pos < end and text[pos] == frame.closer:
                        last = "member." if frame.is_object else "element."
                        message = f"trailing comma before '{frame.closer}'"
                        hint = "Remove the comma after the last " + last
                        raise _Fail("load.syntax", message, comma, self._pointer(), hint)
                    if frame.is_object:
                        pos = self._member_name(frame, pos)
                    break
                if char == frame.closer:
                    stack.pop()
                    value = frame.container
                    pos += 1
                    continue
                after, them = (
                    ("a member", "members") if frame.is_object else ("an element", "elements")
                )
                raise _Fail(
                    "load.syntax",
                    f"expected ',' or '{frame.closer}' after {after} of the {frame.noun}, "
                    f"found {describe(char)}",
                    pos,
                    self._pointer(),
                    f"Separate the {them} with commas, and check for a missing closing "
                    "bracket or quote.",
                )
            else:  # no container left open: the document's value is complete
                pos = skip_space(text, pos)
                if pos < end:
                    found = describe(text[pos])
                    message = f"unexpected {found} after the end of the document"
                    if text[pos] in "{[":
                        message = f"a second JSON value ({found}) starts after the first one"
                    raise _Fail("load.trailing-data", message, pos, "")
                return value

    def _place(self, pos: int, char: str) -> Place[int]:
        """The place of the value starting at ``pos``, entered into its container's place."""
        place = Place(pos, {} if char == "{" else [] if char == "[" else None)
        if not self._stack:
            self.root = place
            return place
        frame = self._stack[-1]
        members = frame.place.members
        if isinstance(members, dict):
            members[frame.key] = place
        elif isinstance(members, list):
            members.append(place)
        return place

    def _end_of_data(self, pos: int, pointer: str) -> _Fail:
        if not self._stack:
            return _Fail(
                "load.syntax", "unexpected end of data where a value was expected", pos, pointer
            )
        frame = self._stack[-1]
        line, column = self.lines.position(frame.place.at)
        return _Fail(
            "load.syntax",
            f"unexpected end of data: the {frame.noun} opened at line {line}, column {column} "
            "is not closed",
            pos,
            pointer,
            f"Close the {frame.noun} with '{frame.closer}', or check whether the file was cut "
            "short.",
        )

    def _member_name(self, frame: _Frame, pos: int) -> int:
        """Read ``"name":`` at ``pos``; return where the member's value starts."""
        text = self.text
        if pos >= len(text):
            raise self._end_of_data(pos, self._pointer())
        char = text[pos]
        if char != '"':
            hint = "Write the member name in double quotes."
            if char == "'":
                hint = "JSON strings use double quotes, not single quotes."
            message = f"expected a member name in double quotes, found {describe(char)}"
            raise _Fail("load.syntax", message, pos, self._pointer(), hint)
        key, after = self._string(pos, in_name=True)
        first = frame.keys.get(key)
        if first is None:
            frame.keys[key] = pos
        else:
            line, column = self.lines.position(first)
            message = f"duplicate key {key!r} (first at line {line}, column {column})"
            self._report("load.duplicate-key", message, pos, self._pointer())
        frame.key = key
        pos = skip_space(text, after)
        if pos >= len(text) or text[pos] != ":":
            found = describe(text[pos]) if pos < len(text) else "the end of data"
            raise _Fail(
                "load.syntax",
                f"expected ':' after the member name {key!r}, found {found}",
                pos,
                self._pointer(),
                "Put a colon between the member name and its value.",
            )
        return skip_space(text, pos + 1)

    def _scalar(self, pos: int) -> tuple[Any, int]:
        text = self.text
        char = text[pos]
        if char == '"':
            return self._string(pos)
        for word, number in _NON_FINITE:
            if text.startswith(word, pos):
                message = f"{word} is not a JSON number"
                self._report("load.non-finite-number", message, pos, self._value_pointer())
                return number, pos + len(word)
        if char == "-" or "0" <= char <= "9":
            return self._number(pos)
        for word, literal in _LITERALS:
            if text.startswith(word, pos):
                return literal, pos + len(word)
        bare = _WORD.match(text, pos)
        found = f"word {bare.group()!r}" if bare else f"character {describe(char)}"
        hint = ""
        if char == "'":
            hint = "JSON strings use double quotes, not single quotes."
        elif bare and bare.group() in ("True", "False", "None"):
            hint = "JSON literals are lowercase: true, false and null."
        elif bare:
            hint = "Put text in double quotes; the only bare words are true, false and null."
        elif char == "\x00":
            hint = "The file may be UTF-16; save it as UTF-8."
        message = f"unexpected {found} where a value was expected"
        raise _Fail("load.syntax", message, pos, self._value_pointer(), hint)

    def _number(self, pos: int) -> tuple[Any, int]:
        text = self.text
        match = _NUMBER.match(text, pos)
        written = _NUMBER_LIKE.match(text, pos)
        assert written is not None  # the caller saw '-' or a digit
        if match is None or written.end() > match.end():
            raise _Fail(
                "load.syntax",
                f"invalid number {written.group()!r}",
                pos,
                self._value_pointer(),
                "JSON numbers have no leading zeros, '+' signs, hex digits or a bare '.'; "
                "write strings in double quotes.",
            )
        token = match.group()
        if match.group(1) is None and match.group(2) is None and len(token) <= 21:
            integer = int(token)
            if integer in _INT_RANGE:
                return integer, match.end()
        number = float(token)
        if math.isinf(number):
            shown = token if len(token) <= 30 else token[:27] + "..."
            message = f"number {shown} is too large: it would become infinity"
            self._report("load.non-finite-number", message, pos, self._value_pointer())
        return number, match.end()

    def _string(self, pos: int, *, in_name: bool = False) -> tuple[str, int]:
        match = STRING.match(self.text, pos)
        if match is None:
            self._bad_string(pos, self._pointer() if in_name else self._value_pointer())
        raw = match.group(1)
        if "\\" not in raw:
            return raw, match.end()
        value: str = json.loads(match.group())
        if "\\u" in raw and _SURROGATE.search(value):
            offset = pos + 1 + _lone_surrogate(raw)
            escape = self.text[offset : offset + 6]
            raise _Fail(
                "load.encoding",
                f"the escape {escape!r} is half of a UTF-16 surrogate pair, not a character",
                offset,
                self._pointer() if in_name else self._value_pointer(),
                "Escape characters outside the Basic Multilingual Plane as a complete "
                "surrogate pair, or write them as UTF-8.",
            )
        return value, match.end()

    def _bad_string(self, pos: int, pointer: str) -> NoReturn:
        """Raise the reason why the string starting at ``pos`` does not match the grammar."""
        text = self.text
        index = pos + 1
        while index < len(text):
            char = text[index]
            if char == '"':
                break
            if char == "\\":
                follower = text[index + 1 : index + 2]
                if follower and follower in '"\\/bfnrt':
                    index += 2
                    continue
                if follower == "u" and _HEX4.fullmatch(text, index + 2, index + 6):
                    index += 6
                    continue
                raise _Fail(
                    "load.syntax",
                    f"invalid escape {text[index : index + 2]!r} in a string",
                    index,
                    pointer,
                    'The escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four '
                    "hex digits.",
                )
            if char in "\r\n":
                if not text[index:].strip(" \t\r\n"):
                    break  # only whitespace follows: the input ends inside the string
                raise _Fail(
                    "load.syntax",
                    "line break inside a string (is the closing quote missing?)",
                    index,
                    pointer,
                    'Close the string with ", or write a line break inside it as \\n.',
                )
            if char < " ":
                raise _Fail(
                    "load.syntax",
                    f"control character {describe(char)} inside a string",
                    index,
                    pointer,
                    "Escape it: \\t for a tab, \\u001b style for other control characters.",
                )
            index += 1
        raise _Fail(
            "load.syntax",
            "string is never closed: the input ends inside it",
            pos,
            pointer,
            'Add the closing double quote ("), or check whether the file was cut short.',
        )


def _lone_surrogate(raw: str) -> int:
    """Offset in a string's raw text of its first ``\\uXXXX`` escape that is half a pair."""
    pending: re.Match[str] | None = None
    for escape in _ESCAPE.finditer(raw):
        digits = escape.group(1)
        code = int(digits, 16) if digits else -1
        if pending is not None:
            if 0xDC00 <= code <= 0xDFFF and escape.start() == pending.end():
                pending = None
                continue
            return pending.start()
        if 0xD800 <= code <= 0xDBFF:
            pending = escape
        elif 0xDC00 <= code <= 0xDFFF:
            return escape.start()
    return pending.start() if pending is not None else 0
