"""Archive files: names that sort by time, rotation, recovery of a file a crash left open."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from newswire.archive.archive_file import (
    ArchiveFile,
    Rotation,
    closed_files,
    file_name,
    recover_abandoned,
)
from newswire.archive.warc_format import page_to_warc, read_responses
from tests.unit.archive.test_warc_format import page


def test_names_sort_by_time_and_carry_host_and_process() -> None:
    early = file_name(datetime(2026, 12, 5, 4, 15, tzinfo=UTC), 42, "crawler-1", 7)
    late = file_name(datetime(2026, 12, 5, 4, 16, tzinfo=UTC), 1, "a/b host", 99999)
    assert early == "NEWSWIRE-20261205041500-00042-crawler-1-7.warc.gz"
    assert early < late
    assert "/" not in late and " " not in late


def test_rotation_by_size_or_age() -> None:
    rotation = Rotation(max_bytes=1000, max_age_s=60)
    assert not rotation.due(999, 59.9)
    assert rotation.due(1000, 0)
    assert rotation.due(0, 60)


def test_closed_file_is_renamed_and_readable(tmp_path: Path) -> None:
    archive = ArchiveFile(tmp_path, serial=0)
    assert archive.path.name.endswith(".warc.gz.open")
    archive.append(page_to_warc(page()), 2)
    closed = archive.close()
    assert closed_files(tmp_path) == [closed]
    assert len(list(read_responses(closed.open("rb")))) == 1


def test_half_written_file_is_cut_to_its_last_complete_record(tmp_path: Path) -> None:
    one = page_to_warc(page())
    archive = ArchiveFile(tmp_path, serial=0)
    archive.append(one * 3 + one[: len(one) // 3], 7)
    archive.sync()
    # The writer still holds the file: recovery leaves it alone.
    assert recover_abandoned(tmp_path) == []
    archive._file.close()  # the writer is gone (as after a crash: its lock is released)

    (recovered,) = recover_abandoned(tmp_path)
    assert recovered.kept_bytes == 3 * len(one)
    assert recovered.dropped_bytes == len(one) // 3
    assert closed_files(tmp_path) == [recovered.path]
    assert len(list(read_responses(recovered.path.open("rb")))) == 3
    result = subprocess.run(
        [Path(sys.executable).parent / "warcio", "check", str(recovered.path)], check=False
    )
    assert result.returncode == 0


def test_file_with_no_complete_record_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "NEWSWIRE-20261205041500-00000-h-1.warc.gz.open"
    path.write_bytes(page_to_warc(page())[:50])
    assert recover_abandoned(tmp_path)[0].kept_bytes == 0
    assert os.listdir(tmp_path) == []


def test_a_new_file_never_takes_the_name_of_an_existing_one(tmp_path: Path) -> None:
    first = ArchiveFile(tmp_path, serial=0)
    first.append(page_to_warc(page()), 2)
    closed = first.close()
    # Same second, same host and pid, serial counted from 0 again (a restarted container).
    second = ArchiveFile(tmp_path, serial=0)
    if second.final_path.name[:24] == closed.name[:24]:
        assert second.serial == 1
    assert second.final_path != closed
    second.append(page_to_warc(page()), 2)
    second.close()
    assert len(closed_files(tmp_path)) == 2
