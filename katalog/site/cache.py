"""The build cache: what the previous successful build read and wrote, so the next one
redoes only what changed.

One folder per output folder under ``KATALOG_CACHE_DIR`` (default ``.katalog/cache``),
because the record of written pages describes one output tree. Every file in it carries
the *code version*: a digest of our package's source, Pelican's and Python's versions and
the working directory (entries record paths relative to it). A different version makes the
cache empty, so a changed program never reuses what an older one computed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import tempfile
from pathlib import Path
from typing import Any

import pelican

CACHE_KEY = "KATALOG_CACHE_DIR"
TARGET_KEY = "KATALOG_TARGET"  # the output folder a build will replace (it renders elsewhere)
DEFAULT_CACHE_DIR = Path(".katalog") / "cache"
PACKAGE = Path(__file__).resolve().parent.parent  # all of katalog/


@functools.cache
def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> str:
    """Changes whenever our code, Pelican, Python or the working directory does."""
    parts = (_source_digest(), pelican.__version__, platform.python_version(), str(Path.cwd()))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def cache_dir(settings: dict[str, Any]) -> Path:
    """This output folder's cache folder."""
    target = Path(settings.get(TARGET_KEY) or settings["OUTPUT_PATH"]).resolve()
    name = hashlib.sha256(str(target).encode()).hexdigest()[:16]
    return Path(settings.get(CACHE_KEY) or DEFAULT_CACHE_DIR) / name


def load(path: Path, version: str) -> Any | None:
    """What `save` stored at `path` under `version`; None when absent, stale or unreadable."""
    try:
        with path.open("rb") as stream:
            stored_version, value = pickle.load(stream)  # our own file, never published
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return value if stored_version == version else None


def save(path: Path, version: str, value: Any) -> None:
    """Store `value` atomically: a build interrupted while saving leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump((version, value), stream, protocol=pickle.HIGHEST_PROTOCOL)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
