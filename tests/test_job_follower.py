"""painterly_wire.job_follower: the decisions every plugin and Client.wait make while following a job, driven with a
fake clock and a fake daemon (no sockets, no editor)."""

from __future__ import annotations

import pytest

from painterly_wire import Accepted, Cancelled, DaemonUnavailable, Failed, JobFailed, Pixels, Progress, Result
from painterly_wire.errors import JobCancelled
from painterly_wire.job_follower import CANCEL_GRACE_S, CHECK_TIMEOUT_S, QUIET_S, JobFollower

JOB = "j" * 32
IMAGE = Pixels(1, 1, 3, "u8", b"\0\0\0")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Daemon:
    """Answers fetch with a given reply (or raises it), noting the timeout each question was asked with."""

    def __init__(self, reply) -> None:
        self.reply = reply
        self.timeout_s = 5.0
        self.asked: list[float] = []

    def fetch(self, job_id: str):
        assert job_id == JOB
        self.asked.append(self.timeout_s)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def progress(step: int, job: str = JOB) -> Progress:
    return Progress(job, step, 3, 1.0, 0.1, 0.2)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_progress_of_this_job_is_shown_in_order_and_other_jobs_are_left_alone(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    shown = follower.follow([progress(1), progress(9, job="other"), Failed(None, "bad_message", "?"), progress(2)])
    assert [event.step for event in shown] == [1, 2] and follower.end is None


def test_the_final_record_ends_the_job_and_later_records_are_ignored(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    result = Result(JOB, IMAGE)
    assert follower.follow([progress(1), result, progress(2)])[-1].step == 1
    assert follower.end.result is result and follower.end.error is None


@pytest.mark.parametrize(
    ("record", "error", "words"),
    [
        (Failed(JOB, "bad_params", "size too large"), JobFailed, "The style transfer failed: size too large"),
        (Cancelled(JOB, "the daemon is stopping"), JobCancelled, "cancelled: the daemon is stopping"),
    ],
)
def test_a_failed_or_cancelled_job_ends_with_its_error_and_the_artists_message(clock, record, error, words):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    follower.follow([record])
    assert isinstance(follower.end.error, error) and words in follower.end.message
    assert follower.end.cancelled == isinstance(record, Cancelled)


def test_news_postpones_the_check_and_quiet_makes_it_due(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    clock.now += QUIET_S - 1
    follower.follow([progress(1)])
    assert follower.seconds_to_check() == pytest.approx(QUIET_S)
    clock.now += QUIET_S
    assert follower.seconds_to_check() == 0


def test_a_job_still_running_keeps_being_followed_after_the_check(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    daemon = Daemon(Accepted(JOB, 0))
    clock.now += QUIET_S
    follower.check(daemon)
    assert follower.end is None and follower.seconds_to_check() == pytest.approx(QUIET_S)
    assert daemon.asked == [CHECK_TIMEOUT_S] and daemon.timeout_s == 5.0  # the client's own timeout is put back


def test_an_outcome_missed_in_transit_is_fetched(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    result = Result(JOB, IMAGE)
    follower.check(Daemon(result))
    assert follower.end.result is result


def test_a_daemon_that_stopped_answering_ends_the_job_saying_so(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    follower.check(Daemon(DaemonUnavailable("timeout", "no answer")))
    assert isinstance(follower.end.error, DaemonUnavailable)
    assert "tcp://x:1 stopped answering during the job" in follower.end.message


def test_a_lost_connection_is_left_to_the_check_which_tells_dead_from_restarted(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    clock.now += QUIET_S - 1
    follower.follow([Failed(JOB, "connection_lost", "the connection to the daemon at tcp://x:1 was lost")])
    assert follower.end is None and follower.seconds_to_check() == pytest.approx(1)  # not news either
    clock.now += 1
    follower.check(Daemon(JobFailed("unknown_job", "no job")))  # the daemon came back without the job
    assert "restarted" in follower.end.message


def test_a_restarted_daemon_that_lost_the_job_ends_it_saying_so(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    follower.check(Daemon(JobFailed("unknown_job", "no job")))
    assert follower.end.error.code == "unknown_job" and "restarted" in follower.end.message


def test_a_cancel_the_daemon_never_confirms_ends_the_job_after_the_grace(clock):
    follower = JobFollower(JOB, "tcp://x:1", quiet_s=60.0, clock=clock)
    follower.cancel_asked()
    assert follower.seconds_to_check() == pytest.approx(CANCEL_GRACE_S)
    clock.now += CANCEL_GRACE_S
    daemon = Daemon(Accepted(JOB, 0))
    follower.check(daemon)
    assert follower.end.cancelled and daemon.asked == []


def test_a_confirmed_cancel_ends_the_job_at_once(clock):
    follower = JobFollower(JOB, "tcp://x:1", clock=clock)
    follower.cancel_asked()
    follower.follow([Cancelled(JOB, "cancelled by its owner")])
    assert follower.end.cancelled
