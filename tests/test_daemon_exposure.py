"""Where a real daemon listens and what it tells clients about its machine (issue 9): IPv6 loopback binds (defect
13), ipc:// files owner-only, removed on exit, the abstract namespace refused without CURVE (defect 14), and no
server path in a reply (defect 15)."""

from __future__ import annotations

import os
import signal
import stat

import pytest
from support import WEIGHTS, DaemonProcess, child_environment, free_port, photo, run_painterly, running_daemon

from painterly.server.keys import is_loopback
from painterly_wire import JobFailed, StyleSpec


def test_ipv6_loopback_is_served_to_the_client_and_the_cli():
    with running_daemon(endpoint=f"tcp://[::1]:{free_port()}") as daemon:
        with daemon.client() as client:
            assert client.hello()["device"] == "cpu"
        shown = run_painterly("status", "--endpoint", daemon.endpoint)
        assert shown.returncode == 0 and "device  cpu" in shown.stdout


def test_an_ipc_socket_is_the_users_alone_and_removed_on_exit(tmp_path):
    socket_file = tmp_path / "painterly.sock"
    previous = os.umask(0)  # the daemon inherits it: without care its socket file would be 0777
    try:
        process = DaemonProcess(endpoint=f"ipc://{socket_file}")
    finally:
        os.umask(previous)
    try:
        process.wait_ready()
        assert stat.S_IMODE(socket_file.stat().st_mode) == 0o600
    finally:
        assert process.stop(signal.SIGTERM) == 0
    assert not socket_file.exists(), "the daemon left its socket file behind"


def test_the_abstract_ipc_namespace_needs_curve():
    assert not is_loopback("ipc://@painterly")
    refused = run_painterly("serve", "--endpoint", "ipc://@painterly-test")
    assert refused.returncode == 1 and "refusing to serve on ipc://@painterly-test" in refused.stderr


def test_replies_name_no_server_path(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "broken.jpg").write_bytes(b"not a picture at all")
    env = child_environment(PAINTERLY_STYLES_DIR=str(styles))
    process = DaemonProcess(env=env)
    try:
        process.wait_ready()
        with process.client() as client:
            weights = client.hello()["weights"]
            assert str(WEIGHTS.parent) not in weights and WEIGHTS.name in weights
            content = photo("content/tubingen.jpg", 32)
            style = StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 32))
            report = client.stylize(content, [style], {"preset": "fast", "iterations": 1}).report
            assert str(WEIGHTS.parent) not in repr(report)
            with pytest.raises(JobFailed) as refused:
                client.stylize(content, [StyleSpec(1.0, library="user/broken")], {"preset": "fast"})
        assert refused.value.code == "bad_image" and "user/broken" in refused.value.message
        assert str(tmp_path) not in refused.value.message
    finally:
        process.stop()
    assert str(styles / "broken.jpg") in process.log()  # the operator still learns which file
