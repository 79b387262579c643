"""Payload bytes to Python values, strictly, with positions, and never a traceback.

Every way a payload can fail to load (empty, bad UTF-8, bad syntax, trailing data,
NaN/Infinity, duplicate keys, too deep, too large, unreadable) becomes a
:class:`LoadProblem` with a line and column in the file, so every front end can point
at the spot.

Valid JSON is the hot path and stays close to ``orjson.loads``: orjson parses, and two
byte counts over the input and over ``orjson.dumps(value)`` prove that no key was
dropped and that nothing nests too deep. Only when one of those checks fails does the
pure-Python scanner below run a second, position-tracking parse; asking where a value
of a clean document is (:meth:`Document.locate`) reads only the way to it.

YAML goes through the parser's event stream with a small composer of our own, so that
depth, alias expansion, duplicate keys and non-JSON values are caught while composing.
YAML choices: timestamps stay the strings they were written as (the schemas expect
strings); mapping keys are always the scalar text as written (``on:``, ``1:`` and
``2024-01-01:`` give ``"on"``, ``"1"`` and ``"2024-01-01"``), and a sequence or mapping
used as a key is a ``load.syntax`` problem; values with no JSON equivalent (``!!binary``,
``!!set``, ``!!omap``, ``!!pairs``, custom tags) are refused; aliases are shared, not
copied, and may add at most ``max(10_000, values written so far)`` values to the
document, which stops "billion laughs" streams at the first alias past the bound.
"""

from __future__ import annotations

import bisect
import errno
import functools
import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, NamedTuple, NoReturn

import orjson

from sendcloud_contract import _lazy, pointers

if TYPE_CHECKING:
    import yaml

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "PAYLOAD_SUFFIXES",
    "SYMLINK_LOOP",
    "Document",
    "Format",
    "LoadProblem",
    "detect_format",
    "load_bytes",
    "load_path",
    "load_stream",
    "payload_files",
    "read_regular_file",
]

PAYLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".har")

Format = Literal["json", "jsonl", "yaml"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
# How a path whose symbolic links lead back to themselves is described, wherever it is met.
SYMLINK_LOOP = "a loop of symbolic links (a link that leads back to itself)"

_BOM = b"\xef\xbb\xbf"
_JSON_WHITESPACE = b" \t\r\n"
_SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}

# Aliases may always add this many values, however small the written document is.
_ALIAS_EXPANSION_FLOOR = 10_000

_HINTS = {
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
    """Why (part of) a payload could not be loaded as written, and where.

    ``line`` and ``column`` are 1-based and count characters in the file, so a
    reporter can print ``path:line:column`` as is. ``message`` never repeats the
    problem's own position; it names other places (``first at line 3, column 5``).
    A named tuple, not a dataclass: defining one costs every start-up of the CLI less.
    """

    rule: str
    message: str
    hint: str
    line: int | None
    column: int | None
    pointer: str = ""


class Document:
    """One parsed document of a payload.

    ``value`` is meaningless when ``fatal`` is true. Duplicate keys are not fatal:
    the last member wins, as in :mod:`json` and orjson, and a problem is recorded.
    ``index`` is the document's 0-based position in a JSON Lines file or a
    multi-document YAML stream, ``None`` for single-document input.
    """

    __slots__ = ("_locator", "fatal", "index", "problems", "value")

    def __init__(
        self,
        value: Any,
        problems: list[LoadProblem] | None = None,
        *,
        fatal: bool = False,
        index: int | None = None,
    ) -> None:
        self.value = value
        self.problems: list[LoadProblem] = [] if problems is None else problems
        self.fatal = fatal
        self.index = index
        self._locator: Callable[[str], tuple[int, int] | None] | None = None

    def __repr__(self) -> str:
        return (
            f"Document(value={self.value!r}, problems={self.problems!r}, "
            f"fatal={self.fatal!r}, index={self.index!r})"
        )

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """(line, column), 1-based, in the file, of the value at an RFC 6901 pointer.

        For a member that does not exist, the closest existing ancestor's position.
        Positions are found on the first call (for clean JSON only along the pointer's
        way), so loading valid documents never pays for them.
        """
        if self._locator is None or (pointer and not pointer.startswith("/")):
            return None
        return self._locator(pointer)


class _Positions:
    """A locator over a position map that a parse recorded, built on the first call."""

    __slots__ = ("_build", "_positions")

    def __init__(self, build: Callable[[], dict[str, tuple[int, int]]]) -> None:
        self._build: Callable[[], dict[str, tuple[int, int]]] | None = build
        self._positions: dict[str, tuple[int, int]] = {}

    def __call__(self, pointer: str) -> tuple[int, int] | None:
        if self._build is not None:
            self._positions = self._build()
            self._build = None
        positions = self._positions
        while pointer not in positions:
            if not pointer:
                return None
            pointer = pointer[: pointer.rindex("/")]
        return positions[pointer]


_NOT_BEFORE_A_SUFFIX = ("", ".", os.sep, os.altsep or os.sep)
"""What before ``.json`` makes it no suffix (``.json`` alone, ``..json``, ``dir/.json``)."""


def detect_format(name: str) -> Format | None:
    """The format a file name's suffix announces, or ``None`` if it announces none."""
    # The usual name first: two string tests cost a tenth of os.path.splitext.
    if name.endswith(".json") and name[-6:-5] not in _NOT_BEFORE_A_SUFFIX:
        return "json"
    return _SUFFIXES.get(os.path.splitext(name)[1].lower())


def payload_files(
    folder: str | os.PathLike[str], onerror: Callable[[OSError], object] | None = None
) -> list[str]:
    """Payload files below a folder, hidden folders and files skipped, in a stable order.

    ``onerror`` is told of each folder that cannot be listed (``os.walk`` would skip
    it in silence).
    """
    found: list[str] = []
    for parent, folders, files in os.walk(folder, onerror=onerror):
        folders[:] = [name for name in folders if not name.startswith(".")]
        prefix = parent if parent.endswith(os.sep) else parent + os.sep  # os.path.join's result
        found.extend(
            prefix + name
            for name in files
            if not name.startswith(".") and name.lower().endswith(PAYLOAD_SUFFIXES)
        )
    return sorted(found)


def load_bytes(
    data: bytes,
    *,
    fmt: Format = "json",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    cassette_tags: bool = False,
) -> list[Document]:
    """Parse a payload into its documents; problems are returned, never raised.

    One JSON or YAML document gives one :class:`Document` (``index`` ``None``); JSON
    Lines gives one per non-blank line; a YAML stream one per ``---`` document.
    ``cassette_tags`` reads the tags VCR.py writes into YAML cassettes: ``!!binary``
    as ``bytes`` (bad base64 is a problem) and ``!!python/str``/``!!python/unicode``
    as their text. No other tag is constructed, so nothing in a cassette runs.
    """
    if max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, not {max_depth}")
    if len(data) > max_bytes:
        return [_too_large(len(data), max_bytes)]
    bom = 3 if data.startswith(_BOM) else 0
    if bom:
        data = data[bom:]
    if fmt == "json":
        return [_load_json(data, max_depth=max_depth, byte_base=bom)]
    if fmt == "jsonl":
        return _load_jsonl(data, max_depth=max_depth, byte_base=bom)
    if fmt == "yaml":
        return _load_yaml(data, max_depth=max_depth, byte_base=bom, cassette_tags=cassette_tags)
    raise ValueError(f"unknown format {fmt!r}; expected 'json', 'jsonl' or 'yaml'")


def load_path(
    path: str | os.PathLike[str],
    *,
    fmt: Format | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Document]:
    """Read and parse a file; the format comes from its suffix unless given (JSON by default).

    The size is checked before reading, so an oversized file is refused unread; an
    operating-system error becomes one fatal ``load.unreadable`` document.
    """
    name = os.fspath(path)
    if fmt is None:
        fmt = detect_format(name) or "json"
    data = read_regular_file(name, max_bytes=max_bytes)
    if isinstance(data, Document):
        return [data]
    return load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes | Document:
    """A regular file's bytes, or the fatal document that says why they cannot be had.

    Only regular files are read (a FIFO would block until a writer came), and the
    size is checked before reading, so an oversized file is refused unread.
    """
    name = os.fspath(path)
    try:
        # Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return _not_regular(name, status.st_mode)
            size = status.st_size
            if size > max_bytes:
                return _too_large(size, max_bytes)
            data = _read(descriptor, size, max_bytes)
        finally:
            os.close(descriptor)
    except OSError as error:
        return _unreadable(name, error)
    if len(data) > max_bytes:
        return _too_large(None, max_bytes)
    return data


def load_stream(
    stream: BinaryIO,
    *,
    fmt: Format = "json",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Document]:
    """Read a stream (standard input) up to one byte past ``max_bytes``, then parse it.

    The bound holds while reading, so an endless stream (``yes | ...``) ends at the limit.
    """
    try:
        data = stream.read(max_bytes + 1)
    except OSError as error:
        return [_unreadable(getattr(stream, "name", "<stream>"), error)]
    if len(data) > max_bytes:
        return [_too_large(None, max_bytes)]
    return load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)


def _read(descriptor: int, size: int, max_bytes: int) -> bytes:
    """The file's bytes, up to one byte past ``max_bytes``, straight from the descriptor.

    The first read asks for the reported size and one byte more (a buffered file object
    or a 10 MiB buffer per small file costs more than parsing it); a file that grew
    meanwhile, or that reports no size (files under /proc), is read on in 1 MiB steps.
    A first read that returns the whole reported size and no more is the end: the
    usual case costs one read, not a second one that returns nothing.
    """
    limit = max_bytes + 1
    if 0 < size < limit:  # the usual file: all of it in one read that asks for a byte more
        first = os.read(descriptor, size + 1)
        if len(first) == size:
            return first
        chunks, received = [first], len(first)  # it grew, or a short read
    else:
        chunks, received = [], 0
    while received < limit:
        chunk = os.read(descriptor, min(1 << 20, limit - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# ---------------------------------------------------------------------------
# Problems shared by every format


def _fatal(problem: LoadProblem, index: int | None = None) -> Document:
    return Document(None, [problem], fatal=True, index=index)


def _too_large(size: int | None, max_bytes: int) -> Document:
    if size is None:
        message = f"the input is larger than the limit of {max_bytes:,} bytes"
    else:
        message = f"the input is {size:,} bytes, more than the limit of {max_bytes:,}"
    return _fatal(LoadProblem("load.too-large", message, _HINTS["load.too-large"], None, None))


def _not_regular(name: str, mode: int) -> Document:
    if stat.S_ISDIR(mode):
        return _unreadable(name, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else None
    what = what or "a device or other special file"
    message = f"cannot read {name!r}: it is {what}, not a regular file"
    hint = "Name a regular file; only regular files are read (use - for standard input)."
    return _fatal(LoadProblem("load.unreadable", message, hint, None, None))


def _unreadable(name: str, error: OSError) -> Document:
    reason = error.strerror or str(error)
    if error.errno == errno.ELOOP:
        reason = SYMLINK_LOOP
        hint = "Point the link at a file, or remove it."
    elif isinstance(error, FileNotFoundError):
        hint = "Check the path: no file exists there."
    elif isinstance(error, IsADirectoryError):
        hint = "Name a file, not a directory."
    elif isinstance(error, PermissionError):
        hint = "Check the file's permissions."
    else:
        hint = _HINTS["load.unreadable"]
    message = f"cannot read {name!r}: {reason}"
    return _fatal(LoadProblem("load.unreadable", message, hint, None, None))


def _empty(what: str, index: int | None = None) -> Document:
    return _fatal(LoadProblem("load.empty", what, _HINTS["load.empty"], 1, 1), index)


def _is_blank(data: bytes) -> bool:
    return not data.strip(_JSON_WHITESPACE)


def _decode(data: bytes, *, first_line: int, byte_base: int) -> str | LoadProblem:
    """The text of UTF-8 ``data``, or the problem naming the first undecodable byte."""
    wide = _wide_encoding(data)
    if wide is not None:
        message = f"the input is {wide}, not UTF-8"
        return LoadProblem("load.encoding", message, _HINTS["load.encoding"], first_line, 1)
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
        return LoadProblem("load.encoding", message, _HINTS["load.encoding"], line, column)


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (it starts with a UTF-32 little-endian byte order mark)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (it starts with a UTF-32 big-endian byte order mark)"),
    (b"\xff\xfe", "UTF-16 (it starts with a UTF-16 byte order mark)"),
    (b"\xfe\xff", "UTF-16 (it starts with a UTF-16 byte order mark)"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 named from a byte order mark, or from the zero bytes of ASCII text.

    Without a mark, a text that starts with an ASCII character shows its encoding in where
    the first four bytes are zero (RFC 4627, section 3).
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4]
    if len(head) < 4 or b"\x00" not in head:
        return None
    zeros = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
    return {
        (True, True, True, False): "UTF-32 (big-endian, without a byte order mark)",
        (False, True, True, True): "UTF-32 (little-endian, without a byte order mark)",
        (True, False, True, False): "UTF-16 (big-endian, without a byte order mark)",
        (False, True, False, True): "UTF-16 (little-endian, without a byte order mark)",
    }.get(zeros)


def _describe(char: str) -> str:
    """A character as a message shows it: ``'x'``, or ``U+0009`` when it is invisible."""
    if char.isprintable() and not char.isspace():
        return repr(char)
    return f"U+{ord(char):04X}"


# ---------------------------------------------------------------------------
# JSON: the fast path

# A regex search beats `bytes.__contains__` on this needle by half.
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def _load_json(
    data: bytes,
    *,
    max_depth: int,
    byte_base: int = 0,
    first_line: int = 1,
    index: int | None = None,
) -> Document:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _load_json_slowly(
            data, max_depth=max_depth, byte_base=byte_base, first_line=first_line, index=index
        )
    if not _surely_clean(data, value, max_depth):
        document = _load_json_slowly(
            data, max_depth=max_depth, byte_base=byte_base, first_line=first_line, index=index
        )
        if not document.fatal:
            document.value = value
        return document
    document = Document(value, index=index)
    document._locator = _JsonLocator(data, first_line)
    return document


def _surely_clean(data: bytes, value: Any, max_depth: int) -> bool:
    """True when ``value`` provably holds every key of ``data`` and nests at most ``max_depth``.

    Depth: a text with at most ``max_depth`` opening brackets cannot nest deeper, and a short
    text is counted (brackets inside strings only make the count safer). Otherwise, in a dump
    indented by two spaces, a value inside ``n`` containers starts its line with ``2n``
    spaces, and a container deeper than ``max_depth`` has a value, or itself sits, that far
    in; a hit only means "look closer".

    Keys: orjson keeps the last of duplicate keys silently. A text that its own value dumps
    back to (written by orjson, ``JSON.stringify``, or ``json.dumps`` with ``indent=2`` and
    ``ensure_ascii=False``) lost nothing, and comparing is a ``memcmp``. Any other text is
    counted: outside strings every ':' ends a key, and strings keep their colons through a
    parse and a dump unless written as a ``\\u003a`` escape; so without such escapes, the
    input has more colons than the dump exactly when a member was dropped.
    """
    # Perhaps written compact: no space after the first colon, and one line.
    compact = (
        not data.startswith(b" ", data.find(b":") + 1) and data.find(b"\n", 0, len(data) - 1) == -1
    )
    kept = False
    try:
        if compact:
            dumped = orjson.dumps(value)
            kept = data.startswith(dumped)
            if (
                kept
                and len(data) <= _COUNTED_BYTES * max_depth
                and len(data.translate(None, _NOT_AN_OPENER)) <= max_depth
            ):
                return True
        indented = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # past orjson's own nesting limit for dumps
        return False
    if indented.find(b"\n" + b"  " * max_depth) != -1:
        return False
    # After a successful parse, whatever follows the dump in `data` is whitespace.
    if kept or (not compact and data.startswith(indented)):
        return True
    if data.count(b":") != indented.count(b":"):
        return False
    # No backslash at all is the common case, and one find() (a memchr) proves it.
    return data.find(b"\\") == -1 or _ESCAPED_COLON.search(data) is None


_NOT_AN_OPENER = bytes(byte for byte in range(256) if byte not in b"[{")
_COUNTED_BYTES = 32
"""Texts of at most this many bytes per level of ``max_depth`` have their opening brackets
counted: a one-order file (some 50 bytes per bracket) passes, and counting costs half the
indented dump it saves; a longer text goes straight to the dump."""


# ---------------------------------------------------------------------------
# JSON: the position-tracking scanner for invalid documents and locate()


def _load_json_slowly(
    data: bytes, *, max_depth: int, byte_base: int, first_line: int, index: int | None
) -> Document:
    if _is_blank(data):
        return _empty(
            "the input is empty" if not data else "the input holds only whitespace", index
        )
    text = _decode(data, first_line=first_line, byte_base=byte_base)
    if isinstance(text, LoadProblem):
        return _fatal(text, index)
    scan = _JsonScan(text, max_depth, first_line)
    scan.run()
    value = None if scan.fatal else scan.value
    document = Document(value, scan.problems, fatal=scan.fatal, index=index)
    document._locator = _Positions(scan.positions)
    return document


class _JsonLocator:
    """Where values of a valid JSON text start, found on demand.

    Only the containers on the way to an asked-for pointer are read: their members
    are stepped over one by one, each skipped with the C scanner of :mod:`json` (numbers
    kept as text, so any length is fine), and what was passed is remembered, so the
    next pointer resumes where the last one stopped. An invalid document costs the
    one or two places its violations name, not a second parse of the whole text.
    """

    __slots__ = ("_data", "_first_line", "_offsets", "_progress", "_text")

    def __init__(self, data: bytes, first_line: int) -> None:
        self._data = data
        self._first_line = first_line
        self._text = ""
        self._offsets: dict[str, int] = {}
        # Per container entered: (offset of its next member name or element, or of a
        # value still to be stepped over; elements passed; whether a value is pending).
        self._progress: dict[str, tuple[int, int, bool] | None] = {}

    def __call__(self, pointer: str) -> tuple[int, int] | None:
        if not self._offsets:
            self._text = self._data.decode("utf-8")
            self._offsets[""] = _skip(self._text, 0)
        offset = self._offset(pointer)
        while offset is None:
            if not pointer:
                return None
            pointer = pointer[: pointer.rindex("/")]
            offset = self._offset(pointer)
        text = self._text
        return self._first_line + text.count("\n", 0, offset), offset - text.rfind("\n", 0, offset)

    def _offset(self, pointer: str) -> int | None:
        found = self._offsets.get(pointer)
        if found is not None or not pointer:
            return found
        parent = pointer[: pointer.rindex("/")]
        start = self._offset(parent)
        if start is None:
            return None
        return self._step_to(parent, start, pointer)

    def _step_to(self, parent: str, start: int, wanted: str) -> int | None:
        """Step through the container at ``start`` until ``wanted`` (one of its members)."""
        text = self._text
        is_object = text[start] == "{"
        if parent in self._progress:
            state = self._progress[parent]
            if state is None:  # read to its end before
                return None
            pos, count, pending = state
        elif is_object or text[start] == "[":
            pos, count, pending = _skip(text, start + 1), 0, False
        else:
            return None  # a scalar has no members
        offsets = self._offsets
        while True:
            if pending:
                pos = _skip(text, _SKIP_VALUE(text, pos)[1])
                if text[pos] != ",":
                    self._progress[parent] = None
                    return None
                pos = _skip(text, pos + 1)
            elif text[pos] in "]}":
                self._progress[parent] = None
                return None
            if is_object:
                key, pos = _SCAN_STRING(text, pos + 1)
                pos = _skip(text, _skip(text, pos) + 1)  # past the colon
                child = f"{parent}/{pointers.escape(key)}"
            else:
                child = f"{parent}/{count}"
            offsets[child] = pos
            count += 1
            pending = True
            if child == wanted:
                self._progress[parent] = (pos, count, pending)
                return pos


# The C scanner of the json module, reading numbers as their text: it steps over one value.
# Clean documents nest at most 255 deep (orjson dumps no deeper), far from its recursion
# limit. (JSONDecoder sets scan_once in __init__, and json.decoder re-exports the C
# scanstring; the type stubs leave both out.)
_SKIP_VALUE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder(
    parse_int=str, parse_float=str
).scan_once  # type: ignore[attr-defined]
_SCAN_STRING: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


_WHITESPACE = _lazy.pattern(r"[ \t\n\r]+")
_STRING = _lazy.pattern(
    r'"([^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*)"'
)
_NUMBER = _lazy.pattern(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NUMBER_LIKE = _lazy.pattern(r"[-+.0-9A-Za-z]+")
_WORD = _lazy.pattern(r"[A-Za-z_][A-Za-z0-9_]*")
_HEX4 = _lazy.pattern(r"[0-9a-fA-F]{4}")
_ESCAPE = _lazy.pattern(r"\\(?:u([0-9a-fA-F]{4})|.)")
_SURROGATE = _lazy.pattern("[\ud800-\udfff]")
_NEWLINE = _lazy.pattern("\n")
_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))
_NON_FINITE: tuple[tuple[str, float], ...] = (
    ("-Infinity", -math.inf),
    ("Infinity", math.inf),
    ("NaN", math.nan),
)
_INT_RANGE = range(-(2**63), 2**64)  # orjson's integers; it reads larger ones as floats


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

    The private helper classes here are plain slotted classes, not dataclasses: making a
    dataclass costs every start-up of the CLI, and only invalid documents need these.
    """

    __slots__ = ("container", "is_object", "key", "keys", "offset", "pointer")

    def __init__(self, container: Any, pointer: str, offset: int, is_object: bool) -> None:
        self.container = container
        self.pointer = pointer
        self.offset = offset
        self.is_object = is_object
        self.key = ""
        self.keys: dict[str, int] = {}

    @property
    def closer(self) -> str:
        return "}" if self.is_object else "]"

    @property
    def noun(self) -> str:
        return "object" if self.is_object else "array"


def _skip(text: str, pos: int) -> int:
    """Where the JSON whitespace starting at ``pos`` ends."""
    match = _WHITESPACE.match(text, pos)
    return pos if match is None else match.end()


class _JsonScan:
    """A strict RFC 8259 parser that records where each value is and reports why not.

    Iterative, so its depth bound is ``max_depth`` and not Python's recursion limit.
    Duplicate keys and NaN/Infinity are recorded and the scan goes on, so a document
    reports all of them; anything else stops it.
    """

    def __init__(self, text: str, max_depth: int, first_line: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.first_line = first_line
        self.value: Any = None
        self.fatal = False
        self.problems: list[LoadProblem] = []
        self._offsets: dict[str, int] = {}
        self._newlines: list[int] | None = None

    # positions

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of a character offset into the text."""
        if self._newlines is None:
            self._newlines = [match.start() for match in _NEWLINE.finditer(self.text)]
        before = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[before - 1] + 1 if before else 0
        return self.first_line + before, offset - line_start + 1

    def positions(self) -> dict[str, tuple[int, int]]:
        return {pointer: self.where(offset) for pointer, offset in self._offsets.items()}

    def _report(self, rule: str, message: str, offset: int, pointer: str, hint: str = "") -> None:
        line, column = self.where(offset)
        self.problems.append(
            LoadProblem(rule, message, hint or _HINTS[rule], line, column, pointer)
        )

    # parsing

    def run(self) -> None:
        try:
            self.value = self._document()
        except _Fail as fail:
            self.fatal = True
            self._report(fail.rule, fail.message, fail.offset, fail.pointer, fail.hint)
        if any(problem.rule == "load.non-finite-number" for problem in self.problems):
            self.fatal = True

    def _document(self) -> Any:
        text = self.text
        end = len(text)
        stack: list[_Frame] = []
        pointer = ""
        pos = _skip(text, 0)
        while True:
            # A value starts at `pos`, for `pointer`.
            if pos >= end:
                raise self._end_of_data(stack, pos, pointer)
            self._offsets[pointer] = pos
            char = text[pos]
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    raise _Fail(
                        "load.too-deep",
                        f"nesting deeper than {self.max_depth} levels",
                        pos,
                        pointer,
                    )
                frame = _Frame({} if char == "{" else [], pointer, pos, char == "{")
                stack.append(frame)
                pos = _skip(text, pos + 1)
                if pos < end and text[pos] == frame.closer:
                    stack.pop()
                    value: Any = frame.container
                    pos += 1
                elif frame.is_object:
                    pos, pointer = self._member_name(frame, pos)
                    continue
                else:
                    pointer = f"{pointer}/0"
                    continue
            else:
                value, pos = self._scalar(pos, pointer)
            # Hand the finished value to its container; close every container that ends here.
            while stack:
                frame = stack[-1]
                if frame.is_object:
                    frame.container[frame.key] = value
                else:
                    frame.container.append(value)
                pos = _skip(text, pos)
                if pos >= end:
                    raise self._end_of_data(stack, pos, frame.pointer)
                char = text[pos]
                if char == ",":
                    comma = pos
                    pos = _skip(text, pos + 1)
                    if pos < end and text[pos] == frame.closer:
                        raise _Fail(
                            "load.syntax",
                            f"trailing comma before '{frame.closer}'",
                            comma,
                            frame.pointer,
                            "Remove the comma after the last "
                            + ("member." if frame.is_object else "element."),
                        )
                    if frame.is_object:
                        pos, pointer = self._member_name(frame, pos)
                    else:
                        pointer = f"{frame.pointer}/{len(frame.container)}"
                    break
                if char == frame.closer:
                    stack.pop()
                    value = frame.container
                    pos += 1
                    continue
                after = "a member" if frame.is_object else "an element"
                raise _Fail(
                    "load.syntax",
                    f"expected ',' or '{frame.closer}' after {after} of the {frame.noun}, "
                    f"found {_describe(char)}",
                    pos,
                    frame.pointer,
                    "Separate the "
                    + ("members" if frame.is_object else "elements")
                    + " with commas, and check for a missing closing bracket or quote.",
                )
            else:  # no container left open: the document's value is complete
                pos = _skip(text, pos)
                if pos < end:
                    found = _describe(text[pos])
                    message = f"unexpected {found} after the end of the document"
                    if text[pos] in "{[":
                        message = f"a second JSON value ({found}) starts after the first one"
                    raise _Fail("load.trailing-data", message, pos, "")
                return value

    def _end_of_data(self, stack: list[_Frame], pos: int, pointer: str) -> _Fail:
        if not stack:
            return _Fail(
                "load.syntax", "unexpected end of data where a value was expected", pos, pointer
            )
        frame = stack[-1]
        line, column = self.where(frame.offset)
        return _Fail(
            "load.syntax",
            f"unexpected end of data: the {frame.noun} opened at line {line}, column {column} "
            "is not closed",
            pos,
            pointer,
            f"Close the {frame.noun} with '{frame.closer}', or check whether the file was cut "
            "short.",
        )

    def _member_name(self, frame: _Frame, pos: int) -> tuple[int, str]:
        """Read ``"name":`` at ``pos``; return where the value starts and its pointer."""
        text = self.text
        if pos >= len(text):
            raise self._end_of_data([frame], pos, frame.pointer)
        char = text[pos]
        if char != '"':
            hint = "Write the member name in double quotes."
            if char == "'":
                hint = "JSON strings use double quotes, not single quotes."
            raise _Fail(
                "load.syntax",
                f"expected a member name in double quotes, found {_describe(char)}",
                pos,
                frame.pointer,
                hint,
            )
        key, after = self._string(pos, frame.pointer)
        first = frame.keys.get(key)
        if first is None:
            frame.keys[key] = pos
        else:
            line, column = self.where(first)
            self._report(
                "load.duplicate-key",
                f"duplicate key {key!r} (first at line {line}, column {column})",
                pos,
                frame.pointer,
            )
        frame.key = key
        pos = _skip(text, after)
        if pos >= len(text) or text[pos] != ":":
            found = _describe(text[pos]) if pos < len(text) else "the end of data"
            raise _Fail(
                "load.syntax",
                f"expected ':' after the member name {key!r}, found {found}",
                pos,
                frame.pointer,
                "Put a colon between the member name and its value.",
            )
        pos = _skip(text, pos + 1)
        return pos, f"{frame.pointer}/{pointers.escape(key)}"

    def _scalar(self, pos: int, pointer: str) -> tuple[Any, int]:
        text = self.text
        char = text[pos]
        if char == '"':
            return self._string(pos, pointer)
        for word, number in _NON_FINITE:
            if text.startswith(word, pos):
                self._report("load.non-finite-number", f"{word} is not a JSON number", pos, pointer)
                return number, pos + len(word)
        if char == "-" or "0" <= char <= "9":
            return self._number(pos, pointer)
        for word, literal in _LITERALS:
            if text.startswith(word, pos):
                return literal, pos + len(word)
        bare = _WORD.match(text, pos)
        found = f"word {bare.group()!r}" if bare else f"character {_describe(char)}"
        hint = ""
        if char == "'":
            hint = "JSON strings use double quotes, not single quotes."
        elif bare and bare.group() in ("True", "False", "None"):
            hint = "JSON literals are lowercase: true, false and null."
        elif bare:
            hint = "Put text in double quotes; the only bare words are true, false and null."
        elif char == "\x00":
            hint = "The file may be UTF-16; save it as UTF-8."
        raise _Fail(
            "load.syntax", f"unexpected {found} where a value was expected", pos, pointer, hint
        )

    def _number(self, pos: int, pointer: str) -> tuple[Any, int]:
        text = self.text
        match = _NUMBER.match(text, pos)
        written = _NUMBER_LIKE.match(text, pos)
        assert written is not None  # the caller saw '-' or a digit
        if match is None or written.end() > match.end():
            raise _Fail(
                "load.syntax",
                f"invalid number {written.group()!r}",
                pos,
                pointer,
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
            self._report(
                "load.non-finite-number",
                f"number {token if len(token) <= 30 else token[:27] + '...'} is too large: "
                "it would become infinity",
                pos,
                pointer,
            )
        return number, match.end()

    def _string(self, pos: int, pointer: str) -> tuple[str, int]:
        match = _STRING.match(self.text, pos)
        if match is None:
            self._bad_string(pos, pointer)
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
                pointer,
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
                    f"control character {_describe(char)} inside a string",
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


# ---------------------------------------------------------------------------
# JSON Lines


def _load_jsonl(data: bytes, *, max_depth: int, byte_base: int) -> list[Document]:
    documents: list[Document] = []
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not _is_blank(line):
            documents.append(
                _load_json(
                    line,
                    max_depth=max_depth,
                    byte_base=byte_base + offset,
                    first_line=number,
                    index=len(documents),
                )
            )
        offset += len(line) + 1
    if not documents:
        return [_empty("the input is empty" if not data else "the input holds only blank lines")]
    return documents


# ---------------------------------------------------------------------------
# YAML

_TAG = "tag:yaml.org,2002:"
_REFUSED_TAGS = ("binary", "set", "omap", "pairs")
_PLAIN_TAGS = (_TAG + "str", _TAG + "merge", _TAG + "value")
_CASSETTE_TAGS = (_TAG + "binary", _TAG + "python/str", _TAG + "python/unicode")
_NO_EQUIVALENT_HINT = (
    "Remove the tag: payloads hold only strings, numbers, booleans, null, sequences and mappings."
)


@functools.cache
def _yaml_loader() -> Any:
    """The safe loader class (libyaml's when built in) with JSON-minded constructors.

    Timestamps stay as written, and the tags with no JSON equivalent are refused.
    PyYAML is imported on first use, so JSON-only callers never pay for it.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def as_written(loader: Any, node: yaml.ScalarNode) -> str:
        return str(node.value)

    def refuse(loader: Any, node: yaml.Node) -> NoReturn:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {_short_tag(node.tag)} has no JSON equivalent", node.start_mark
        )

    loader: Any = type("JsonMindedLoader", (base,), {"__doc__": _yaml_loader.__doc__})
    loader.add_constructor(_TAG + "timestamp", as_written)
    for name in _REFUSED_TAGS:
        loader.add_constructor(_TAG + name, refuse)
    return loader


class _Collection:
    """A sequence or mapping the YAML composer is inside of.

    ``pointer`` is ``None`` inside a merge key's value or a (refused) complex key:
    those values have no place of their own in the document.
    """

    __slots__ = (
        "anchor",
        "awaiting_key",
        "first_keys",
        "height",
        "is_mapping",
        "key",
        "key_mark",
        "merged",
        "merging",
        "pointer",
        "size",
        "start",
        "value",
    )

    def __init__(
        self, value: Any, pointer: str | None, anchor: str | None, is_mapping: bool, start: Any
    ) -> None:
        self.value = value
        self.pointer = pointer
        self.anchor = anchor
        self.is_mapping = is_mapping
        self.start = start
        self.size = 1
        self.height = 1
        self.awaiting_key = True
        self.key: str | None = None
        self.key_mark: Any = None
        self.merging = False
        self.merged: list[dict[str, Any]] = []
        self.first_keys: dict[str, Any] = {}

    def child_pointer(self) -> str | None:
        if self.pointer is None:
            return None
        if not self.is_mapping:
            return f"{self.pointer}/{len(self.value)}"
        if self.awaiting_key or self.key is None:
            return None
        return f"{self.pointer}/{pointers.escape(self.key)}"


class _Anchored:
    """What an anchor names: the value, its expanded size and height, its scalar node."""

    __slots__ = ("height", "scalar", "size", "value")

    def __init__(self, value: Any, size: int, height: int, scalar: Any) -> None:
        self.value = value
        self.size = size
        self.height = height
        self.scalar = scalar


class _YamlStop(Exception):
    """Ends the current YAML document at a problem past which nothing can be read."""


class _YamlComposer:
    """Builds JSON values straight from a YAML event stream, checking as it goes.

    PyYAML's composer builds the whole node graph first, recursively, and its
    constructor shares aliased values without counting them; composing here, one
    event at a time, bounds depth and alias expansion before anything is built, and
    sees every key of every mapping for the duplicate check.
    """

    def __init__(
        self, text: str, data: bytes, *, max_depth: int, cassette_tags: bool = False
    ) -> None:
        self.text = text
        self.data = data
        self.max_depth = max_depth
        self.cassette_tags = cassette_tags
        self.loader_class = _yaml_loader()
        self._reset()

    def _reset(self) -> None:
        self.stopped = False
        self.fatal = False
        self.problems: list[LoadProblem] = []
        self.positions: dict[str, tuple[int, int]] = {}
        self.anchors: dict[str, _Anchored] = {}
        self.open_anchors: set[str] = set()
        self.written = 0
        self.expanded = 0

    def documents(self) -> list[Document]:
        import yaml

        documents: list[Document] = []
        loader: Any = None
        try:
            loader = self.loader_class(self.text)
            while not loader.check_event(yaml.StreamEndEvent):
                if isinstance(loader.get_event(), yaml.DocumentStartEvent):
                    documents.append(self._document(loader))
                    if self.stopped:
                        break
        except yaml.YAMLError as error:
            documents.append(_fatal(self._yaml_error(error)))
        finally:
            if loader is not None:
                loader.dispose()
        if not documents:
            return [_empty("the YAML stream holds no document, only comments or directives")]
        if len(documents) > 1:
            for index, document in enumerate(documents):
                document.index = index
        return documents

    def _document(self, loader: Any) -> Document:
        import yaml

        self._reset()
        stack: list[_Collection] = []
        root: Any = None
        pointer: str | None = ""
        try:
            while True:
                event = loader.get_event()
                if isinstance(event, yaml.DocumentEndEvent):
                    break
                mark = event.start_mark
                is_key = bool(stack) and stack[-1].is_mapping and stack[-1].awaiting_key
                if isinstance(event, yaml.CollectionEndEvent):
                    done = stack.pop()
                    value = self._close(done)
                    self._attach(stack, value, done.size, done.height, None, done.start)
                elif isinstance(event, yaml.CollectionStartEvent):
                    self.written += 1
                    if pointer is not None:
                        self.positions[pointer] = (mark.line + 1, mark.column + 1)
                    if len(stack) >= self.max_depth:
                        message = f"nesting deeper than {self.max_depth} levels"
                        self._stop("load.too-deep", message, mark, pointer)
                    is_mapping = isinstance(event, yaml.MappingStartEvent)
                    self._check_collection_tag(event, is_mapping, pointer)
                    if event.anchor is not None:
                        self.open_anchors.add(event.anchor)
                    stack.append(
                        _Collection(
                            {} if is_mapping else [], pointer, event.anchor, is_mapping, mark
                        )
                    )
                else:
                    self.written += 1
                    if pointer is not None:
                        self.positions[pointer] = (mark.line + 1, mark.column + 1)
                    if isinstance(event, yaml.AliasEvent):
                        anchored = self._alias(event, len(stack), pointer)
                        value, size, height = anchored.value, anchored.size, anchored.height
                        scalar = anchored.scalar
                    else:
                        scalar = self._scalar_node(loader, event)
                        size, height = 1, 0
                        if is_key and event.anchor is None:
                            value = scalar.value  # keys are taken as written
                        else:
                            value = self._scalar(loader, scalar, pointer)
                        if event.anchor is not None:
                            self.anchors[event.anchor] = _Anchored(value, 1, 0, scalar)
                    self._attach(stack, value, size, height, scalar, mark)
                if not stack:
                    root = value
                pointer = stack[-1].child_pointer() if stack else ""
        except _YamlStop:
            self.stopped = True
        except yaml.YAMLError as error:
            self.problems.append(self._yaml_error(error))
            self.fatal = self.stopped = True
        document = Document(None if self.fatal else root, self.problems, fatal=self.fatal)
        positions = self.positions
        document._locator = _Positions(lambda: positions)
        return document

    # events to values

    def _scalar_node(self, loader: Any, event: Any) -> Any:
        import yaml

        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)

    def _scalar(self, loader: Any, node: Any, pointer: str | None) -> Any:
        tag = node.tag
        if tag in _PLAIN_TAGS:
            return node.value
        if self.cassette_tags and tag in _CASSETTE_TAGS:
            return self._cassette_scalar(node, pointer)
        constructor = self.loader_class.yaml_constructors.get(tag)
        if constructor is None:
            message = f"the tag {_short_tag(tag)} has no JSON equivalent"
            self._add("load.syntax", message, node.start_mark, pointer, _NO_EQUIVALENT_HINT)
            return None
        try:
            value = constructor(loader, node)
        except Exception as error:  # a constructor's own complaint, e.g. "!!int abc"
            import yaml

            digits = sum(char.isdigit() for char in node.value)
            if isinstance(error, yaml.constructor.ConstructorError) and error.problem:
                message, hint = str(error.problem), _NO_EQUIVALENT_HINT
            elif tag == _TAG + "int" and digits > _INT_DIGITS_READ:
                message = (
                    f"the integer {_clip(node.value)} has {digits:,} digits, more than the "
                    f"{_INT_DIGITS_READ:,} that can be read as a number"
                )
                hint = "Quote it if it is an identifier, so it stays text, or check the value."
            else:
                short = _short_tag(tag)
                message = f"{_clip(node.value)!r} cannot be read as {short}"
                hint = f"Write a valid {short.lstrip('!')}, or remove the tag."
            self._add("load.syntax", message, node.start_mark, pointer, hint)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            message = f"{node.value!r} is not a finite number"
            self._add("load.non-finite-number", message, node.start_mark, pointer)
        return value

    def _cassette_scalar(self, node: Any, pointer: str | None) -> Any:
        if node.tag != _TAG + "binary":
            return node.value
        import base64
        import binascii

        try:
            return base64.b64decode("".join(str(node.value).split()), validate=True)
        except (binascii.Error, ValueError):
            message = "the !!binary value is not valid base64"
            hint = "Re-record the cassette, or write the body as a plain string."
            self._add("load.syntax", message, node.start_mark, pointer, hint, fatal=False)
            return None

    def _check_collection_tag(self, event: Any, is_mapping: bool, pointer: str | None) -> None:
        if event.tag in (None, "!", _TAG + ("map" if is_mapping else "seq")):
            return
        message = f"the tag {_short_tag(event.tag)} has no JSON equivalent"
        self._add("load.syntax", message, event.start_mark, pointer, _NO_EQUIVALENT_HINT)

    def _alias(self, event: Any, depth: int, pointer: str | None) -> _Anchored:
        name = event.anchor
        mark = event.start_mark
        if name in self.open_anchors:
            message = f"the alias *{name} refers to a node that contains it, so it nests forever"
            self._stop("load.too-deep", message, mark, pointer)
        anchored = self.anchors.get(name)
        if anchored is None:
            self._stop("load.syntax", f"the alias *{name} names no anchor", mark, pointer)
        if depth + anchored.height > self.max_depth:
            message = f"the alias *{name} nests the document deeper than {self.max_depth} levels"
            self._stop("load.too-deep", message, mark, pointer)
        # Checked at every alias, so no size recorded anywhere can run away.
        self.expanded += anchored.size
        limit = max(_ALIAS_EXPANSION_FLOOR, self.written)
        if self.expanded > limit:
            message = (
                f"aliases expand the document by more than {limit:,} values "
                "(an alias bomb, or too much repetition)"
            )
            hint = "Write the repeated parts out, or nest aliases less."
            self._stop("load.too-large", message, mark, pointer, hint)
        return anchored

    def _attach(
        self,
        stack: list[_Collection],
        value: Any,
        size: int,
        height: int,
        scalar: Any,
        mark: Any,
    ) -> None:
        """Put a finished value into the collection on top of ``stack``, if any.

        ``scalar`` is the value's scalar node (also through an alias), ``None`` for a
        sequence or mapping; ``mark`` is where this occurrence starts.
        """
        if not stack:
            return
        top = stack[-1]
        top.size += size
        top.height = max(top.height, height + 1)
        if not top.is_mapping:
            top.value.append(value)
        elif top.awaiting_key:
            top.awaiting_key = False
            top.merging = scalar is not None and scalar.tag == _TAG + "merge"
            top.key = None
            if scalar is None:
                kind = "mapping" if isinstance(value, dict) else "sequence"
                message = f"a mapping key must be a scalar, not a {kind}"
                self._add("load.syntax", message, mark, top.pointer, "Use a string as the key.")
            elif not top.merging:
                top.key = str(scalar.value)
                top.key_mark = mark
        else:
            top.awaiting_key = True
            if top.merging:
                self._merge(top, value, mark)
            elif top.key is not None:
                self._member(top, value)

    def _member(self, top: _Collection, value: Any) -> None:
        key = top.key
        assert key is not None
        first = top.first_keys.get(key)
        if first is None:
            top.first_keys[key] = top.key_mark
        else:
            message = (
                f"duplicate key {key!r} (first at line {first.line + 1}, column {first.column + 1})"
            )
            self._add("load.duplicate-key", message, top.key_mark, top.pointer, fatal=False)
        top.value[key] = value

    def _merge(self, top: _Collection, value: Any, mark: Any) -> None:
        sources = value if isinstance(value, list) else [value]
        if all(isinstance(source, dict) for source in sources):
            top.merged.extend(sources)
            return
        message = "a merge key '<<' takes a mapping or a sequence of mappings"
        self._add("load.syntax", message, mark, top.pointer, "Merge mappings only: <<: *defaults")

    def _close(self, done: _Collection) -> Any:
        value = done.value
        if done.merged:
            # Explicit keys beat merged ones; among merged mappings the first one wins.
            merged: dict[str, Any] = {}
            for source in reversed(done.merged):
                merged.update(source)
            merged.update(value)
            value = merged
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            self.anchors[done.anchor] = _Anchored(value, done.size, done.height, None)
        return value

    # problems

    def _add(
        self,
        rule: str,
        message: str,
        mark: Any,
        pointer: str | None,
        hint: str = "",
        *,
        fatal: bool = True,
    ) -> None:
        line, column = _mark_position(mark)
        problem = LoadProblem(rule, message, hint or _HINTS[rule], line, column, pointer or "")
        self.problems.append(problem)
        self.fatal = self.fatal or fatal

    def _stop(
        self, rule: str, message: str, mark: Any, pointer: str | None, hint: str = ""
    ) -> NoReturn:
        self._add(rule, message, mark, pointer, hint)
        raise _YamlStop

    def _character_at(self, line: int, column: int) -> str:
        lines = self.text.split("\n", line + 1)
        return lines[line][column : column + 1] if line < len(lines) else ""

    def _yaml_error(self, error: Exception) -> LoadProblem:
        import yaml

        if isinstance(error, yaml.reader.ReaderError):
            offset = error.position
            if not issubclass(self.loader_class, yaml.SafeLoader):
                # libyaml counts this position in bytes, PyYAML's reader in characters.
                offset = len(self.data[:offset].decode("utf-8", "replace"))
            char = chr(error.character) if isinstance(error.character, int) else "?"
            return LoadProblem(
                "load.syntax",
                f"the character {_describe(char)} is not allowed in YAML",
                "Remove it, or write it as an escape inside a double-quoted string.",
                self.text.count("\n", 0, offset) + 1,
                offset - (self.text.rfind("\n", 0, offset) + 1) + 1,
            )
        if isinstance(error, yaml.MarkedYAMLError):
            message = str(error.problem or error.context or "invalid YAML")
            mark = error.problem_mark or error.context_mark
            line, column = _mark_position(mark)
            if "maximum nesting depth" in message:
                message = f"nesting deeper than the YAML parser allows ({message})"
                return LoadProblem("load.too-deep", message, _HINTS["load.too-deep"], line, column)
            if error.problem and error.context:
                context = str(error.context)
                if error.context_mark is not None:
                    context_line, context_column = _mark_position(error.context_mark)
                    context += f" at line {context_line}, column {context_column}"
                message = f"{message} ({context})"
            hint = _HINTS["load.syntax"]
            if mark is not None and self._character_at(mark.line, mark.column) == "\t":
                hint = "Indent YAML with spaces: tabs cannot start a token."
            return LoadProblem("load.syntax", message, hint, line, column)
        return LoadProblem("load.syntax", str(error), _HINTS["load.syntax"], None, None)


# Python's limit on converting digit strings to integers (sys.get_int_max_str_digits()).
_INT_DIGITS_READ = sys.get_int_max_str_digits() or 4300


def _clip(text: str, limit: int = 40) -> str:
    """Long scalar text cut for a message, its length kept in view."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _short_tag(tag: str) -> str:
    """A tag as YAML authors write it: ``!!int`` rather than ``tag:yaml.org,2002:int``."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _mark_position(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _load_yaml(
    data: bytes, *, max_depth: int, byte_base: int, cassette_tags: bool = False
) -> list[Document]:
    if _is_blank(data):
        return [_empty("the input is empty" if not data else "the input holds only whitespace")]
    text = _decode(data, first_line=1, byte_base=byte_base)
    if isinstance(text, LoadProblem):
        return [_fatal(text)]
    composer = _YamlComposer(text, data, max_depth=max_depth, cassette_tags=cassette_tags)
    return composer.documents()
