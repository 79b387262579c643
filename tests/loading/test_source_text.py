"""A plain YAML scalar read as a boolean or null keeps the text it was written as."""

from __future__ import annotations

import pytest

from sendcloud_contract.loading import Document, load_bytes


def yaml_document(text: str) -> Document:
    (document,) = load_bytes(text.encode(), fmt="yaml")
    assert not document.problems
    return document


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("NO", False),
        ("no", False),
        ("Off", False),
        ("false", False),
        ("yes", True),
        ("ON", True),
        ("True", True),
        ("~", None),
        ("null", None),
        ("NULL", None),
    ],
)
def test_a_plain_boolean_or_null_keeps_its_text(written: str, value: object) -> None:
    document = yaml_document(f"country_code: {written}\nflags: [x, {written}]\n")

    assert document.value == {"country_code": value, "flags": ["x", value]}
    assert document.source_text("/country_code") == written
    assert document.source_text("/flags/1") == written
    assert document.source_text("/flags/0") is None


@pytest.mark.parametrize(
    "text",
    [
        'a: "NO"\n',  # quoted: it is the string it looks like
        "a: 'yes'\n",
        "a: !!bool yes\n",  # tagged: the writer asked for a boolean
        "a: !!null ~\n",
        "a:\n",  # nothing written at all
        "a: 0\n",
        "a: 1.5\n",
        "a: NOT\n",
    ],
)
def test_other_scalars_have_no_source_text(text: str) -> None:
    assert yaml_document(text).source_text("/a") is None


def test_only_the_value_at_the_pointer_answers() -> None:
    document = yaml_document("order:\n  paid: yes\n  items: [{gift: off}]\n")

    assert document.source_text("/order/paid") == "yes"
    assert document.source_text("/order/items/0/gift") == "off"
    assert document.source_text("/order") is None
    assert document.source_text("/order/items/0/gift/deeper") is None
    assert document.source_text("/order/missing") is None
    assert document.source_text("order/paid") is None


def test_keys_stay_as_written_and_an_alias_points_at_its_anchor() -> None:
    document = yaml_document("NO: &flag off\nother: *flag\n")

    assert document.value == {"NO": False, "other": False}
    assert document.source_text("/NO") == "off"
    assert document.source_text("/other") is None  # the text is written at the anchor


def test_each_document_of_a_stream_keeps_its_own_texts() -> None:
    first, second = load_bytes(b"a: on\n---\na: ~\nb: off\n", fmt="yaml")

    assert (first.source_text("/a"), first.source_text("/b")) == ("on", None)
    assert (second.source_text("/a"), second.source_text("/b")) == ("~", "off")


def test_json_and_documents_built_by_hand_have_no_source_text() -> None:
    (document,) = load_bytes(b'{"a": false, "b": null}')

    assert document.source_text("/a") is None
    assert document.source_text("/b") is None
    assert Document({"a": False}).source_text("/a") is None
