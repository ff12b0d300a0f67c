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

    from tui.core import loader
    from tui.ui.app import make_app
    from tui.core.locations import Locations

    # Everything with an effect runs under the `__main__` guard: each worker process imports this script
    # again (as `__mp_main__`), and one that rewrote the posts there truncated a file while another worker
    # read it, which then came back as an "empty file" problem (posts=259).

    def write_posts(folder):
        for number in range(260):
            (folder / f"2019-05-{1 + number % 28:02d}-bericht-{number}.html").write_text(
                f"---\\ntitle: Bericht {number}\\ndate: 2019-05-01 10:00:00 +0200\\n---\\n"
                f"<p>Syrië {number}</p>\\n",
                encoding="utf-8",
            )

    def stamps(folder):
        return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}

    async def main():
        folder, home = Path(sys.argv[1]), Path(sys.argv[2])
        write_posts(folder)
        written = stamps(folder)
        loader.PARALLEL_FROM = 10
        started, warnings = [], []
        real_pool = loader._pool
        loader._pool = lambda workers: started.append(real_pool(workers)) or started[-1]
        handler = logging.Handler()
        handler.emit = lambda record: warnings.append(record.getMessage())
        logging.getLogger("tui.loader").addHandler(handler)
        app = make_app(folder, locations=Locations.under(home), watch=False)
        async with app.run_test(size=(100, 30)) as pilot:
            while app.loading:
                await pilot.pause(0.05)
            hits = app.index.search("syrie")
            await app.workers.wait_for_complete()
            warm = "html2text" in sys.modules and "markdown_it" in sys.modules
        print(f"pool={len(started)} posts={len(app.library)} hits={len(hits)} warnings={warnings}")
        print(f"problems={[(Path(problem.path).name, problem.reason) for problem in app.library.problems]}")
        print(f"untouched={stamps(folder) == written}")
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
    assert "problems=[]" in done.stdout, done.stdout
    # Nothing but the script's own start wrote the posts (a worker process importing it must not).
    assert "untouched=True" in done.stdout, done.stdout
    # Once the folder is read, the reader's converters are imported in a thread, before any article opens.
    assert "warm=True" in done.stdout, done.stdout
