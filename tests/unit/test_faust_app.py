"""The offsets newswire's faust consumer commits: never past a message still being processed."""

from __future__ import annotations

from newswire.faust_app import committable_run


def test_a_single_unfinished_message_at_the_head_holds_the_commit() -> None:
    # Offset 10 is the next to read and still in an extractor; 11-17 finished first.
    # faust's own check (min(acked) - committed > 1) lets this through and commits 18.
    assert committable_run(list(range(11, 18)), committed=10, in_flight=[10]) == 0


def test_with_no_commit_yet_an_unfinished_first_message_holds_the_commit() -> None:
    # A partition's first commit has no committed offset to check against: the messages
    # still in flight are what say that 10 is not done.
    assert committable_run([11, 12], committed=None, in_flight=[10]) == 0
    assert committable_run([10, 11, 12, 14, 15], committed=None, in_flight=[13]) == 3


def test_everything_acked_and_contiguous_commits_whole() -> None:
    assert committable_run([5, 6, 7], committed=5, in_flight=[]) == 3
    assert committable_run([5, 6, 7], committed=None, in_flight=[9]) == 3


def test_a_known_gap_at_the_head_keeps_fausts_rule() -> None:
    assert committable_run([20, 21], committed=10, in_flight=[]) == 0
    assert committable_run([], committed=10, in_flight=[]) == 0


def test_an_offset_in_flight_is_never_committed_even_when_taken_for_a_hole() -> None:
    # faust fills what it believes are holes into the acked list; a message it is still
    # processing at such an offset must hold the commit all the same.
    assert committable_run([10, 11, 12], committed=10, in_flight=[11]) == 1
