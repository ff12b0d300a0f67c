"""`python -m tui` runs the krant command."""

from tui.cli import main

raise SystemExit(main())
