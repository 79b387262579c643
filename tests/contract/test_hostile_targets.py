"""A target that means harm: credentials stay home, and every wait and read is bounded.

Each test bends the real fake's answers on the wire (tests/contract/hostile.py)
and holds the suite to a finding, a note or a documented exit status. Deadlines
are kept to a second or two through the suite's own options.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import re
import threading
import time
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone

import pytest

from sendcloud_contract.cli import main
from sendcloud_contract.contract import (
    DeadlinePassed,
    Pacer,
    RunSettings,
    TargetUnreachable,
    run,
)
from sendcloud_contract.contract.client import ContractClient, Exchange
from sendcloud_contract.contract.curl import render_steps
from sendcloud_contract.contract.origins import origin, redact, split_credentials
from sendcloud_contract.contract.pacing import retry_after
from sendcloud_contract.fake import Reply
from tests.contract.hostile import Bend, Seen, honest, hostile, trickle
from tests.contract.loopback import PUBLIC, SECRET, http_fake
from tests.contract.mutants import PartialBatchCommit

QUICK = RunSettings(max_examples=3, shrink=False)
ACCOUNT = ["--integration", "7", "--integration", "8", "--foreign-integration", "9"]
BASIC = "Basic " + base64.b64encode(f"{PUBLIC}:{SECRET}".encode()).decode()


@pytest.fixture(autouse=True)
def _no_keys_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDCLOUD_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("SENDCLOUD_SECRET_KEY", raising=False)


def verify(capsys: pytest.CaptureFixture[str], base_url: str, *options: str) -> tuple[int, str]:
    """``verify`` against ``base_url`` with the loopback account; its status, stdout + stderr."""
    keys = [] if "@" in base_url else ["--public-key", PUBLIC, "--secret-key", SECRET]
    status = main(["verify", "--base-url", base_url, *keys, *ACCOUNT, "--no-shrink", *options])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def is_list(seen: Seen) -> bool:
    return seen.method == "GET" and seen.path == "/api/v3/orders"


def without_links(reply: Reply) -> Reply:
    return dataclasses.replace(
        reply, headers=tuple((k, v) for k, v in reply.headers if k.lower() != "link")
    )


# ---------------------------------------------------------------- credentials stay home


def test_a_next_link_to_another_origin_is_a_broken_law_and_gets_no_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile() as elsewhere:
        foreign = f"{elsewhere.base_url}/orders?cursor=theirs"

        def bend(seen: Seen, reply: Reply, stop: threading.Event) -> bytes:
            if is_list(seen):
                return honest(without_links(reply), ("link", f'<{foreign}>; rel="next"'))
            return honest(reply)

        with hostile(bend) as home:
            status, out = verify(capsys, home.base_url, "--max-examples", "10")
    assert status == 1
    assert "BROKEN    listing" in out
    assert f'a Link rel="next" leads to {foreign}, away from the origin of the base URL' in out
    assert elsewhere.seen == []
    assert all(seen.headers.get("authorization") == BASIC for seen in home.seen)


def test_the_client_sends_credentials_to_the_base_urls_origin_only() -> None:
    with hostile() as home, hostile() as elsewhere, home.target().client() as http:
        http.get(home.base_url + "/orders")
        http.get(elsewhere.base_url + "/orders")
    assert home.seen[0].headers.get("authorization") == BASIC
    assert "authorization" not in elsewhere.seen[0].headers


def test_a_relative_next_link_is_read_against_the_page_it_came_with() -> None:
    def bend(seen: Seen, reply: Reply, stop: threading.Event) -> bytes:
        links = [(k, re.sub(r"<http://127\.0\.0\.1:\d+", "<", v)) for k, v in reply.headers]
        return honest(dataclasses.replace(reply, headers=tuple(links)))

    with hostile(bend) as home:
        verdicts = run(home.target(), RunSettings(max_examples=10, shrink=False))
    assert verdicts.ok, verdicts.render()
    assert any("cursor=" in seen.target for seen in home.seen), "no page was followed"


def test_credentials_in_the_base_url_are_used_and_never_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile(fake=http_fake(PartialBatchCommit)) as home:
        with_keys = home.base_url.replace("http://", f"http://{PUBLIC}:{SECRET}@")
        status, out = verify(capsys, with_keys)
    assert status == 1
    assert "BROKEN    atomicity" in out
    assert SECRET not in out
    assert out.startswith(f"verify {home.base_url}: ")
    assert f"export SENDCLOUD_BASE_URL={home.base_url}\n" in out
    assert all(seen.headers.get("authorization") == BASIC for seen in home.seen)


def test_an_unreachable_base_url_with_credentials_keeps_them_out_of_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile() as gone:
        pass
    with_keys = gone.base_url.replace("http://", f"http://{PUBLIC}:{SECRET}@")
    status, out = verify(capsys, with_keys, "--max-examples", "1")
    assert status == 2
    assert out.startswith(f"verify {gone.base_url}: ")
    assert "sendcloud-contract: error: POST http://127.0.0.1:" in out
    assert SECRET not in out


# ---------------------------------------------------------------- deadlines


def trickling(seen: Seen, reply: Reply, stop: threading.Event) -> Iterable[bytes]:
    return trickle(honest(reply), stop)


def test_a_target_sending_a_byte_at_a_time_meets_the_request_deadline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile(trickling) as home:
        status, out = verify(capsys, home.base_url, "--request-timeout", "1", "--deadline", "60")
    assert status == 2
    assert f"POST {home.base_url}/orders: no complete answer within 1 s" in out
    assert "Traceback" not in out


def test_a_slow_but_steady_target_meets_the_run_deadline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def slow(seen: Seen, reply: Reply, stop: threading.Event) -> bytes:
        stop.wait(0.2)
        return honest(reply)

    with hostile(slow) as home:
        status, out = verify(capsys, home.base_url, "--request-timeout", "5", "--deadline", "1")
    assert status == 2
    assert "sendcloud-contract: error: the run's deadline passed" in out
    assert "(--deadline 1 s); no verdict" in out
    assert "Traceback" not in out


def test_once_a_target_stalls_the_clean_up_is_bounded_not_one_timeout_per_order() -> None:
    stalled: list[Seen] = []

    def stall_all_but_posts(seen: Seen, reply: Reply, stop: threading.Event) -> Iterable[bytes]:
        if seen.method == "POST":
            return [honest(reply)]
        stalled.append(seen)
        return trickle(honest(reply), stop)

    with hostile(stall_all_but_posts) as home, pytest.raises(TargetUnreachable):
        run(home.target(), RunSettings(max_examples=5, request_timeout=1))
    assert [seen.method for seen in home.seen].count("POST") == 1, "one batch was made"
    # The request that stalled, one more for the example's clean-up (the first of its
    # DELETEs), one for the final sweep (its list of leftovers), and nothing after.
    assert len(stalled) == 3, [(seen.method, seen.path) for seen in stalled]
    assert (stalled[1].method, stalled[2].method) == ("DELETE", "GET")


def test_the_run_deadline_ends_a_request_under_way() -> None:
    with hostile(trickling) as home, home.target().client() as http:
        client = ContractClient(
            http, home.base_url, request_timeout=30, run_deadline=time.monotonic() + 0.5
        )
        with pytest.raises(DeadlinePassed, match="the run's deadline passed during POST"):
            client.call("POST", "/orders", body=[])


# ---------------------------------------------------------------- answer bodies


def first_post(body: Iterable[bytes] | bytes, *headers: tuple[str, str]) -> Bend:
    """A bend that answers the run's first POST with ``headers`` and ``body``, as they are."""
    bent: list[Seen] = []

    def bend(seen: Seen, reply: Reply, stop: threading.Event) -> Iterable[bytes]:
        if seen.method != "POST" or bent:
            return [honest(reply)]
        bent.append(seen)
        head = [f"HTTP/1.1 {reply.status} Created", *(f"{k}: {v}" for k, v in headers)]
        head += ["content-type: application/json", "connection: close"]
        return [
            ("\r\n".join(head) + "\r\n\r\n").encode(),
            *([body] if isinstance(body, bytes) else body),
        ]

    return bend


def test_an_answer_announcing_ten_gibibytes_is_not_read_and_breaks_shapes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bend = first_post(b"[" * 65536, ("content-length", str(10 * 1024**3)))
    with hostile(bend) as home:
        status, out = verify(capsys, home.base_url, "--max-examples", "2")
    assert status == 1
    assert "BROKEN    shapes" in out
    assert (
        "POST /api/v3/orders answered 201: its Content-Length 10737418240 is over the limit "
        "of 10485760 bytes (--max-answer-bytes)"
    ) in out


def test_an_answer_without_a_length_is_read_up_to_the_limit() -> None:
    bend = first_post(b" " * (2 << 20))
    with hostile(bend) as home:
        verdicts = run(home.target(), dataclasses.replace(QUICK, max_answer_bytes=1 << 20))
    assert verdicts.broken is not None
    assert verdicts.broken.law == "shapes"
    assert verdicts.broken.message == (
        "POST /api/v3/orders answered 201: its body is over the limit of 1048576 bytes "
        "(--max-answer-bytes); it was read no further"
    )


def test_an_answer_gzipped_twice_inflates_no_further_than_the_limit() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    inner = b"".join([*(packer.compress(bytes(1 << 20)) for _ in range(16)), packer.flush()])
    bomb = gzip.compress(inner)
    bend = first_post(bomb, ("content-encoding", "gzip, gzip"), ("content-length", str(len(bomb))))
    with hostile(bend) as home:
        verdicts = run(home.target(), QUICK)
    assert verdicts.broken is not None
    assert verdicts.broken.law == "shapes"
    assert verdicts.broken.message.endswith(
        "its body (Content-Encoding gzip, gzip) inflates over the limit of 10485760 bytes "
        "(--max-answer-bytes)"
    )


def first_answer_of(method: str, status: int, body: bytes) -> Bend:
    """A bend that answers the run's first ``method`` request with ``status`` and ``body``."""
    bent: list[Seen] = []

    def bend(seen: Seen, reply: Reply, stop: threading.Event) -> Iterable[bytes]:
        if seen.method != method or bent:
            return [honest(reply)]
        bent.append(seen)
        return [honest(dataclasses.replace(reply, status=status), body=body)]

    return bend


@pytest.mark.parametrize(
    ("method", "status", "body", "message"),
    [
        (
            "POST",
            201,
            b'{"data": [{"id": "one"}]}',
            "POST /api/v3/orders answered 201: the body is not a valid order-batch-response: "
            "/data/0 missing required field 'order_id'",
        ),
        ("POST", 202, b"{}", "POST /api/v3/orders answered 202, a status the Orders API"),
        ("POST", 201, b"", "POST /api/v3/orders answered 201 without the body it owes"),
    ],
)
def test_an_answer_is_judged_by_the_one_exchange_checker(
    method: str, status: int, body: bytes, message: str
) -> None:
    with hostile(first_answer_of(method, status, body)) as home:
        verdicts = run(home.target(), QUICK)
    assert verdicts.broken is not None
    assert verdicts.broken.law == "shapes"
    assert message in verdicts.broken.message


# ---------------------------------------------------------------- Retry-After


def throttle_first_post(retry_after: str) -> Bend:
    """A bend that refuses the run's first POST with 429 and ``Retry-After: retry_after``."""
    throttled: list[Seen] = []

    def bend(seen: Seen, reply: Reply, stop: threading.Event) -> bytes:
        if seen.method == "POST" and not throttled:
            throttled.append(seen)
            refusal = Reply(429, {"errors": [{"status": "429", "title": "Too Many Requests"}]})
            return honest(refusal, ("retry-after", retry_after))
        return honest(reply)

    return bend


def clocked_pacer(slept: list[float]) -> Pacer:
    """A pacer on a clock of its own: its sleeps are recorded and pass no real time."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    return Pacer(clock=lambda: now[0], sleep=sleep)


@pytest.mark.parametrize(
    ("header", "waited", "note"),
    [
        ("1e9", 60.0, "the target asked to wait '1e9' (Retry-After) before a retry; "
         "the wait was capped at 60 s (--max-retry-after)"),
        ("inf", 60.0, "the wait was capped at 60 s"),
        ("9" * 400, 60.0, "the wait was capped at 60 s"),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 60.0, "the wait was capped at 60 s"),
        ("nan", 1.0, "the target's Retry-After 'nan' is no number of seconds to wait"),
        ("-5", 1.0, "the target's Retry-After '-5' is no number of seconds to wait"),
        ("soon", 1.0, "the target's Retry-After 'soon' is no number of seconds nor a date"),
        ("2", 2.0, None),
    ],
)  # fmt: skip
def test_retry_after_is_capped_and_noted_whatever_its_form(
    header: str, waited: float, note: str | None
) -> None:
    slept: list[float] = []
    with hostile(throttle_first_post(header)) as home:
        target = home.target()
        target.pacer = clocked_pacer(slept)
        verdicts = run(target, RunSettings(max_examples=1, max_retry_after=60))
    assert verdicts.ok, verdicts.render()
    assert waited in slept
    assert max(slept) <= 60
    if note is None:
        assert verdicts.notes == ()
    else:
        (written,) = verdicts.notes
        assert note in written
        assert f"note: {written}" in verdicts.render()


def test_verify_reports_the_capped_wait(capsys: pytest.CaptureFixture[str]) -> None:
    with hostile(throttle_first_post("1e9")) as home:
        status, out = verify(
            capsys, home.base_url, "--pace", "--max-retry-after", "0.1",
            "--max-examples", "1", "--steps", "2",
        )  # fmt: skip
    assert status == 0, out
    assert (
        "note: the target asked to wait '1e9' (Retry-After) before a retry; "
        "the wait was capped at 0.1 s (--max-retry-after)\n"
    ) in out


def test_a_wait_past_the_run_deadline_ends_the_run() -> None:
    slept: list[float] = []
    with hostile(throttle_first_post("50")) as home:
        target = home.target()
        target.pacer = clocked_pacer(slept)
        with pytest.raises(DeadlinePassed, match=r"asked to wait 50 s \(Retry-After\)"):
            run(target, RunSettings(max_examples=1, deadline=20))
    assert 50 not in slept


def test_an_unreachable_target_is_still_no_verdict() -> None:
    with hostile() as gone:
        pass
    with pytest.raises(TargetUnreachable, match=r"POST http://127\.0\.0\.1"):
        run(gone.target(), QUICK)


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "seconds", "noted"),
    [
        (None, 1.0, False),
        ("7", 7.0, False),
        ("0.5", 0.5, False),
        ("inf", 60.0, True),
        ("-inf", 1.0, True),
        ("nan", 1.0, True),
        ("-1", 1.0, True),
        ("1e308", 60.0, True),
        ("9" * 400, 60.0, True),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0, False),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0, False),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 60.0, True),
        ("Mon, 99 Foo 0000 99:99:99 GMT", 1.0, True),
        ("", 1.0, True),
    ],
)
def test_retry_after_reads_every_form_of_the_header_without_an_error(
    header: str | None, seconds: float, noted: bool
) -> None:
    waited, note = retry_after(header, 60.0, NOW)
    assert (waited, note is not None) == (seconds, noted)


def test_a_long_retry_after_is_shortened_in_its_note() -> None:
    _, note = retry_after("9" * 400, 60.0, NOW)
    assert note is not None
    assert len(note) < 200


def test_curl_lines_mask_credentials_in_every_url() -> None:
    exchanges = [Exchange("GET", "http://them:theirs@elsewhere.test/orders", None, 200, None)]
    lines = render_steps(exchanges, "http://key:secret@127.0.0.1:8000/api/v3")
    assert lines[0] == "export SENDCLOUD_BASE_URL='http://***@127.0.0.1:8000/api/v3'"
    assert "http://***@elsewhere.test/orders" in lines[1]
    assert not any("secret" in line or "theirs" in line for line in lines)


@pytest.mark.parametrize(
    ("url", "bare", "user", "password", "shown"),
    [
        ("http://k:s@h:8/a?b", "http://h:8/a?b", "k", "s", "http://***@h:8/a?b"),
        ("http://k%40x:s%3Ay@h/a", "http://h/a", "k@x", "s:y", "http://***@h/a"),
        ("https://k@h/", "https://h/", "k", None, "https://***@h/"),
        ("http://a@b@h/", "http://h/", "a@b", None, "http://***@h/"),
        ("http://h/a@b", "http://h/a@b", None, None, "http://h/a@b"),
    ],
)
def test_credentials_come_out_of_a_url(
    url: str, bare: str, user: str | None, password: str | None, shown: str
) -> None:
    assert split_credentials(url) == (bare, user, password)
    assert redact(url) == shown


def test_origins_compare_scheme_host_and_port() -> None:
    assert origin("http://H:80/x") == origin("http://h/y")
    assert origin("https://h/x") != origin("http://h/x")
    assert origin("http://h:8080/") != origin("http://h/")
    assert origin("http://Bücher.example/") == origin("http://xn--bcher-kva.example:80/x")
    assert origin("/relative") is None
    assert origin("http://[::1") is None
