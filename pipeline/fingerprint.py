"""The pipeline's fingerprint: version + a hash of its code and language data.

A cached result is reused only under the same fingerprint, so changing a rule or a word
list invalidates the cache.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from pipeline import __version__

_ROOT = Path(__file__).resolve().parent


@cache
def fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_ROOT.rglob("*")):
        if path.suffix in {".py", ".toml", ".txt", ".json"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_ROOT)).encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
