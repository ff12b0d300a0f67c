"""krant: a terminal news reader for folders of Jekyll-style posts."""


def __getattr__(name: str) -> str:
    """`__version__`, read on first use: importlib.metadata costs ~50 ms of every start."""
    if name != "__version__":
        raise AttributeError(f"module 'tui' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("krant")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
