"""The exit statuses every subcommand answers with, defined once, and the usage error.

0: all is well; 1: violations found; 2: the command was called wrongly; 3: the report
could not be written (a full disk, an I/O error, a closed standard output).
"""

from __future__ import annotations

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_OUTPUT", "EXIT_USAGE", "UsageError"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3


class UsageError(Exception):
    """A mistake in how the command was called: the command exits with ``EXIT_USAGE``."""
