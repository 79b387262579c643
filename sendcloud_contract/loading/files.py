"""Reading payloads within their limits: files, streams and folders, each format by its name."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import BinaryIO, Literal

from sendcloud_contract.loading.problems import HINTS, Document, LoadProblem, fatal
from sendcloud_contract.loading.strict_json import load_json, load_jsonl

PAYLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".har")

Format = Literal["json", "jsonl", "yaml"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
# How a path whose symbolic links lead back to themselves is described, wherever it is met.
SYMLINK_LOOP = "a loop of symbolic links (a link that leads back to itself)"

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
    """Payload files below a folder, hidden ones skipped, in a stable order; ``onerror``
    hears of each folder that cannot be listed (``os.walk`` would skip it in silence)."""
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
    """Parse a payload into its documents (one per JSON Lines line or YAML ``---``
    document); problems are returned, never raised. ``cassette_tags`` reads the tags VCR.py
    writes into YAML cassettes: ``!!binary`` as ``bytes`` (bad base64 is a problem) and
    ``!!python/str``/``!!python/unicode`` as text; no other tag is constructed."""
    if max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, not {max_depth}")
    if len(data) > max_bytes:
        return [_too_large(len(data), max_bytes)]
    bom = len(_BOM) if data.startswith(_BOM) else 0
    data = data[bom:]
    if fmt == "json":
        return [load_json(data, max_depth, byte_base=bom)]
    if fmt == "jsonl":
        return load_jsonl(data, max_depth, byte_base=bom)
    if fmt == "yaml":
        # Imported here: PyYAML takes a large part of the start-up of a run that reads JSON.
        from sendcloud_contract.loading.yaml_composer import load_yaml

        return load_yaml(data, max_depth, byte_base=bom, cassette_tags=cassette_tags)
    raise ValueError(f"unknown format {fmt!r}; expected 'json', 'jsonl' or 'yaml'")


def load_path(
    path: str | os.PathLike[str],
    *,
    fmt: Format | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Document]:
    """Read and parse a file; the format comes from its suffix unless given (JSON by default)."""
    name = os.fspath(path)
    data = read_regular_file(name, max_bytes=max_bytes)
    if isinstance(data, Document):
        return [data]
    fmt = fmt or detect_format(name) or "json"
    return load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes | Document:
    """A regular file's bytes, or the fatal document that says why they cannot be had; only
    regular files are read (a FIFO would block), and an oversized one is refused unread."""
    name = os.fspath(path)
    try:
        # Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return _not_regular(name, status.st_mode)
            if status.st_size > max_bytes:
                return _too_large(status.st_size, max_bytes)
            data = read_descriptor(descriptor, status.st_size, max_bytes)
        finally:
            os.close(descriptor)
    except OSError as error:
        return _unreadable(name, error)
    return _too_large(None, max_bytes) if len(data) > max_bytes else data


def read_descriptor(descriptor: int, size: int, max_bytes: int) -> bytes:
    """An open file's bytes, to its end but no further than one byte past ``max_bytes``;
    one that grew, or reported no ``size`` (as under /proc), is read on in steps."""
    limit = max_bytes + 1
    chunks: list[bytes] = []
    received = 0
    while received < limit:
        chunk = os.read(descriptor, min(size + 1 if not chunks else 1 << 20, limit - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
        if len(chunks) == 1 and received == size:
            break  # asked for a byte more than the file reported, and none came: its end
    return b"".join(chunks)


def load_stream(
    stream: BinaryIO,
    *,
    fmt: Format = "json",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Document]:
    """Read a stream (standard input) to one byte past ``max_bytes``, then parse it."""
    try:
        data = stream.read(max_bytes + 1)
    except OSError as error:
        return [_unreadable(getattr(stream, "name", "<stream>"), error)]
    if len(data) > max_bytes:
        return [_too_large(None, max_bytes)]
    return load_bytes(data, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)


def _too_large(size: int | None, max_bytes: int) -> Document:
    message = f"the input is larger than the limit of {max_bytes:,} bytes"
    if size is not None:
        message = f"the input is {size:,} bytes, more than the limit of {max_bytes:,}"
    return fatal(LoadProblem("load.too-large", message, HINTS["load.too-large"], None, None))


def _not_regular(name: str, mode: int) -> Document:
    if stat.S_ISDIR(mode):
        return _unreadable(name, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else None
    what = what or "a device or other special file"
    message = f"cannot read {name!r}: it is {what}, not a regular file"
    hint = "Name a regular file; only regular files are read (use - for standard input)."
    return fatal(LoadProblem("load.unreadable", message, hint, None, None))


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
        hint = HINTS["load.unreadable"]
    message = f"cannot read {name!r}: {reason}"
    return fatal(LoadProblem("load.unreadable", message, hint, None, None))
