"""What orjson does not say: where a JSON text's values start, and (mostly) why it is not JSON.

:class:`JsonScan` parses a text strictly and records the place of every value and problem,
for a text orjson refuses or may have read wrongly; in a valid text, :func:`text_places`
reads only the arrays and objects that a pointer passes through, each one once.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

from sendcloud_contract import pointers
from sendcloud_contract.loading.positions import LineIndex, Place, Places
from sendcloud_contract.loading.problems import HINTS, LoadProblem, clip, describe

# Patterns of the strict scan, compiled by the first one (re caches them): a valid text is
# parsed by orjson and never scanned, so most runs never need them.
_STRING_BODY = r'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*'
_STRING = f'"({_STRING_BODY})"'
_NUMBER = r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?"
_NUMBER_LIKE = r"[-+.0-9A-Za-z]+"
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
# An escaped backslash, a surrogate pair, or (group 1) half of a pair standing alone.
_SURROGATE_ESCAPES = r"\\\\|\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}|\\u(d[89a-f][0-9a-f]{2})"
# Whitespace is skipped while locating a value in a valid text too.
_WHITESPACE = re.compile(r"[ \t\n\r]+")
_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))
_NON_FINITE = (("-Infinity", -math.inf), ("Infinity", math.inf), ("NaN", math.nan))
_INT_RANGE = range(-(2**63), 2**64)  # orjson's integers; it reads larger ones as floats
# The json module's C parser reads one value (numbers as text: any length will do); a valid
# text here nests no deeper than orjson writes. The stubs leave scan_once out.
_READ_VALUE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder(
    parse_int=str, parse_float=str
).scan_once  # type: ignore[attr-defined]
_SINGLE_QUOTES = "JSON strings use double quotes, not single quotes."
_ESCAPES = 'The escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits.'


def _skip(text: str, pos: int) -> int:
    """Where the JSON whitespace starting at ``pos`` ends."""
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def text_places(data: bytes, first_line: int) -> Places[int]:
    """The places of a valid JSON text's values, each array or object read when first entered."""
    text = data.decode("utf-8")
    return Places(_TextPlace(text, _skip(text, 0)), LineIndex(text, first_line).position, {})


class _TextPlace(Place[int]):
    """A place in a valid text; an array's or object's members are read up to the one asked
    for, those before it stepped over, and the one on a pointer's way is entered unparsed.
    ``resume`` is where reading goes on, -1 once all are read."""

    __slots__ = ("resume", "text")

    def __init__(self, text: str, at: int) -> None:
        super().__init__(at, {} if text[at] == "{" else [] if text[at] == "[" else None)
        self.text = text
        self.resume = -1 if self.members is None else _skip(text, at + 1)

    def member(self, token: str) -> Place[int] | None:
        found = super().member(token)
        return found if found is not None or self.resume < 0 else self._read_on(token)

    def _read_on(self, token: str) -> Place[int] | None:
        """Read on through the members up to the one ``token`` names, if any."""
        text, members, pos = self.text, self.members, self.resume
        if members:  # the member found last was left unread: step over it now
            pos = step_over(text, pos)
        while text[pos] not in "]}":
            if isinstance(members, dict):
                name, pos = _READ_VALUE(text, pos)
                pos = _skip(text, _skip(text, pos) + 1)  # past the colon
                found = members[name] = _TextPlace(text, pos)
            elif isinstance(members, list):
                name, found = str(len(members)), _TextPlace(text, pos)
                members.append(found)
            if name == token:
                self.resume = pos
                return found
            pos = step_over(text, pos)
        self.resume = -1
        return None


def step_over(text: str, pos: int) -> int:
    """Where the member after the value at ``pos`` starts (or its array or object ends): the
    value is read by the json module's parser, not scanned in Python."""
    pos = _skip(text, _READ_VALUE(text, pos)[1])
    return _skip(text, pos + 1) if text[pos] == "," else pos


class _Stop(Exception):
    """Stops the scanner at a problem it cannot read past."""


class _Frame:
    """An object or array the scanner is inside of; ``name`` is its pointer token in its
    parent, and its whole ``pointer`` is joined only when a problem inside it needs one."""

    __slots__ = ("closer", "container", "is_object", "key", "keys", "name", "place", "pointer")

    def __init__(self, place: Place[int], name: str, is_object: bool) -> None:
        self.place = place
        self.name = name
        self.is_object = is_object
        self.container: Any = {} if is_object else []
        self.closer = "}" if is_object else "]"
        self.key = ""
        self.keys: dict[str, int] = {}
        self.pointer: str | None = None

    @property
    def noun(self) -> str:
        return "object" if self.is_object else "array"


class JsonScan:
    """A strict RFC 8259 parser, iterative (``max_depth`` bounds it, not Python's recursion
    limit): duplicate keys and NaN/Infinity are recorded and it goes on; anything else stops it."""

    def __init__(self, text: str, max_depth: int, first_line: int = 1) -> None:
        self.text = text
        self.max_depth = max_depth
        self.lines = LineIndex(text, first_line)
        self.value: Any = None
        self.root: Place[int] | None = None
        self.fatal = False
        self.problems: list[LoadProblem] = []
        self._stack: list[_Frame] = []
        self._string_pattern = re.compile(_STRING)
        self._number_pattern = re.compile(_NUMBER)
        self._number_like_pattern = re.compile(_NUMBER_LIKE)

    def run(self) -> JsonScan:
        with contextlib.suppress(_Stop):
            self.value = self._document()
        return self

    def _report(self, rule: str, message: str, offset: int, pointer: str, hint: str = "") -> None:
        """Record a problem; all but a duplicate key make the value meaningless."""
        line, column = self.lines.position(offset)
        self.problems.append(LoadProblem(rule, message, hint or HINTS[rule], line, column, pointer))
        self.fatal = self.fatal or rule != "load.duplicate-key"

    def _fail(
        self, message: str, offset: int, pointer: str, hint: str = "", rule: str = "load.syntax"
    ) -> _Stop:
        """Record a problem the scanner cannot read past, for the caller to raise its stop."""
        self._report(rule, message, offset, pointer, hint)
        return _Stop()

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
        return f"{self._pointer()}/{self._token()}" if self._stack else ""

    def _document(self) -> Any:
        text, stack = self.text, self._stack
        end = len(text)
        pos = _skip(text, 0)
        while True:
            # A value starts at `pos`: the document's own, or the next member of stack[-1].
            if pos >= end:
                raise self._end_of_data(pos, self._value_pointer())
            char = text[pos]
            place = self._place(pos, char)
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    message = f"nesting deeper than {self.max_depth} levels"
                    raise self._fail(message, pos, self._value_pointer(), rule="load.too-deep")
                frame = _Frame(place, self._token() if stack else "", char == "{")
                stack.append(frame)
                pos = _skip(text, pos + 1)
                if pos >= end or text[pos] != frame.closer:
                    if frame.is_object:
                        pos = self._member_name(frame, pos)
                    continue
                stack.pop()
                value: Any = frame.container
                pos += 1
            else:
                value, pos = self._scalar(pos)
            # Hand the finished value to its container; close every container that ends here.
            while stack:
                frame = stack[-1]
                if frame.is_object:
                    frame.container[frame.key] = value
                else:
                    frame.container.append(value)
                pos = _skip(text, pos)
                if pos >= end:
                    raise self._end_of_data(pos, self._pointer())
                char = text[pos]
                if char == ",":
                    comma, pos = pos, _skip(text, pos + 1)
                    if pos < end and text[pos] == frame.closer:
                        message = f"trailing comma before '{frame.closer}'"
                        last = "member." if frame.is_object else "element."
                        hint = "Remove the comma after the last " + last
                        raise self._fail(message, comma, self._pointer(), hint)
                    if frame.is_object:
                        pos = self._member_name(frame, pos)
                    break
                if char == frame.closer:
                    stack.pop()
                    value = frame.container
                    pos += 1
                    continue
                after = "a member" if frame.is_object else "an element"
                message = f"expected ',' or '{frame.closer}' after {after} of the {frame.noun}, "
                message += f"found {describe(char)}"
                them = "members" if frame.is_object else "elements"
                hint = f"Separate the {them} with commas, and check for a missing closing "
                raise self._fail(message, pos, self._pointer(), hint + "bracket or quote.")
            else:  # no container left open: the document's value is complete
                pos = _skip(text, pos)
                if pos >= end:
                    return value
                found = describe(text[pos])
                message = f"unexpected {found} after the end of the document"
                if text[pos] in "{[":
                    message = f"a second JSON value ({found}) starts after the first one"
                raise self._fail(message, pos, "", rule="load.trailing-data")

    def _place(self, pos: int, char: str) -> Place[int]:
        """The place of the value starting at ``pos``, entered into its container's place."""
        place = Place(pos, {} if char == "{" else [] if char == "[" else None)
        if not self._stack:
            self.root = place
        elif isinstance(members := self._stack[-1].place.members, dict):
            members[self._stack[-1].key] = place
        elif members is not None:
            members.append(place)
        return place

    def _end_of_data(self, pos: int, pointer: str) -> _Stop:
        if not self._stack:
            return self._fail("unexpected end of data where a value was expected", pos, pointer)
        frame = self._stack[-1]
        line, column = self.lines.position(frame.place.at)
        message = f"unexpected end of data: the {frame.noun} opened at line {line}, column "
        message += f"{column} is not closed"
        hint = f"Close the {frame.noun} with '{frame.closer}', or check whether the file was "
        return self._fail(message, pos, pointer, hint + "cut short.")

    def _member_name(self, frame: _Frame, pos: int) -> int:
        """Read ``"name":`` at ``pos``; return where the member's value starts."""
        text = self.text
        if pos >= len(text):
            raise self._end_of_data(pos, self._pointer())
        if text[pos] != '"':
            message = f"expected a member name in double quotes, found {describe(text[pos])}"
            hint = _SINGLE_QUOTES if text[pos] == "'" else "Write the member name in double quotes."
            raise self._fail(message, pos, self._pointer(), hint)
        key, after = self._string(pos, in_name=True)
        first = frame.keys.setdefault(key, pos)
        if first != pos:
            line, column = self.lines.position(first)
            message = f"duplicate key {key!r} (first at line {line}, column {column})"
            self._report("load.duplicate-key", message, pos, self._pointer())
        frame.key = key
        pos = _skip(text, after)
        if pos >= len(text) or text[pos] != ":":
            found = describe(text[pos]) if pos < len(text) else "the end of data"
            message = f"expected ':' after the member name {key!r}, found {found}"
            hint = "Put a colon between the member name and its value."
            raise self._fail(message, pos, self._pointer(), hint)
        return _skip(text, pos + 1)

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
        bare = re.compile(_WORD).match(text, pos)
        found = f"word {bare.group()!r}" if bare else f"character {describe(char)}"
        hint = ""
        if char == "'":
            hint = _SINGLE_QUOTES
        elif bare and bare.group() in ("True", "False", "None"):
            hint = "JSON literals are lowercase: true, false and null."
        elif bare:
            hint = "Put text in double quotes; the only bare words are true, false and null."
        elif char == "\x00":
            hint = "The file may be UTF-16; save it as UTF-8."
        message = f"unexpected {found} where a value was expected"
        raise self._fail(message, pos, self._value_pointer(), hint)

    def _number(self, pos: int) -> tuple[Any, int]:
        match = self._number_pattern.match(self.text, pos)
        written = self._number_like_pattern.match(self.text, pos)
        assert written is not None  # the caller saw '-' or a digit
        if match is None or written.end() > match.end():
            message = f"invalid number {written.group()!r}"
            hint = "JSON numbers have no leading zeros, '+' signs, hex digits or a bare '.'; "
            hint += "write strings in double quotes."
            raise self._fail(message, pos, self._value_pointer(), hint)
        token = match.group()
        if match.group(1) is None and match.group(2) is None and len(token) <= 21:
            integer = int(token)
            if integer in _INT_RANGE:
                return integer, match.end()
        number = float(token)
        if math.isinf(number):
            message = f"number {clip(token, 30)} is too large: it would become infinity"
            self._report("load.non-finite-number", message, pos, self._value_pointer())
        return number, match.end()

    def _string(self, pos: int, *, in_name: bool = False) -> tuple[str, int]:
        match = self._string_pattern.match(self.text, pos)
        pointer = self._pointer if in_name else self._value_pointer
        if match is None:
            self._bad_string(pos, pointer())
        raw = match.group(1)
        if "\\" not in raw:
            return raw, match.end()
        value: str = json.loads(match.group())
        escapes = re.compile(_SURROGATE_ESCAPES, re.IGNORECASE).finditer(raw)
        lone = next((m for m in escapes if m.group(1)), None)
        if lone is not None:
            offset = pos + 1 + lone.start()
            escape = self.text[offset : offset + 6]
            message = f"the escape {escape!r} is half of a UTF-16 surrogate pair, not a character"
            hint = "Escape characters outside the Basic Multilingual Plane as a complete "
            hint += "surrogate pair, or write them as UTF-8."
            raise self._fail(message, offset, pointer(), hint, rule="load.encoding")
        return value, match.end()

    def _bad_string(self, pos: int, pointer: str) -> NoReturn:
        """Raise why the string starting at ``pos`` does not match the grammar."""
        text = self.text
        body = re.compile(_STRING_BODY).match(text, pos + 1)
        index = body.end() if body else pos + 1
        char = text[index : index + 1]  # what no string may hold here, or the end of the text
        if char == "\\":
            message, hint = f"invalid escape {text[index : index + 2]!r} in a string", _ESCAPES
        elif char in ("\r", "\n") and text[index:].strip(" \t\r\n"):
            message = "line break inside a string (is the closing quote missing?)"
            hint = 'Close the string with ", or write a line break inside it as \\n.'
        elif char and char not in "\r\n":
            message = f"control character {describe(char)} inside a string"
            hint = "Escape it: \\t for a tab, \\u001b style for other control characters."
        else:
            message = "string is never closed: the input ends inside it"
            hint = 'Add the closing double quote ("), or check whether the file was cut short.'
            index = pos
        raise self._fail(message, index, pointer, hint)
