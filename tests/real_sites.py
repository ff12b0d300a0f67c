"""Where the real sites' post folders are (`../shared/realworld/` beside the repository), for the tests
that read them; those tests are skipped where the folders are not."""

from __future__ import annotations

from pathlib import Path

import pytest

_CANDIDATES = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "realworld",  # beside this checkout
    Path("/work/shared/realworld"),  # where the team keeps them, for a checkout elsewhere (a CI clone)
)
REALWORLD = next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[0])

needs_realworld = pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world sites are not here")
