"""Reading a recording's structure: each missing or mistyped part is a problem, not a crash."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sendcloud_contract import pointers
from sendcloud_contract.recordings.interaction import Body, Headers, Interaction, Problem, Side

__all__ = ["Exchange", "Shape", "child", "exchange"]

_SHAPE_HINT = "Re-record the interaction, or fix the recording by hand to the format's layout."


def child(at: str, *names: str | int) -> str:
    """The pointer of a member below ``at``."""
    return at + pointers.to_pointer(names)


class Shape:
    """Collects the problems found while a format's reader walks a recording."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, message: str, at: str, side: Side | None = None) -> None:
        self.problems.append(Problem("recording.shape", message, _SHAPE_HINT, at, side))

    def mapping(
        self, parent: Any, name: str, at: str, side: Side | None = None
    ) -> Mapping[str, Any] | None:
        value = parent.get(name) if isinstance(parent, Mapping) else None
        if isinstance(value, Mapping):
            return value
        self.fail(_wanted(name, "a mapping", value), child(at, name), side)
        return None

    def text(self, parent: Mapping[str, Any], name: str, at: str, side: Side | None) -> str | None:
        value = parent.get(name)
        if isinstance(value, str) and value:
            return value
        self.fail(_wanted(name, "a non-empty string", value), child(at, name), side)
        return None

    def status(self, value: Any, at: str) -> int | None:
        """A status code; the response side is the only one that has one."""
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return value
        if isinstance(value, str) and value.isdigit() and 100 <= int(value) <= 599:
            return int(value)
        wanted = _wanted("the status", "an HTTP status code from 100 to 599", value)
        self.fail(wanted, at, "response")
        return None

    def headers(self, value: Any, at: str, side: Side) -> tuple[Headers, tuple[str, ...]]:
        """Headers as name -> value, name -> [values], or HAR's [{name, value}] list,
        with the pointer of each value in the recording."""
        pairs: list[tuple[str, str]] = []
        places: list[str] = []
        if value is None:
            return (), ()
        if isinstance(value, Mapping):
            for name, values in value.items():
                listed = isinstance(values, list)
                for index, item in enumerate(values if listed else [values]):
                    place = child(at, name, index) if listed else child(at, name)
                    if isinstance(item, (str, int)) and not isinstance(item, bool):
                        pairs.append((str(name), str(item)))
                        places.append(place)
                    else:
                        self.fail(_wanted(f"header {name!r}", "a string", item), place, side)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if (
                    isinstance(item, Mapping)
                    and isinstance(item.get("name"), str)
                    and isinstance(item.get("value"), str)
                ):
                    pairs.append((item["name"], item["value"]))
                    places.append(child(at, index, "value"))
                else:
                    self.fail("a header needs a string name and value", child(at, index), side)
        else:
            self.fail(_wanted("the headers", "a mapping or a list", value), at, side)
        return tuple(pairs), tuple(places)


def _parses(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return True


def _wanted(what: str, expected: str, value: Any) -> str:
    got = "nothing" if value is None else f"a {type(value).__name__}"
    if isinstance(value, Mapping):
        got = "a mapping"
    elif isinstance(value, list):
        got = "a list"
    return f"{what} should be {expected}, found {got}"


@dataclass(frozen=True)
class Exchange:
    """What every format writes the same way: a request and a response mapping, the
    method, the URL and headers on both sides. Readers add bodies and the status."""

    shape: Shape
    index: int
    at: str
    url_key: str
    request: Mapping[str, Any]
    response: Mapping[str, Any]
    request_headers: Headers
    request_header_places: tuple[str, ...]
    response_headers: Headers
    method: str
    url: str

    @property
    def request_at(self) -> str:
        return child(self.at, "request")

    @property
    def response_at(self) -> str:
        return child(self.at, "response")

    def encodings(self, side: Side) -> list[str]:
        """The side's ``Content-Encoding`` values."""
        headers = self.request_headers if side == "request" else self.response_headers
        return [value for name, value in headers if name.lower() == "content-encoding"]

    def interaction(
        self, request_body: Body | None, status: int | None, response_body: Body | None
    ) -> Interaction:
        return Interaction(
            index=self.index,
            at=self.at,
            method=self.method,
            url=self.url,
            url_at=child(self.request_at, self.url_key),
            request_headers=self.request_headers,
            request_header_places=self.request_header_places,
            request_body=request_body,
            status=status,
            response_headers=self.response_headers,
            response_body=response_body,
            response_at=self.response_at,
            problems=tuple(self.shape.problems),
        )


def exchange(entry: Any, index: int, at: str, url_key: str) -> Exchange:
    """Read the parts of one entry that all formats share, with a fresh problem list."""
    shape = Shape()
    request_at, response_at = child(at, "request"), child(at, "response")
    request = shape.mapping(entry, "request", at, "request") or {}
    response = shape.mapping(entry, "response", at, "response") or {}
    method = shape.text(request, "method", request_at, "request") if request else None
    url = shape.text(request, url_key, request_at, "request") if request else None
    if url is not None and not _parses(url):
        shape.fail(f"the URL {url!r} cannot be parsed", child(request_at, url_key), "request")
        url = None
    request_headers, request_places = shape.headers(
        request.get("headers"), child(request_at, "headers"), "request"
    )
    response_headers, _ = shape.headers(
        response.get("headers"), child(response_at, "headers"), "response"
    )
    return Exchange(
        shape=shape,
        index=index,
        at=at,
        url_key=url_key,
        request=request,
        response=response,
        request_headers=request_headers,
        request_header_places=request_places,
        response_headers=response_headers,
        method=(method or "?").upper(),
        url=url or "",
    )
