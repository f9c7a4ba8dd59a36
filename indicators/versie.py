"""Which code and reference data made a derived file: the key of work that is reused between rounds.

The concept step keeps each periode's figures and the checks keep each periode's results, so that
a re-delivery in a long history recomputes only its own periode. What they reuse must be what the
code of now would compute; a key that changes whenever the code, the reference data or a library
that computes changes makes an upgrade recompute everything once, and nothing stale survive it.
The sources of the packages below and including `indicators` are read (a few hundred kB: ~10 ms,
once per process); `dashboards`, `pipelines` and `gmsd` only show or schedule what these compute.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from vocabulary.home import REFERENCE_DIR

PACKAGES = ("vocabulary", "contracts", "clearinghouse", "indicators")
SOURCE_SUFFIXES = (".py", ".sql", ".yaml", ".yml", ".json", ".csv")
LIBRARIES = ("numpy", "pandas", "pyarrow", "duckdb", "great_expectations")


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    return Path(next(iter(spec.submodule_search_locations)))


def _library_version(name: str) -> str:
    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the computing packages' sources, the reference data and the libraries' versions."""
    digest = hashlib.blake2b(digest_size=16)
    for package in PACKAGES:
        folder = _package_folder(package)
        for path in sorted(p for p in folder.rglob("*") if p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts):
            digest.update(f"{package}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for path in sorted(p for p in REFERENCE_DIR.iterdir() if p.is_file()):
        digest.update(f"reference/{path.name}\0".encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps({name: _library_version(name) for name in LIBRARIES}).encode())
    return digest.hexdigest()


def key_of(*inputs: object) -> str:
    """A short digest of JSON-able inputs (tuples and lists alike), with the code version: a file name's key."""
    text = json.dumps([code_version(), *inputs], default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()
