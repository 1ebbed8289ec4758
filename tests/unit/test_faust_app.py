"""The offsets newswire's faust consumer commits: never past a message still being processed,
never over a hole the broker did not make; and when it reads a partition again."""

from __future__ import annotations

from newswire.faust_app import committable_run, lost_from, sort_out_range


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


def test_any_hole_at_the_head_holds_the_commit() -> None:
    # faust commits over a one-offset hole at the head (min(acked) - committed == 1): the
    # record at 10 was read and dropped, not processed.
    assert committable_run([11, 12], committed=10, in_flight=[]) == 0
    assert committable_run([20, 21], committed=10, in_flight=[]) == 0
    assert committable_run([], committed=10, in_flight=[]) == 0


def test_an_offset_in_flight_is_never_committed_even_when_taken_for_a_hole() -> None:
    # faust fills what it believes are holes into the acked list; a message it is still
    # processing at such an offset must hold the commit all the same.
    assert committable_run([10, 11, 12], committed=10, in_flight=[11]) == 1


def test_offsets_the_broker_has_no_record_for_are_gaps_the_commit_may_pass() -> None:
    # Transaction markers at 12 and 13, compaction at 16: the records there are gone.
    gaps, lost = sort_out_range(10, 18, present=[10, 11, 14, 15, 17], done=[10, 11, 14, 15, 17])
    assert gaps == [(12, 14), (16, 17)]
    assert lost is None


def test_a_record_that_is_there_and_not_done_is_read_again() -> None:
    # 10-12 expired (retention); 13 and 14 are on the broker but faust never delivered them.
    gaps, lost = sort_out_range(10, 17, present=[13, 14, 15, 16], done=[15, 16])
    assert gaps == [(10, 13)]
    assert lost == 13


def test_a_range_with_no_records_at_all_is_one_gap() -> None:
    assert sort_out_range(5, 9, present=[], done=[]) == ([(5, 9)], None)


def test_a_hole_read_past_with_nothing_in_flight_is_suspect() -> None:
    # 10-19 were fetched and dropped by faust; 20-25 were processed.
    acked = list(range(20, 26))
    assert lost_from(acked, committed=10, in_flight=[], read_offset=25) == 10


def test_a_hole_still_being_processed_or_not_yet_read_is_not_suspect() -> None:
    acked = list(range(20, 26))
    assert lost_from(acked, committed=10, in_flight=[15], read_offset=25) is None
    assert lost_from(acked, committed=10, in_flight=[], read_offset=12) is None
    assert lost_from(acked, committed=20, in_flight=[], read_offset=25) is None
    assert lost_from([], committed=10, in_flight=[], read_offset=25) is None
    assert lost_from(acked, committed=None, in_flight=[], read_offset=25) is None
