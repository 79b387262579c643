"""``--record DIR``: the exchanges in the project's own recording form, written as they happen.

Each file holds up to :data:`PER_FILE` exchanges and is rewritten whole (to a
temporary name, then renamed) after each one, so a stopped or killed proxy
leaves complete files, and memory holds one file's worth. Credentials are
redacted as the recorder redacts them; cookies too, which are no business of
a contract corpus. ``sendcloud-contract validate DIR`` checks the files.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson

from sendcloud_contract.proxy.messages import Headers
from sendcloud_contract.recordings.interaction import Body, Interaction
from sendcloud_contract.recordings.recorder import REDACTED, redacted
from sendcloud_contract.recordings.simple import as_simple

__all__ = ["PER_FILE", "Recording", "secret_free"]

PER_FILE = 100
_COOKIES = frozenset({"cookie", "set-cookie"})


def secret_free(headers: Headers) -> Headers:
    """``headers`` with credentials and cookies redacted."""
    return tuple(
        (name, REDACTED if name.lower() in _COOKIES else value) for name, value in redacted(headers)
    )


class Recording:
    """Files ``proxy-<start>-<pid>-NNNN.json`` in ``folder``; :attr:`error` is the last
    failure to write one (the proxy then exits with the output error status)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stem = f"proxy-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        self._file = 0
        self._held: list[Interaction] = []
        self.error: str | None = None
        self.written: list[Path] = []

    def add(
        self,
        method: str,
        url: str,
        request_headers: Headers,
        request_body: bytes,
        status: int,
        response_headers: Headers,
        response_body: bytes,
    ) -> None:
        """Keep one exchange (the answer's body decoded) and write its file again."""
        if len(self._held) == PER_FILE:
            self._held = []
        if not self._held:
            self._file += 1
        index = len(self._held)
        at = f"/{index}"
        self._held.append(
            Interaction(
                index=index,
                at=at,
                method=method,
                url=url,
                url_at=f"{at}/request/url",
                request_headers=secret_free(request_headers),
                request_body=Body(f"{at}/request/body", request_body) if request_body else None,
                status=status,
                response_headers=secret_free(response_headers),
                response_body=Body(f"{at}/response/body", response_body) if response_body else None,
                response_at=f"{at}/response",
            )
        )
        self._write()

    def _write(self) -> None:
        target = self.folder / f"{self._stem}-{self._file:04d}.json"
        partial = target.with_name(target.name + ".partial")
        data = orjson.dumps(as_simple(self._held), option=orjson.OPT_INDENT_2) + b"\n"
        try:
            partial.write_bytes(data)
            partial.replace(target)
        except OSError as error:
            self.error = f"cannot write {target}: {error.strerror or error}"
            return
        if not self.written or self.written[-1] != target:
            self.written.append(target)
