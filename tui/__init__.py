"""krant: a terminal news reader for folders of Jekyll-style posts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("krant")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
