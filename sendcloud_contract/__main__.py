"""Where the ``sendcloud-contract`` command and ``python -m sendcloud_contract`` start."""

from __future__ import annotations


def main() -> int:
    """Run the command; Ctrl-C while it is still loading exits 130, as it does later."""
    try:
        from sendcloud_contract.cli import main as run
    except KeyboardInterrupt:
        return 130
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
