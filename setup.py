"""The compiled part of newswire: the extractor's block walk (``_walk.pyx``).

Everything else is in pyproject.toml. The extension is optional: where it cannot be built (no
C compiler), newswire installs without it and ``dom`` uses the same walk written in Python.
The source's SHA-256 is compiled in, so ``dom`` can tell a module built from an older
``_walk.pyx`` (an editable install not rebuilt since) and not use it.
"""

import hashlib
from pathlib import Path

import lxml
from setuptools import Extension, setup

WALK = Path("services/newswire/parser/extract/_walk.pyx")
sha256 = hashlib.sha256(WALK.read_bytes()).hexdigest()

setup(
    ext_modules=[
        Extension(
            "newswire.parser.extract._walk",
            [str(WALK)],
            include_dirs=lxml.get_include(),
            define_macros=[("NEWSWIRE_WALK_SHA256", f'"{sha256}"')],
            optional=True,
        )
    ]
)
