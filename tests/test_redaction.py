"""Credentials in a payload are never echoed whole; ordinary values are echoed as they are."""

from __future__ import annotations

import pytest

from sendcloud_contract.redaction import MASK, redact, shorten


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Bearer abcdefghijkl123", f"Bearer {MASK}"),
        ("'Basic dXNlcjpwYXNzd29yZA=='", f"'Basic {MASK}'"),
        ("https://user:pass@example.com/x", f"https://{MASK}@example.com/x"),
        ("ftp://token@files.example.com", f"ftp://{MASK}@files.example.com"),
        ("api_key=abcdef123456", f"api_key={MASK}"),
        ('"password": "hunter2hunter2"', f'"password": "{MASK}"'),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", f"sk_l{MASK}"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", f"ghp_{MASK}"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig", f"eyJh{MASK}"),
        ("AKIAIOSFODNN7EXAMPLE", f"AKIA{MASK}"),
        ("key 0f1e2d3c4b5a69788796a5b4c3d2e1f0 here", f"key {MASK} here"),
        ("Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lz", MASK),
        (
            "https://cdn.example.com/Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lz.jpg",
            f"https://cdn.example.com/{MASK}.jpg",
        ),
    ],
)
def test_credentials_are_masked(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "WEB-2026-000123",
        "2026-10-01T10:00:00.250Z",
        "550e8400-e29b-41d4-a716-446655440000",
        "maya@example.com",
        "https://example.com/images/bowl-large.jpg",
        "4006381333931",
        "1234567890123456789012345678901234567890",
        "SHOP-ORDER-1234567890123456789012345",
        "Basic plan",
        "Stoneware bowl, hand-glazed",
    ],
)
def test_ordinary_values_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_shorten_masks_before_it_cuts() -> None:
    secret = "Bearer " + "a1" * 40
    assert shorten(secret) == f"Bearer {MASK}"
    assert shorten("x" * 100) == "x" * 57 + "..."
    assert len(shorten("y" * 100, 20)) == 20
