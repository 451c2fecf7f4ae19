"""The job queue's turn-taking and limits, and the result store's bounds."""

from __future__ import annotations

import pytest

from painterly.server.job_queue import Job, JobQueue, OverQuota, QueueFull
from painterly.server.results import ResultStore
from painterly_wire import Cancelled, Failed, Pixels, Result, StyleSpec

PIXEL = Pixels(1, 1, 3, "u8", b"abc")


def job(client: bytes, pixels: Pixels = PIXEL) -> Job:
    return Job(client, client, pixels, [StyleSpec(1.0, library="starry_night")], settings=None)


def test_one_client_is_served_first_in_first_out():
    queue = JobQueue()
    jobs = [job(b"a") for _ in range(4)]
    assert [queue.push(each) for each in jobs] == [0, 1, 2, 3]
    assert [queue.pop() for _ in jobs] == jobs
    assert queue.pop() is None


def test_clients_take_turns_and_a_newcomer_waits_at_most_one_turn():
    queue = JobQueue()
    a1, a2, a3, b1, b2 = job(b"a"), job(b"a"), job(b"a"), job(b"b"), job(b"b")
    for each in (a1, a2, a3):
        queue.push(each)
    assert queue.pop() is a1
    assert queue.push(b1) == 0
    assert queue.push(b2) == 2
    assert list(queue) == [b1, a2, b2, a3]
    assert [queue.pop() for _ in range(4)] == [b1, a2, b2, a3]


def test_an_idle_client_banks_no_turns():
    queue = JobQueue()
    queue.push(job(b"quiet"))
    queue.pop()
    busy = [job(b"busy") for _ in range(3)]
    for each in busy:
        queue.push(each)
    for _ in range(2):
        queue.pop()
    late = [job(b"quiet"), job(b"quiet")]
    assert [queue.push(each) for each in late] == [0, 2]
    assert list(queue) == [late[0], busy[2], late[1]]


def test_cancelled_jobs_leave_the_queue_and_positions_close_up():
    queue = JobQueue()
    first, second, third = job(b"a"), job(b"a"), job(b"a")
    for each in (first, second, third):
        queue.push(each)
    assert queue.remove(second.id) is second
    assert queue.remove(second.id) is None
    assert queue.position(third.id) == 1 and len(queue) == 2


def test_queue_limits_jobs_and_bytes():
    queue = JobQueue(max_jobs=2, max_bytes=10)
    queue.push(job(b"a"))
    queue.push(job(b"b"))
    with pytest.raises(QueueFull):
        queue.push(job(b"c"))
    queue.pop()
    with pytest.raises(QueueFull, match="MiB"):
        queue.push(job(b"c", Pixels(2, 2, 3, "u8", bytes(12))))


def result(name: str, size: int = 1) -> Result:
    return Result(name, Pixels(size, 1, 1, "u8", bytes(size)), {})


def test_store_keeps_the_newest_results_by_count():
    store = ResultStore(max_count=2)
    for name in ("one", "two", "three"):
        store.keep(result(name))
    assert store.get("one") is None and store.get("three").job == "three" and len(store) == 2


def test_store_forgets_results_by_age():
    now = [100.0]
    store = ResultStore(max_age_s=60, clock=lambda: now[0])
    store.keep(result("old"))
    now[0] += 30
    store.keep(Failed("failed", "engine_failed", "out of memory"))
    now[0] += 31
    assert store.get("old") is None
    assert isinstance(store.get("failed"), Failed)


def test_store_bounds_bytes_but_keeps_the_newest_even_if_alone_too_big():
    store = ResultStore(max_bytes=100)
    store.keep(result("small", 60))
    store.keep(Cancelled("cancelled", "cancelled by its owner"))
    store.keep(result("big", 500))
    assert store.get("small") is None and store.get("big") is not None and store.held_bytes == 500


def test_cancelled_jobs_do_not_push_the_clients_next_job_back():
    queue = JobQueue()
    a_jobs = [job(b"a") for _ in range(10)]
    for each in a_jobs:
        queue.push(each)
    for each in a_jobs[1:]:
        assert queue.remove(each.id) is each
    b_jobs = [job(b"b") for _ in range(3)]
    for each in b_jobs:
        queue.push(each)
    again = job(b"a")
    assert queue.push(again) == 3  # round 1 (after b's second job, which came first), not round 10 behind b's third
    assert [queue.pop() for _ in range(5)] == [a_jobs[0], b_jobs[0], b_jobs[1], again, b_jobs[2]]


def test_cancelling_after_a_turn_this_round_still_waits_for_the_next_round():
    queue = JobQueue()
    a1, a2 = job(b"a"), job(b"a")
    queue.push(a1)
    assert queue.pop() is a1  # a's turn of round 0 is running
    queue.push(a2)
    b1, b2 = job(b"b"), job(b"b")
    queue.push(b1)
    queue.push(b2)
    queue.remove(a2.id)
    a3 = job(b"a")
    queue.push(a3)
    assert list(queue) == [b1, b2, a3]


def test_one_lane_gets_its_quota_of_jobs_and_bytes_and_the_others_theirs():
    queue = JobQueue(max_jobs=10, max_bytes=100, lane_jobs=2, lane_bytes=6)
    queue.push(job(b"a"))
    queue.push(job(b"a"))
    with pytest.raises(OverQuota, match="2 jobs waiting"):
        queue.push(job(b"a"))
    with pytest.raises(OverQuota, match="MiB"):
        queue.push(job(b"b", Pixels(3, 1, 3, "u8", bytes(9))))
    queue.push(job(b"b"))
    assert len(queue) == 3


def test_store_drops_a_clients_own_oldest_results_beyond_its_quota():
    store = ResultStore(max_count=10, max_bytes=100, client_bytes=5)
    store.keep(result("theirs", 4), b"other")
    for name in ("first", "second", "third"):
        store.keep(result(name, 2), b"greedy")
    assert store.get("first") is None
    assert store.get("second") is not None and store.get("third") is not None
    assert store.get("theirs") is not None
