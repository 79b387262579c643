"""Payload bytes to Python values with positions: a problem is a LoadProblem, never a traceback."""

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
