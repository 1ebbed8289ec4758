"""Write one benchmark's results into its own section of docs/benchmarks.md.

Each benchmark owns a ``## <Section>`` of the file and, inside it, one block per kind of
measurement between HTML comment markers; a new run replaces its own block and leaves
everything else alone, so the document always shows current numbers (git keeps the old ones).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    """One line describing where a benchmark ran."""
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB, Python {platform.python_version()}"


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: The 1-minute load average when the benchmark started (this module is imported at its start).
_LOAD_AT_START = os.getloadavg()[0]


def load() -> str:
    """The 1-minute load average at the benchmark's start and now: on a shared machine it
    says how much of the cores the run had."""
    return f"load average {_LOAD_AT_START:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"


def beside() -> str:
    """The heavy processes running while the benchmark ran (other JVMs, Python workers)."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pcpu,rss,args", "--sort=-pcpu"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.splitlines()[1:]
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    names = []
    for line in out:
        parts = line.split(None, 2)
        if len(parts) < 3:
            continue
        args = parts[2]
        if "kafka.Kafka" in args:
            names.append("Kafka broker")
        elif "OpenSearchRunner" in args:
            names.append("OpenSearch node")
        elif float(parts[0]) >= 5.0 and "ps -eo" not in args:
            names.append(f"{_describe(args)} ({parts[0]}% CPU)")
    return ", ".join(dict.fromkeys(names)) or "nothing notable"


def _describe(args: str) -> str:
    words = args.split()
    if "newswire" in words:
        return "newswire " + " ".join(words[words.index("newswire") + 1 :][:1])
    for word in words[1:]:
        if word.endswith(".py") or "pytest" in word:
            return Path(word).name
    return Path(words[0]).name


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def write_entry(section: str, kind: str, entry: str, intro: str = "") -> None:
    """Replace (or add) the ``kind`` block of ``## section`` in docs/benchmarks.md."""
    heading = f"## {section}"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{intro.strip()}\n"
        start = text.find(heading + "\n")
    following = re.search(r"^## ", text[start + len(heading) :], re.M)
    end = start + len(heading) + following.start() if following else len(text)
    body = text[start:end]
    marker = f"<!-- {section.lower()}:{kind} -->"
    block = f"{marker}\n{entry.strip()}\n{marker}\n"
    pattern = re.compile(re.escape(marker) + r".*?" + re.escape(marker) + r"\n", re.S)
    body = (
        pattern.sub(lambda _: block, body)
        if pattern.search(body)
        else (body.rstrip("\n") + "\n\n" + block)
    )
    rest = text[end:]
    text = text[:start] + body.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
