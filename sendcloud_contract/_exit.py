"""The exit statuses every subcommand answers with, defined once.

0: all is well; 1: violations found; 2: the command was called wrongly.
"""

from __future__ import annotations

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
