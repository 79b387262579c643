"""One recorded request and its answer, whatever tool recorded it.

Every format (VCR.py cassettes, HAR, the project's own JSON form) is read into
these types, so matching and validation exist once. Places are RFC 6901
pointers into the recording document, which the loaded document turns into a
line and column of the recording file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from sendcloud_contract.report import Severity

__all__ = ["Body", "Headers", "Interaction", "Problem", "Side"]

Side = Literal["request", "response"]
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Body:
    """A body as recorded, decoded from base64 and its ``Content-Encoding``.

    ``at`` is where the body is written in the recording. When the recording
    holds the body as a JSON value itself (``embedded``, the project's own
    form), ``value`` is that value and every pointer inside it has a place of
    its own in the file; otherwise ``data`` holds the bytes. A body that is
    recorded but cannot be decoded (bad base64, bad gzip) is not
    ``readable``; a problem says why.
    """

    at: str
    data: bytes = b""
    value: Any = None
    embedded: bool = False
    readable: bool = True

    @property
    def empty(self) -> bool:
        return self.readable and not self.embedded and not self.data.strip()


@dataclass(frozen=True)
class Problem:
    """Something wrong with the recording itself (not with the contract), and where."""

    rule: str
    message: str
    hint: str
    at: str
    side: Side | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Interaction:
    """One request and its response, with where each part is written in the recording.

    ``index`` is the 0-based position among the recording's interactions;
    ``status`` is ``None`` when the recording holds no usable status;
    ``request_header_places`` are the pointers of the request header values,
    in their order.
    Header names keep their recorded spelling; :meth:`header` looks one up
    case-insensitively.
    """

    index: int
    at: str
    method: str
    url: str
    url_at: str
    request_headers: Headers = ()
    request_header_places: tuple[str, ...] = ()
    request_body: Body | None = None
    status: int | None = None
    response_headers: Headers = ()
    response_body: Body | None = None
    response_at: str = ""
    problems: tuple[Problem, ...] = field(default=())

    @property
    def path(self) -> str:
        """The decoded URL path, without host or query."""
        return unquote(urlsplit(self.url).path) or "/"

    @property
    def query(self) -> Mapping[str, str | list[str]]:
        """Query parameters; a repeated one is a list (the API wants comma lists)."""
        parsed = parse_qs(urlsplit(self.url).query, keep_blank_values=True)
        return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}

    def header(self, side: Side, name: str) -> list[str]:
        headers = self.request_headers if side == "request" else self.response_headers
        wanted = name.lower()
        return [value for key, value in headers if key.lower() == wanted]
