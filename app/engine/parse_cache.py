"""``ParseCache``: parsed YAML files kept as JSON, so a start-up on an unchanged catalogue skips YAML.

PyYAML takes 0.05-0.1 s to build the Python objects of the bundled catalogue; ``json.loads`` of the
same data takes about 6 ms. Like Python's ``__pycache__``, the cache is written when it can be and
skipped silently when it cannot, and it never changes what a load returns:

- A file's key is the SHA-256 of this cache's format, PyYAML's version, the loader's name and the
  file's bytes: a changed file, or another parser, gets a new key, so nothing stale is ever served.
- A cache file that cannot be read or decoded (missing, truncated, not JSON) is a miss, never an error.
- A miss parses the YAML (its errors reach the caller unchanged) and keeps the result only if JSON
  gives it back exactly, type for type: YAML also makes dates, sets, bytes, integer keys and NaN.
- Writes are atomic (a temporary file, then ``os.replace``) and readable by other users (an image
  warms the cache at build time for the user it runs as); a write that fails is ignored.
- The directory keeps at most ``MAX_FILES`` files: the oldest written go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
from pathlib import Path

import yaml

__all__ = ["ParseCache", "MAX_FILES"]

FORMAT = b"errdiag-parse-cache-1"  # change it when what a cache file holds changes
MAX_FILES = 256
_SUFFIX = ".json"

log = logging.getLogger(__name__)


class ParseCache:
    """Parsed YAML documents under ``directory``, one JSON file per distinct file content."""

    def __init__(self, directory: Path, *, loader: type) -> None:
        self.directory = Path(directory)
        self.loader = loader
        self._salt = b"\0".join([FORMAT, yaml.__version__.encode(), loader.__name__.encode()]) + b"\0"

    def load(self, raw: bytes) -> object:
        """The document of the YAML bytes ``raw``, from the cache when it holds them; raise ``yaml.YAMLError`` as ``yaml.load`` does."""
        path = self.directory / (hashlib.sha256(self._salt + raw).hexdigest() + _SUFFIX)
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            pass  # a miss: absent, unreadable or damaged
        data = yaml.load(raw, Loader=self.loader)  # noqa: S506 (a safe loader, chosen by the caller)
        text = _exact_json(data)
        if text is not None:
            self._store(path, text)
        return data

    def _store(self, path: Path, text: bytes) -> None:
        temporary = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(temporary, "xb") as file:  # mode 0o666 less the umask (mkstemp's would be 0o600)
                file.write(text)
            os.replace(temporary, path)
        except OSError as exc:
            log.debug("parse cache not written to %s: %s", self.directory, exc)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        """Delete the oldest cache files past ``MAX_FILES`` (another process may delete them first)."""
        try:
            files = [(entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(self.directory) if entry.name.endswith(_SUFFIX)]
        except OSError:
            return
        for _, name in sorted(files)[: max(0, len(files) - MAX_FILES)]:
            with contextlib.suppress(OSError):
                os.remove(name)


def _exact_json(data: object) -> bytes | None:
    """``data`` as UTF-8 JSON if JSON gives back exactly the same values and types, else None."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        return text.encode() if _same(data, json.loads(text)) else None
    except (TypeError, ValueError, RecursionError):  # dates, sets, bytes, NaN and infinities, surrogates, circular aliases, depth
        return None


def _same(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (``True`` is not ``1``, ``1`` is not ``1.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(value, b[key]) for key, value in a.items())  # type: ignore[attr-defined, index]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    return a == b
