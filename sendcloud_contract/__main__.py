"""Where the ``sendcloud-contract`` command and ``python -m sendcloud_contract`` start."""

from __future__ import annotations

import gc


def main() -> int:
    """Import the command with the garbage collector paused, freeze what it loaded, then run it.

    Importing the validator's modules (and its engine) makes many objects and no
    garbage, so collecting while they load is a few milliseconds of every run wasted;
    and they live as long as the process, so no later collection (the one at exit
    included) needs to look at them again: frozen, they are left out of every one.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        from sendcloud_contract.cli import main as run

        gc.freeze()
    except KeyboardInterrupt:  # Ctrl-C while starting: the status the command gives for it
        return 130
    finally:
        if collecting:
            gc.enable()
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
