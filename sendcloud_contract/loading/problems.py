"""What loading gives back: documents, the problems found in them, and their wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sendcloud_contract.loading.positions import Places, Position

HINTS = {
    "load.empty": "Write a document into the input; an empty file usually means an export "
    "or a redirect failed.",
    "load.encoding": "Save the payload as UTF-8.",
    "load.syntax": "Fix the syntax at this position.",
    "load.trailing-data": "A JSON file holds exactly one document: remove what follows it, "
    "or use the .jsonl format for one document per line.",
    "load.non-finite-number": "JSON has no NaN or Infinity: send a finite number, null or a "
    "string instead.",
    "load.duplicate-key": "Keep one of the members: parsers disagree on which duplicate wins "
    "(here the last one is used).",
    "load.too-deep": "Flatten the structure, or raise max_depth if nesting this deep is intended.",
    "load.too-large": "Split the payload, or raise max_bytes if inputs this large are expected.",
    "load.unreadable": "Check that the path names a readable file.",
}


class LoadProblem(NamedTuple):
    """Why (part of) a payload could not be loaded as written, and where: ``line`` and
    ``column`` are 1-based and count characters in the file. ``message`` never repeats the
    problem's own position; it names other places (``first at line 3, column 5``)."""

    rule: str
    message: str
    hint: str
    line: int | None
    column: int | None
    pointer: str = ""


class Document:
    """One parsed document of a payload; ``value`` is meaningless when ``fatal`` is true (a
    duplicate key is not: the last member wins). ``index`` is its 0-based position in a
    JSON Lines file or a YAML stream; ``places`` may wait for the first question. A plain
    class, as defining a dataclass would cost every start-up of the CLI."""

    __slots__ = ("fatal", "index", "places", "problems", "value")

    def __init__(
        self,
        value: Any,
        problems: list[LoadProblem] | None = None,
        *,
        fatal: bool = False,
        index: int | None = None,
        places: Places[Any] | Callable[[], Places[Any]] | None = None,
    ) -> None:
        self.value = value
        self.problems = [] if problems is None else problems
        self.fatal = fatal
        self.index = index
        self.places = places

    def locate(self, pointer: str) -> Position | None:
        """(line, column), 1-based, in the file, of the value at an RFC 6901 pointer, or of
        its closest existing ancestor; ``None`` for a document built by hand."""
        places = self._places(pointer)
        return None if places is None else places.locate(pointer)

    def source_text(self, pointer: str) -> str | None:
        """How a plain YAML scalar read as a boolean or null was written (``NO``, ``on``,
        ``~``), so a message can show it; ``None`` for any other value, and in JSON."""
        places = self._places(pointer)
        return None if places is None else places.source_text(pointer)

    def _places(self, pointer: str) -> Places[Any] | None:
        if callable(self.places):
            self.places = self.places()
        return self.places if not pointer or pointer.startswith("/") else None


def fatal(problem: LoadProblem, index: int | None = None) -> Document:
    return Document(None, [problem], fatal=True, index=index)


def empty(data: bytes, index: int | None = None, *, what: str = "whitespace") -> Document:
    """The document of an input that holds nothing, or only ``what``."""
    message = "the input is empty" if not data else f"the input holds only {what}"
    return fatal(LoadProblem("load.empty", message, HINTS["load.empty"], 1, 1), index)


def is_blank(data: bytes) -> bool:
    return not data.strip(b" \t\r\n")


def decode(data: bytes, *, first_line: int, byte_base: int, index: int | None) -> str | Document:
    """The UTF-8 text of ``data``, or the fatal document that says it is blank or not UTF-8."""
    if is_blank(data):
        return empty(data, index)
    wide = _wide_encoding(data)
    if wide is not None:
        message, line, column = f"the input is {wide}, not UTF-8", first_line, 1
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            start = error.start
            line_start = data.rfind(b"\n", 0, start) + 1
            line = first_line + data.count(b"\n", 0, start)
            column = len(data[line_start:start].decode("utf-8")) + 1
            bad = " ".join(f"0x{byte:02x}" for byte in data[start : error.end])
            plural = "s" if error.end - start > 1 else ""
            message = f"invalid UTF-8: byte{plural} {bad} at byte offset {byte_base + start}"
    return fatal(LoadProblem("load.encoding", message, HINTS["load.encoding"], line, column), index)


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (it starts with a UTF-32 little-endian byte order mark)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (it starts with a UTF-32 big-endian byte order mark)"),
    (b"\xff\xfe", "UTF-16 (it starts with a UTF-16 byte order mark)"),
    (b"\xfe\xff", "UTF-16 (it starts with a UTF-16 byte order mark)"),
)
_WIDE_ZEROS: dict[tuple[bool, ...], str] = {
    (True, True, True, False): "UTF-32 (big-endian, without a byte order mark)",
    (False, True, True, True): "UTF-32 (little-endian, without a byte order mark)",
    (True, False, True, False): "UTF-16 (big-endian, without a byte order mark)",
    (False, True, False, True): "UTF-16 (little-endian, without a byte order mark)",
}


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 named from a byte order mark or, for a text that starts with an
    ASCII character, from which of its first four bytes are zero (RFC 4627, section 3)."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return _WIDE_ZEROS.get(tuple(byte == 0 for byte in data[:4]))


def clip(text: str, limit: int = 40) -> str:
    """Long text cut for a message, at most ``limit`` characters."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def describe(char: str) -> str:
    """A character as a message shows it: ``'x'``, or ``U+0009`` when it is invisible."""
    return repr(char) if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
