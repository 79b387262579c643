"""Reading payloads within their limits: files, streams and folders, each format by its name."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import BinaryIO, Literal

from sendcloud_contract.loading.problems import Document, not_regular, too_large, unreadable
from sendcloud_contract.loading.strict_json import load_json, load_jsonl

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "PAYLOAD_SUFFIXES",
    "Format",
    "detect_format",
    "load_bytes",
    "load_path",
    "load_stream",
    "payload_files",
    "read_descriptor",
    "read_regular_file",
]

PAYLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".har")

Format = Literal["json", "jsonl", "yaml"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64

_BOM = b"\xef\xbb\xbf"
_SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}


def detect_format(name: str) -> Format | None:
    """The format a file name's suffix announces, or ``None`` if it announces none."""
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
        found.extend(
            os.path.join(parent, name)
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
        return [too_large(len(data), max_bytes)]
    bom = 3 if data.startswith(_BOM) else 0
    if bom:
        data = data[bom:]
    if fmt == "json":
        return [load_json(data, max_depth=max_depth, byte_base=bom)]
    if fmt == "jsonl":
        return load_jsonl(data, max_depth=max_depth, byte_base=bom)
    if fmt == "yaml":
        # Imported here: PyYAML takes a large part of the start-up of a run that reads JSON.
        from sendcloud_contract.loading.yaml_composer import load_yaml

        return load_yaml(data, max_depth=max_depth, byte_base=bom, cassette_tags=cassette_tags)
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
    data = read_regular_file(name, max_bytes=max_bytes)
    if isinstance(data, Document):
        return [data]
    fmt = fmt or detect_format(name) or "json"
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
                return not_regular(name, status.st_mode)
            if status.st_size > max_bytes:
                return too_large(status.st_size, max_bytes)
            data = read_descriptor(descriptor, status.st_size, max_bytes)
        finally:
            os.close(descriptor)
    except OSError as error:
        return unreadable(name, error)
    if len(data) > max_bytes:
        return too_large(None, max_bytes)
    return data


def read_descriptor(descriptor: int, size: int, max_bytes: int) -> bytes:
    """An open file's bytes, read to its end but no further than one byte past ``max_bytes``.

    ``size`` is the size the file reported: the first read asks for all of it, and the
    file is read on in case it grew, or reported no size at all (as files under /proc do).
    """
    limit = max_bytes + 1
    step = max(size + 1, 1 << 16)
    chunks: list[bytes] = []
    received = 0
    while received < limit:
        chunk = os.read(descriptor, min(step, limit - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


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
        return [unreadable(getattr(stream, "name", "<stream>"), error)]
    if len(data) > max_bytes:
        return [too_large(None, max_bytes)]
    return load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)
