"""Talking to a target over httpx: every exchange recorded, every answer's shape checked.

The suite judges a target by HTTP only. Each request goes through
:class:`ContractClient`, which paces it (when the target asks for it), retries
a 429 a bounded number of times, records the exchange for the curl rendering of
a failing run, and holds the answer's body against the response schema the
operations table names for its status (law ``shapes``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from sendcloud_contract.contract.laws import broken, require
from sendcloud_contract.contract.pacing import Pacer
from sendcloud_contract.operations import Route, operation
from sendcloud_contract.validation import validate

__all__ = ["ContractClient", "Exchange", "TargetUnreachable"]

_THROTTLE_RETRIES = 3


class TargetUnreachable(BaseException):
    """The target could not be reached or did not answer: no verdict is possible.

    A ``BaseException``, not an ``Exception``, on purpose: Hypothesis treats an
    ``Exception`` as a failure to shrink, and would replay the run again and again
    against a server that is gone; this ends the run at once.
    """


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the rendering of a failing run shows them."""

    method: str
    url: str
    body: Any
    status: int
    answer: Any


@dataclass
class Answer:
    """A checked answer: its status, parsed JSON body (None when empty) and headers."""

    status: int
    body: Any
    headers: httpx.Headers

    def links(self) -> dict[str, str]:
        """The ``Link`` header's targets by relation (``next``, ``prev``)."""
        found: dict[str, str] = {}
        for part in self.headers.get("link", "").split(","):
            target, _, params = part.partition(";")
            target = target.strip()
            rel = params.strip().removeprefix("rel=").strip('"')
            if target.startswith("<") and target.endswith(">") and rel:
                found[rel] = target[1:-1]
        return found


@dataclass
class ContractClient:
    """An httpx client for one target, with the suite's bookkeeping around each request."""

    http: httpx.Client
    base_url: str
    pacer: Pacer | None = None
    log: list[Exchange] = field(default_factory=list)
    on_created: Callable[[Sequence[int]], None] = lambda ids: None

    def call(
        self,
        method: str,
        route: Route,
        *,
        pk: int | None = None,
        params: Sequence[tuple[str, str]] = (),
        body: Any = None,
        url: str | None = None,
    ) -> Answer:
        """Send one request; ``url`` (a ``Link`` target) replaces the route's own URL."""
        if url is None:
            path = route.replace("{id}", str(pk))
            url = str(httpx.URL(self.base_url.rstrip("/") + path, params=list(params)))
        content = None if body is None else orjson.dumps(body)
        headers = {"content-type": "application/json"} if content is not None else {}
        for attempt in range(_THROTTLE_RETRIES + 1):
            if self.pacer is not None:
                self.pacer.wait(method)
            try:
                response = self.http.request(method, url, content=content, headers=headers)
            except httpx.HTTPError as error:
                raise TargetUnreachable(f"{method} {url}: {error}") from None
            if response.status_code != 429 or attempt == _THROTTLE_RETRIES:
                break
            if self.pacer is not None:
                self.pacer.sleep(_retry_after(response))
        answer = self._checked(method, route, url, body, response)
        if method == "POST" and answer.status == 201:
            self.on_created([o["id"] for o in answer.body["data"]])
        return answer

    def _checked(
        self, method: str, route: Route, url: str, body: Any, response: httpx.Response
    ) -> Answer:
        status = response.status_code
        raw = response.content
        parsed: Any = None
        problem = None
        if raw:
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError:
                problem = f"the body is not JSON: {raw[:120]!r}"
        self.log.append(Exchange(method, url, body, status, parsed if problem is None else raw))
        where = f"{method} {urlsplit(url).path} answered {status}"
        if status >= 500 or status == 429:
            raise TargetUnreachable(f"{where}: the target failed or kept refusing (rate limit)")
        if problem is not None:
            broken("shapes", f"{where}: {problem}")
        try:
            kind = operation(method, route).response_kind(status)
        except KeyError:
            broken("shapes", f"{where}, a status the Orders API does not document for it")
        if kind is None:
            require("shapes", not raw, f"{where} with a body where none is documented")
        else:
            report = validate(parsed, kind)
            first = report.errors[0] if report.errors else None
            require(
                "shapes",
                first is None,
                f"{where}: the body is not a valid {kind}: "
                f"{first.pointer if first else ''} {first.message if first else ''}",
            )
        return Answer(status, parsed, response.headers)


def _retry_after(response: httpx.Response) -> float:
    text = response.headers.get("retry-after", "1")
    try:
        return max(0.0, float(text))
    except ValueError:
        return 1.0
