"""Every option of `painterly serve` is honoured by a real daemon process (issue 9, defect 3: an empty queue and
store were falsy, so --max-queue, --keep-results and --result-age were replaced by the defaults)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support import WEIGHTS, free_port, photo, run_painterly, running_daemon, wait_for

from painterly.cli.main import build_parser
from painterly_wire import Cancelled, JobFailed, Progress, Result, StyleSpec

ZERO_STEP = {"preset": "fast", "iterations": 0}
LONG_JOB = {"preset": "seed", "size": 48, "iterations": 5000}
RESULT_AGE_S = 3.0

# Each option and the test that shows a daemon honours it.
OPTION_TESTS = {
    "--endpoint": "test_daemon_options.py::test_endpoint_device_and_weights_are_the_ones_given",
    "--device": "test_daemon_options.py::test_endpoint_device_and_weights_are_the_ones_given",
    "--weights": "test_daemon_options.py::test_endpoint_device_and_weights_are_the_ones_given",
    "--keys": "test_daemon_security.py::test_curve_daemon_ignores_plain_and_unknown_clients",
    "--preview-every": "test_daemon_options.py::test_max_queue_and_preview_interval_hold",
    "--max-queue": "test_daemon_options.py::test_max_queue_and_preview_interval_hold",
    "--keep-results": "test_daemon_options.py::test_keep_results_bounds_the_finished_results_kept",
    "--result-age": "test_daemon_options.py::test_result_age_bounds_how_long_a_result_is_kept",
    "--spool": "test_daemon_spool.py::test_a_finished_result_survives_a_killed_daemon",
    "--memory-limit": "test_memory.py::test_the_daemon_refuses_a_job_too_large_at_submit",
    "--client-jobs": "test_daemon_hardening.py::test_one_connection_cannot_fill_the_queue_or_the_result_store",
    "--client-mib": "test_daemon_hardening.py::test_one_connection_cannot_fill_the_queue_or_the_result_store",
    "--orphan-grace": "test_daemon_hardening.py::test_a_job_whose_editor_never_came_back_is_cancelled_after_the_grace",
    "--idle-exit": "test_idle_exit.py::test_a_daemon_a_plugin_started_says_so_and_stops_when_unused",
    "--started-by": "test_idle_exit.py::test_a_daemon_a_plugin_started_says_so_and_stops_when_unused",
}


@pytest.fixture(scope="module")
def daemon():
    options = ("--max-queue", "2", "--keep-results", "1", "--result-age", str(RESULT_AGE_S), "--preview-every", "1000")
    with running_daemon(*options, "--weights", str(WEIGHTS)) as process:
        yield process


@pytest.fixture(scope="module")
def content():
    return photo("content/tubingen.jpg", 40)


@pytest.fixture(scope="module")
def style():
    return StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 40))


def test_every_serve_option_has_a_test():
    parser = build_parser()
    serve = parser._subparsers._group_actions[0].choices["serve"]
    options = {option for action in serve._actions for option in action.option_strings if option.startswith("--")}
    assert options - {"--help"} <= set(OPTION_TESTS)
    tests = Path(__file__).parent
    for covered_by in OPTION_TESTS.values():
        module, name = covered_by.split("::")
        if (tests / module).exists():
            assert f"def {name}(" in (tests / module).read_text(), covered_by


def test_endpoint_device_and_weights_are_the_ones_given(daemon):
    with daemon.client() as client:  # at the --endpoint given
        status = client.hello()
    assert status["device"] == "cpu"
    assert WEIGHTS.name in status["weights"]
    missing = run_painterly("serve", "--endpoint", f"tcp://127.0.0.1:{free_port()}", "--weights", "/nowhere/w.pth")
    assert missing.returncode == 1 and "/nowhere/w.pth" in missing.stderr
    unknown = run_painterly("serve", "--endpoint", f"tcp://127.0.0.1:{free_port()}", "--device", "abacus")
    assert unknown.returncode == 1 and "unknown device 'abacus'" in unknown.stderr


def test_max_queue_and_preview_interval_hold(daemon, content, style):
    with daemon.client() as client:
        running = client.submit(content, [style], LONG_JOB)
        started = time.monotonic()
        try:
            waiting = [client.submit(content, [style], ZERO_STEP) for _ in range(2)]
            with pytest.raises(JobFailed) as refused:
                client.submit(content, [style], ZERO_STEP)
            assert refused.value.code == "queue_full"
            for job in waiting:
                client.cancel(job)
            steps: list[Progress] = []
            while time.monotonic() - started < 3.0:  # past the default preview interval of 2 s
                steps += [event for event in client.events(0.2) if isinstance(event, Progress) and event.job == running]
            assert steps and all(step.preview is None for step in steps)
        finally:
            client.cancel(running)  # so a failure here leaves no 5000-step job in the way of the next test
        wait_for(client, running, Cancelled)


def test_keep_results_bounds_the_finished_results_kept(daemon, content, style):
    with daemon.client() as client:
        first = client.stylize(content, [style], ZERO_STEP).job
        second = client.stylize(content, [style], ZERO_STEP).job
        assert isinstance(client.fetch(second), Result)
        with pytest.raises(JobFailed) as dropped:
            client.fetch(first)
    assert dropped.value.code == "unknown_job"


def test_result_age_bounds_how_long_a_result_is_kept(daemon, content, style):
    with daemon.client() as client:
        job = client.stylize(content, [style], ZERO_STEP).job
        assert isinstance(client.fetch(job), Result)
        time.sleep(RESULT_AGE_S + 0.5)
        with pytest.raises(JobFailed) as expired:
            client.fetch(job)
    assert expired.value.code == "unknown_job"
