"""YAML to JSON values, composed one parser event at a time, so that depth and aliases are
bounded before anything is built (PyYAML's composer builds the whole graph first).

Timestamps stay the strings they were written as (the schemas expect strings); mapping
keys are the scalar text as written (``on:`` and ``1:`` give ``"on"`` and ``"1"``); a
sequence or mapping as a key, and a value with no JSON equivalent (``!!binary``, ``!!set``,
custom tags), are ``load.syntax`` problems; aliases are shared, not copied, and may add at
most ``max(10_000, values written so far)`` values: a "billion laughs" stream stops there.
"""

from __future__ import annotations

import base64
import functools
import math
import sys
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml

from sendcloud_contract import pointers
from sendcloud_contract.loading import problems
from sendcloud_contract.loading.positions import LineIndex, Place, Places, Position
from sendcloud_contract.loading.problems import HINTS, Document, LoadProblem, clip

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = (_TAG + "str", _TAG + "merge", _TAG + "value")
_CASSETTE_TAGS = (_TAG + "binary", _TAG + "python/str", _TAG + "python/unicode")
_READ_AS_BOOLEAN_OR_NULL = (_TAG + "bool", _TAG + "null")
_NO_EQUIVALENT_HINT = (
    "Remove the tag: payloads hold only strings, numbers, booleans, null, sequences and mappings."
)
_ALIAS_EXPANSION_FLOOR = 10_000
_INT_DIGITS_READ = sys.get_int_max_str_digits() or 4300
_Anchored = tuple[Any, int, int, Any]
"""What an anchor names: the value, its size and height once expanded, its scalar node."""


def load_yaml(data: bytes, max_depth: int, byte_base: int, cassette_tags: bool) -> list[Document]:
    """The documents of a YAML stream, one per ``---`` document."""
    text = problems.decode(data, first_line=1, byte_base=byte_base, index=None)
    if isinstance(text, Document):
        return [text]
    return _Composer(text, max_depth=max_depth, cassette_tags=cassette_tags).documents()


@functools.cache
def _loader_class() -> Any:
    """The safe loader (libyaml's when built in), with timestamps as written and the tags
    that have no JSON equivalent refused."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def as_written(loader: Any, node: yaml.ScalarNode) -> str:
        return str(node.value)

    def refuse(loader: Any, node: yaml.Node) -> NoReturn:
        message = f"the tag {_short_tag(node.tag)} has no JSON equivalent"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)

    loader: Any = type("JsonMindedLoader", (base,), {"__doc__": _loader_class.__doc__})
    loader.add_constructor(_TAG + "timestamp", as_written)
    for name in ("binary", "set", "omap", "pairs"):
        loader.add_constructor(_TAG + name, refuse)
    return loader


@dataclass(slots=True)
class _Collection:
    """A sequence or mapping the composer is inside of, named and pointed at as a scanner
    frame is; ``place`` is ``None`` inside a merge key's value or a (refused) complex key."""

    place: Place[Position] | None
    name: str
    is_mapping: bool
    anchor: str | None
    value: Any
    start: Any
    size: int = 1
    height: int = 1
    awaiting_key: bool = True
    key: str | None = None
    key_mark: Any = None
    merging: bool = False
    merged: list[dict[str, Any]] = field(default_factory=list)
    first_keys: dict[str, Any] = field(default_factory=dict)
    pointer: str | None = None


class _Stop(Exception):
    """Ends the current YAML document at a problem past which nothing can be read."""


class _Composer:
    """Builds JSON values straight from a YAML event stream, checking as it goes."""

    def __init__(self, text: str, *, max_depth: int, cassette_tags: bool) -> None:
        self.text = text
        self.max_depth = max_depth
        self.cassette_tags = cassette_tags
        self.loader_class = _loader_class()
        self.stopped = False

    def documents(self) -> list[Document]:
        documents: list[Document] = []
        loader: Any = None
        try:
            loader = self.loader_class(self.text)
            while not loader.check_event(yaml.StreamEndEvent):
                if isinstance(loader.get_event(), yaml.DocumentStartEvent):
                    documents.append(self._document(loader))
                    if self.stopped:
                        break
        except yaml.YAMLError as error:
            documents.append(problems.fatal(self._yaml_error(error)))
        finally:
            if loader is not None:
                loader.dispose()
        if not documents:
            message = "the YAML stream holds no document, only comments or directives"
            return [problems.fatal(LoadProblem("load.empty", message, HINTS["load.empty"], 1, 1))]
        if len(documents) > 1:
            for index, document in enumerate(documents):
                document.index = index
        return documents

    def _document(self, loader: Any) -> Document:
        self.fatal = False
        self.problems: list[LoadProblem] = []
        self.stack: list[_Collection] = []
        self.root: Place[Position] | None = None
        self.written: dict[Place[Position], str] = {}
        self.anchors: dict[str, _Anchored] = {}
        self.open_anchors: set[str] = set()
        self.values_written = self.expanded = 0
        value: Any = None
        try:
            while not isinstance(event := loader.get_event(), yaml.DocumentEndEvent):
                if isinstance(event, yaml.CollectionEndEvent):
                    value = self._close(self.stack.pop())
                    continue
                self.values_written += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    self._open(event)
                elif isinstance(event, yaml.AliasEvent):
                    self._place(event.start_mark)
                    value, size, height, scalar = self._alias(event)
                    self._attach(value, size, height, scalar, event.start_mark)
                else:
                    value = self._scalar_event(loader, event)
        except _Stop:
            self.stopped = True
        except yaml.YAMLError as error:
            self.problems.append(self._yaml_error(error))
            self.fatal = self.stopped = True
        value = None if self.fatal else value
        places = None if self.root is None else Places(self.root, _as_is, self.written)
        return Document(value, self.problems, fatal=self.fatal, places=places)

    def _place(self, mark: Any, members: Any = None) -> Place[Position] | None:
        """The place of the value starting at ``mark``, entered into its parent's place;
        ``None`` for a mapping key, and for a value without a place of its own."""
        place: Place[Position] = Place((mark.line + 1, mark.column + 1), members)
        top = self.stack[-1] if self.stack else None
        parent = None if top is None or top.place is None else top.place.members
        if top is None:
            self.root = place
        elif isinstance(parent, list):
            parent.append(place)
        elif isinstance(parent, dict) and not top.awaiting_key and top.key is not None:
            parent[top.key] = place
        else:
            return None
        return place

    def _open(self, event: Any) -> None:
        mark = event.start_mark
        is_mapping = isinstance(event, yaml.MappingStartEvent)
        place = self._place(mark, {} if is_mapping else [])
        if len(self.stack) >= self.max_depth:
            message = f"nesting deeper than {self.max_depth} levels"
            self._stop("load.too-deep", message, mark, self._here())
        if event.tag not in (None, "!", _TAG + ("map" if is_mapping else "seq")):
            message = f"the tag {_short_tag(event.tag)} has no JSON equivalent"
            self._add("load.syntax", message, mark, self._here(), _NO_EQUIVALENT_HINT)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        name = self._token() if self.stack else ""
        value: Any = {} if is_mapping else []
        self.stack.append(_Collection(place, name, is_mapping, event.anchor, value, mark))

    def _scalar_event(self, loader: Any, event: Any) -> Any:
        place = self._place(event.start_mark)
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_mapping and top.awaiting_key and event.anchor is None:
            value = node.value  # keys are taken as written
        else:
            value = self._scalar(loader, node)
            if place and event.value and event.tag is None and tag in _READ_AS_BOOLEAN_OR_NULL:
                self.written[place] = event.value  # what YAML's reading of it hides
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, 0, node)
        self._attach(value, 1, 0, node, event.start_mark)
        return value

    def _scalar(self, loader: Any, node: Any) -> Any:
        tag, mark = node.tag, node.start_mark
        if tag in _PLAIN_TAGS:
            return node.value
        if self.cassette_tags and tag in _CASSETTE_TAGS:
            return self._cassette_scalar(node)
        constructor = self.loader_class.yaml_constructors.get(tag)
        if constructor is None:
            message = f"the tag {_short_tag(tag)} has no JSON equivalent"
            self._add("load.syntax", message, mark, self._here(), _NO_EQUIVALENT_HINT)
            return None
        try:
            value = constructor(loader, node)
        except Exception as error:  # a constructor's own complaint, e.g. "!!int abc"
            digits = sum(char.isdigit() for char in node.value)
            if isinstance(error, yaml.constructor.ConstructorError) and error.problem:
                message, hint = str(error.problem), _NO_EQUIVALENT_HINT
            elif tag == _TAG + "int" and digits > _INT_DIGITS_READ:
                message = f"the integer {clip(node.value)} has {digits:,} digits, more than the "
                message += f"{_INT_DIGITS_READ:,} that can be read as a number"
                hint = "Quote it if it is an identifier, so it stays text, or check the value."
            else:
                short = _short_tag(tag)
                message = f"{clip(node.value)!r} cannot be read as {short}"
                hint = f"Write a valid {short.lstrip('!')}, or remove the tag."
            self._add("load.syntax", message, mark, self._here(), hint)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            message = f"{node.value!r} is not a finite number"
            self._add("load.non-finite-number", message, mark, self._here())
        return value

    def _cassette_scalar(self, node: Any) -> Any:
        if node.tag != _TAG + "binary":
            return node.value
        try:
            return base64.b64decode("".join(str(node.value).split()), validate=True)
        except ValueError:  # binascii.Error is one
            message = "the !!binary value is not valid base64"
            hint = "Re-record the cassette, or write the body as a plain string."
            self._add("load.syntax", message, node.start_mark, self._here(), hint, fatal=False)
            return None

    def _alias(self, event: Any) -> _Anchored:
        name, mark = event.anchor, event.start_mark
        if name in self.open_anchors:
            message = f"the alias *{name} refers to a node that contains it, so it nests forever"
            self._stop("load.too-deep", message, mark, self._here())
        anchored = self.anchors.get(name)
        if anchored is None:
            self._stop("load.syntax", f"the alias *{name} names no anchor", mark, self._here())
        if len(self.stack) + anchored[2] > self.max_depth:
            message = f"the alias *{name} nests the document deeper than {self.max_depth} levels"
            self._stop("load.too-deep", message, mark, self._here())
        # Checked at every alias, so no size recorded anywhere can run away.
        self.expanded += anchored[1]
        limit = max(_ALIAS_EXPANSION_FLOOR, self.values_written)
        if self.expanded > limit:
            message = f"aliases expand the document by more than {limit:,} values "
            hint = "Write the repeated parts out, or nest aliases less."
            message += "(an alias bomb, or too much repetition)"
            self._stop("load.too-large", message, mark, self._here(), hint)
        return anchored

    def _attach(self, value: Any, size: int, height: int, scalar: Any, mark: Any) -> None:
        """Put a finished value into the collection on top of the stack, if any; ``scalar``
        is its scalar node (also through an alias), ``None`` for a sequence or mapping."""
        if not self.stack:
            return
        top = self.stack[-1]
        top.size += size
        top.height = max(top.height, height + 1)
        if not top.is_mapping:
            top.value.append(value)
        elif top.awaiting_key:
            top.awaiting_key = False
            top.merging = scalar is not None and scalar.tag == _TAG + "merge"
            top.key = None
            if scalar is None:
                kind = "mapping" if isinstance(value, dict) else "sequence"
                message = f"a mapping key must be a scalar, not a {kind}"
                self._add("load.syntax", message, mark, self._pointer(), "Use a string as the key.")
            elif not top.merging:
                top.key, top.key_mark = str(scalar.value), mark
        else:
            top.awaiting_key = True
            if top.merging:
                self._merge(top, value, mark)
            elif top.key is not None:
                self._member(top, top.key, value)

    def _member(self, top: _Collection, key: str, value: Any) -> None:
        first = top.first_keys.setdefault(key, top.key_mark)
        if first is not top.key_mark:
            where = f"first at line {first.line + 1}, column {first.column + 1}"
            message = f"duplicate key {key!r} ({where})"
            self._add("load.duplicate-key", message, top.key_mark, self._pointer(), fatal=False)
        top.value[key] = value

    def _merge(self, top: _Collection, value: Any, mark: Any) -> None:
        sources = value if isinstance(value, list) else [value]
        if all(isinstance(source, dict) for source in sources):
            top.merged.extend(sources)
            return
        message = "a merge key '<<' takes a mapping or a sequence of mappings"
        hint = "Merge mappings only: <<: *defaults"
        self._add("load.syntax", message, mark, self._pointer(), hint)

    def _close(self, done: _Collection) -> Any:
        value = done.value
        if done.merged:
            # Explicit keys beat merged ones; among merged mappings the first one wins.
            merged: dict[str, Any] = {}
            for source in reversed(done.merged):
                merged.update(source)
            value = merged | value
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            self.anchors[done.anchor] = (value, done.size, done.height, None)
        self._attach(value, done.size, done.height, None, done.start)
        return value

    def _pointer(self) -> str:
        """The pointer of the innermost open collection ('' for one without a place)."""
        top = self.stack[-1]
        if top.place is not None and top.pointer is None:
            top.pointer = "".join(f"/{outer.name}" for outer in self.stack[1:])
        return top.pointer or ""

    def _token(self) -> str:
        """The pointer token of the next value in the innermost open collection."""
        top = self.stack[-1]
        if not top.is_mapping:
            return str(len(top.value))
        return "" if top.key is None else pointers.escape(top.key)

    def _here(self) -> str:
        """The pointer of the value being read ('' for a key, or a value without a place)."""
        top = self.stack[-1] if self.stack else None
        if top is None or top.place is None or (top.is_mapping and top.awaiting_key):
            return ""
        return "" if top.is_mapping and top.key is None else f"{self._pointer()}/{self._token()}"

    def _add(
        self, rule: str, message: str, mark: Any, pointer: str, hint: str = "", fatal: bool = True
    ) -> None:
        line, column = _mark_position(mark)
        self.problems.append(LoadProblem(rule, message, hint or HINTS[rule], line, column, pointer))
        self.fatal = self.fatal or fatal

    def _stop(self, rule: str, message: str, mark: Any, pointer: str, hint: str = "") -> NoReturn:
        self._add(rule, message, mark, pointer, hint)
        raise _Stop

    def _yaml_error(self, error: Exception) -> LoadProblem:
        if isinstance(error, yaml.reader.ReaderError):
            offset = error.position
            if not issubclass(self.loader_class, yaml.SafeLoader):
                # libyaml counts this position in bytes, PyYAML's reader in characters.
                offset = len(self.text.encode()[:offset].decode("utf-8", "replace"))
            char = chr(error.character) if isinstance(error.character, int) else "?"
            message = f"the character {problems.describe(char)} is not allowed in YAML"
            hint = "Remove it, or write it as an escape inside a double-quoted string."
            return LoadProblem("load.syntax", message, hint, *LineIndex(self.text).position(offset))
        if not isinstance(error, yaml.MarkedYAMLError):
            return LoadProblem("load.syntax", str(error), HINTS["load.syntax"], None, None)
        message = str(error.problem or error.context or "invalid YAML")
        mark = error.problem_mark or error.context_mark
        line, column = _mark_position(mark)
        if "maximum nesting depth" in message:
            message = f"nesting deeper than the YAML parser allows ({message})"
            return LoadProblem("load.too-deep", message, HINTS["load.too-deep"], line, column)
        if error.problem and error.context:
            context = str(error.context)
            if error.context_mark is not None:
                context_line, context_column = _mark_position(error.context_mark)
                context += f" at line {context_line}, column {context_column}"
            message = f"{message} ({context})"
        hint = HINTS["load.syntax"]
        if mark is not None and _character_at(self.text, mark.line, mark.column) == "\t":
            hint = "Indent YAML with spaces: tabs cannot start a token."
        return LoadProblem("load.syntax", message, hint, line, column)


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def _as_is(position: Position) -> Position:
    """A place's position, as the parser's marks gave it."""
    return position


def _short_tag(tag: str) -> str:
    """A tag as YAML authors write it: ``!!int`` rather than ``tag:yaml.org,2002:int``."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _mark_position(mark: Any) -> tuple[int | None, int | None]:
    return (None, None) if mark is None else (mark.line + 1, mark.column + 1)
