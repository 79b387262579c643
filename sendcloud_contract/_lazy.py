"""Regular expressions compiled on first use.

Most patterns serve only the slow paths (an invalid document, a position, an odd
time stamp); compiling them at import cost every run of the CLI, valid or not, a few
milliseconds of its start-up.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

__all__ = ["pattern"]

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "split")


class _Pattern:
    """Stands in for a compiled pattern until one of its methods is first looked up."""

    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self._source, self._flags)
        for method in _METHODS:  # later look-ups find the compiled methods directly
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def pattern(source: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """A pattern that compiles itself the first time it is used."""
    return cast("re.Pattern[AnyStr]", _Pattern(source, flags))
