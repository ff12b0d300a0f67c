"""A cold start inside the app reads in worker processes (Textual's stand-in stderr once stopped them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys
    from pathlib import Path

    from tui import loader
    from tui.app import make_app
    from tui.locations import Locations

    folder, home = Path(sys.argv[1]), Path(sys.argv[2])
    for number in range(260):
        (folder / f"2019-05-{1 + number % 28:02d}-bericht-{number}.html").write_text(
            f"---\\ntitle: Bericht {number}\\ndate: 2019-05-01 10:00:00 +0200\\n---\\n"
            f"<p>Syrië {number}</p>\\n",
            encoding="utf-8",
        )
    loader.PARALLEL_FROM = 10
    started, warnings = [], []
    real_pool = loader._pool
    loader._pool = lambda workers: started.append(real_pool(workers)) or started[-1]
    logging.getLogger("tui.loader").addHandler(logging.Handler())
    logging.getLogger("tui.loader").handlers[-1].emit = lambda record: warnings.append(record.getMessage())

    async def main():
        app = make_app(folder, locations=Locations.under(home), watch=False)
        async with app.run_test(size=(100, 30)) as pilot:
            while app.loading:
                await pilot.pause(0.05)
            hits = app.index.search("syrie")
            await app.workers.wait_for_complete()
            warm = "html2text" in sys.modules and "markdown_it" in sys.modules
        print(f"pool={len(started)} posts={len(app.library)} hits={len(hits)} warnings={warnings}")
        print(f"warm={warm}")

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_a_cold_start_in_the_app_reads_in_worker_processes(tmp_path: Path) -> None:
    """In a fresh interpreter, as `krant` starts: no resource tracker runs yet when the app takes stderr."""
    folder = tmp_path / "posts"
    folder.mkdir()
    script = tmp_path / "cold_start.py"
    script.write_text(SCRIPT, encoding="utf-8")

    done = subprocess.run(
        [sys.executable, str(script), str(folder), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "pool=1 posts=260 hits=200 warnings=[]" in done.stdout, done.stdout + done.stderr
    # Once the folder is read, the reader's converters are imported in a thread, before any article opens.
    assert "warm=True" in done.stdout, done.stdout
