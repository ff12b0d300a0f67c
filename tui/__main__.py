"""`python -m tui` runs the krant command."""

from tui.cli import main

# Guarded: multiprocessing may import the main module in its helper processes, which must not start krant.
if __name__ == "__main__":
    raise SystemExit(main())
