"""The build cache: what the previous successful build read and wrote, so the next one
redoes only what changed.

One folder per output folder under ``KATALOG_CACHE_DIR`` (default ``.katalog/cache``),
because the record of written pages describes one output tree. Every file in it carries
the *code version*: a digest of our package's source, Pelican's and Python's versions and
the working directory (entries record paths relative to it). A different version makes the
cache empty, so a changed program never reuses what an older one computed.

The cache is derived data, so damage is never fatal: each file also carries a digest of
its payload, and a file that is truncated, overwritten or unreadable is reported in one
warning line and treated as absent (the build recomputes what it held). The digest also
means nothing is unpickled that this code did not write whole.
"""

from __future__ import annotations

import functools
import hashlib
import logging
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
INDEX_KEY = "KATALOG_INDEX_DIR"
DEFAULT_INDEX_DIR = Path(".katalog") / "whoosh"
PACKAGE = Path(__file__).resolve().parent.parent  # all of katalog/
MAGIC = b"katalog-cache 2\n"
logger = logging.getLogger(__name__)


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


def index_dir(settings: dict[str, Any]) -> Path:
    """The Whoosh index folder of `katalog search` (derived data too, kept beside the cache)."""
    return Path(settings.get(INDEX_KEY) or DEFAULT_INDEX_DIR)


def load(path: Path, version: str) -> Any | None:
    """What `save` stored at `path` under `version`; None when absent, stale or damaged
    (damage, unlike absence or another version, is worth one warning line)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _damaged(path, f"tidak dapat dibaca ({exc.strerror})")
    header = MAGIC + version.encode() + b"\n"
    if not data.startswith(header):
        older = data.startswith((MAGIC, b"\x80"))  # another version, or the format before digests
        return None if older else _damaged(path, "bukan berkas cache katalog")
    digest, _, payload = data[len(header) :].partition(b"\n")
    if hashlib.blake2b(payload, digest_size=16).hexdigest().encode() != digest:
        return _damaged(path, "isinya rusak atau terpotong")
    try:
        return pickle.loads(payload)  # our own file, written whole (the digest says so)
    except Exception:  # any failure to unpickle means the same: recompute
        return _damaged(path, "isinya tidak dapat dibaca")


def _damaged(path: Path, why: str) -> None:
    logger.warning("katalog: cache build %s %s; dibuang dan dihitung ulang", path, why)
    return None


def save(path: Path, version: str, value: Any) -> None:
    """Store `value` atomically: a build interrupted while saving leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.blake2b(payload, digest_size=16).hexdigest().encode()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + version.encode() + b"\n" + digest + b"\n")
            stream.write(payload)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_leftovers(folder: Path) -> None:
    """Delete the temporary files of `save` calls that a killed build never finished."""
    for leftover in folder.glob(".*-*"):
        leftover.unlink(missing_ok=True)
