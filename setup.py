"""The compiled parts of newswire: the extractor's hot loops (``services/**/_*.pyx``).

Everything else is in pyproject.toml. Each ``_name.pyx`` compiles the same reading as a
Python function it names (its reference and fallback). The extensions are optional: where
they cannot be built (no C compiler), newswire installs without them and uses the Python
code. Each source's SHA-256 is compiled in, so a module built from an older source (an
editable install not rebuilt since) is never used (``newswire.parser.extract.compiled``).
"""

import hashlib
from pathlib import Path

import lxml
from setuptools import Extension, setup

SOURCES = sorted(Path("services").glob("newswire/**/_*.pyx"))


def extension(source: Path) -> Extension:
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    return Extension(
        ".".join(source.relative_to("services").with_suffix("").parts),
        [str(source)],
        include_dirs=lxml.get_include(),
        define_macros=[("NEWSWIRE_SOURCE_SHA256", f'"{sha256}"')],
        optional=True,
    )


setup(ext_modules=[extension(source) for source in SOURCES])
