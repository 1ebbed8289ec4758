"""The extractor's compiled modules (``_walk``, ``_fingerprint``: see setup.py), when usable.

Each is an optional speed-up of Python code that stays the reference: an install without a
C compiler has none, and a module compiled from an older source than the ``.pyx`` beside it
(an editable install not rebuilt after an edit) is not used, as it would read pages
differently from the code one reads.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from types import ModuleType
from warnings import warn

_HERE = Path(__file__).parent


def load(name: str) -> ModuleType | None:
    """The compiled module ``newswire.parser.extract.<name>``, or None."""
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        return None
    source = _HERE / f"{name}.pyx"
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != module.SOURCE_SHA256:
        warn(
            f"newswire's compiled {name} is older than {name}.pyx: using the Python code "
            "(reinstall newswire, e.g. deploy/local/bootstrap.sh, to rebuild it)",
            stacklevel=2,
        )
        return None
    return module
