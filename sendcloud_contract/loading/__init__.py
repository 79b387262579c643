"""Payload bytes to Python values, strictly, with positions, and never a traceback: every
way a payload can fail to load becomes a :class:`LoadProblem` with a line and column, and
:meth:`Document.locate` finds the line and column of any value."""

from sendcloud_contract.loading.files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    PAYLOAD_SUFFIXES,
    SYMLINK_LOOP,
    Format,
    detect_format,
    load_bytes,
    load_path,
    load_stream,
    payload_files,
    read_regular_file,
)
from sendcloud_contract.loading.problems import Document, LoadProblem

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
