"""Finished work survives the daemon (issue 9, defect 9): a result kept in the spool is fetched from a daemon started
after the first was killed, the spool is the user's alone, and it keeps the store's count and age limits."""

from __future__ import annotations

import signal
import stat

import pytest
from support import DaemonProcess, child_environment, photo

from painterly.server.spool import ResultSpool, default_spool_folder
from painterly_wire import JobFailed, Pixels, Result, StyleSpec

TINY_JOB = {"preset": "fast", "size": 40, "iterations": 2, "seed": 3}
ZERO_STEP = {"preset": "fast", "iterations": 0}


def started(spool, *options: str) -> DaemonProcess:
    process = DaemonProcess("--spool", str(spool), *options, env=child_environment())
    process.wait_ready()
    return process


def spooled(spool) -> list:
    return sorted(path for path in spool.iterdir() if path.suffix == ".outcome")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_finished_result_survives_a_killed_daemon(tmp_path):
    spool = tmp_path / "spool"
    content, style = photo("content/tubingen.jpg", 40), StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 40))
    first = started(spool, "--keep-results", "2")
    try:
        with first.client(timeout_s=60) as client:
            old = client.stylize(content, [style], ZERO_STEP).job
            older = client.stylize(content, [style], ZERO_STEP).job
            result = client.stylize(content, [style], TINY_JOB)
    finally:
        first.stop(signal.SIGKILL)
    assert mode(spool) == 0o700
    assert len(spooled(spool)) == 2 and all(mode(path) == 0o600 for path in spooled(spool))  # --keep-results 2

    second = started(spool, "--keep-results", "1")
    try:
        with second.client() as client:
            fetched = client.fetch(result.job)
            assert isinstance(fetched, Result)
            assert bytes(fetched.image.data) == bytes(result.image.data) and fetched.report == result.report
            for dropped in (old, older):
                with pytest.raises(JobFailed) as gone:
                    client.fetch(dropped)
                assert gone.value.code == "unknown_job"
        assert len(spooled(spool)) == 1
    finally:
        second.stop()

    third = started(spool, "--result-age", "0.5")  # the survivor is older than that by now
    try:
        with third.client() as client, pytest.raises(JobFailed) as expired:
            client.fetch(result.job)
        assert expired.value.code == "unknown_job" and spooled(spool) == []
    finally:
        third.stop()
    assert "Traceback" not in first.log() + second.log() + third.log()


def test_a_damaged_or_half_written_file_is_dropped_at_start_not_fatal(tmp_path):
    spool = ResultSpool(tmp_path)
    kept = Result("a" * 32, Pixels(1, 1, 3, "u8", b"abc"), {"steps": 0})
    spool.save(12.5, kept)
    (tmp_path / f"{'b' * 32}.outcome").write_bytes(b"\x93not an outcome")
    (tmp_path / f"{'c' * 32}.partial").write_bytes(b"cut short by a crash")
    assert [(kept_at, outcome.job, bytes(outcome.image.data)) for kept_at, outcome in spool.load()] == [
        (12.5, kept.job, b"abc")
    ]
    assert [path.name for path in tmp_path.iterdir()] == [f"{kept.job}.outcome"]


def test_the_default_spool_is_one_folder_per_endpoint(monkeypatch, tmp_path):
    monkeypatch.delenv("PAINTERLY_SPOOL_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    first, second = default_spool_folder("tcp://127.0.0.1:7353"), default_spool_folder("tcp://127.0.0.1:7354")
    assert first.parent == tmp_path / "painterly" / "results" and first != second
    assert "/" not in first.name and default_spool_folder("ipc:///run/x.sock").parent == first.parent
    monkeypatch.setenv("PAINTERLY_SPOOL_DIR", str(tmp_path / "mine"))
    assert default_spool_folder("tcp://127.0.0.1:7353") == tmp_path / "mine"
