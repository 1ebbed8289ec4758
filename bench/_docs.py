"""Write benchmark entries into the ``## Extraction`` section of docs/benchmarks.md.

Other sections of the file belong to other benchmarks and are left untouched; within the
Extraction section, the newest entry of each kind (quality, speed) replaces the previous
one, so the document shows current numbers, and git history keeps the old ones.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Extraction"
_INTRO = (
    "Article extraction (`newswire.parser.extract`) against trafilatura on the dev data in\n"
    "`../shared/devdata` (zh-portals, aeb, wcxb-dev). Regenerate with\n"
    "`.venv/bin/python bench/extract_quality.py` and `.venv/bin/python bench/extract_speed.py`.\n"
)


def write_entry(kind: str, entry: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{_INTRO}\n"
        start = text.find(SECTION + "\n")
    nxt = re.search(r"^## ", text[start + len(SECTION) :], re.M)
    end = start + len(SECTION) + nxt.start() if nxt else len(text)
    section = text[start:end]
    marker = f"<!-- extraction:{kind} -->"
    block = f"{marker}\n{entry.strip()}\n{marker}\n"
    pattern = re.compile(re.escape(marker) + r".*?" + re.escape(marker) + r"\n", re.S)
    if pattern.search(section):
        section = pattern.sub(lambda _: block, section)
    else:
        section = section.rstrip("\n") + "\n\n" + block
    text = text[:start] + section.rstrip("\n") + "\n" + ("\n" + text[end:] if end < len(text) else "")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
