"""Safe by default: loopback unless CURVE is configured, and CURVE really keeps unknown clients out."""

from __future__ import annotations

import pytest
import zmq
from support import free_port, run_painterly, running_daemon

from painterly.server.keys import DaemonKeys, is_loopback
from painterly_wire import Client, ClientKeys, DaemonUnavailable

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="this libzmq has no CURVE support")


@pytest.mark.parametrize(
    ("endpoint", "loopback"),
    [
        ("tcp://127.0.0.1:7353", True),
        ("tcp://127.8.0.1:7353", True),
        ("tcp://localhost:7353", True),
        ("tcp://[::1]:7353", True),
        ("ipc:///tmp/painterly.sock", True),
        ("tcp://0.0.0.0:7353", False),
        ("tcp://*:7353", False),
        ("tcp://192.168.1.20:7353", False),
        ("tcp://eth0:7353", False),
        ("pgm://239.0.0.1:7353", False),
    ],
)
def test_loopback_is_recognised(endpoint, loopback):
    assert is_loopback(endpoint) is loopback


def test_non_loopback_bind_without_keys_is_refused():
    refused = run_painterly("serve", "--endpoint", f"tcp://0.0.0.0:{free_port()}")
    assert refused.returncode == 1
    assert "refusing to serve on tcp://0.0.0.0" in refused.stderr and "CURVE" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.fixture(scope="module")
def keys_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    made = run_painterly("keys", "--dir", str(folder), "--client", "alice")
    assert made.returncode == 0, made.stderr
    assert run_painterly("keys", "--dir", str(folder), "--client", "alice").returncode == 1
    stranger = tmp_path_factory.mktemp("stranger-keys")
    assert run_painterly("keys", "--dir", str(stranger), "--client", "mallory").returncode == 0
    return folder, stranger


@pytest.fixture(scope="module")
def curve_daemon(keys_folder):
    folder, _ = keys_folder
    port = free_port()
    alice = ClientKeys.from_files(folder / "client-secrets" / "alice.key_secret", folder / "daemon.key")
    loopback = f"tcp://127.0.0.1:{port}"
    with running_daemon(
        "--keys", str(folder), endpoint=f"tcp://0.0.0.0:{port}", connect_to=loopback, keys=alice
    ) as process:
        yield process, loopback, alice


def test_curve_daemon_on_all_interfaces_serves_a_known_client(curve_daemon):
    _, endpoint, alice = curve_daemon
    with Client(endpoint, timeout_s=5, keys=alice) as client:
        assert client.hello()["device"] == "cpu"


def test_curve_daemon_ignores_plain_and_unknown_clients(curve_daemon, keys_folder):
    _, endpoint, alice = curve_daemon
    folder, stranger = keys_folder
    with Client(endpoint, timeout_s=1.5) as plain, pytest.raises(DaemonUnavailable):
        plain.hello()
    mallory = ClientKeys.from_files(stranger / "client-secrets" / "mallory.key_secret", folder / "daemon.key")
    with Client(endpoint, timeout_s=1.5, keys=mallory) as unknown, pytest.raises(DaemonUnavailable):
        unknown.hello()
    wrong_server = ClientKeys(alice.public, alice.secret, mallory.public)
    with Client(endpoint, timeout_s=1.5, keys=wrong_server) as misled, pytest.raises(DaemonUnavailable):
        misled.hello()


def test_status_command_speaks_curve(curve_daemon, keys_folder):
    _, endpoint, _ = curve_daemon
    folder, _ = keys_folder
    secret, server = folder / "client-secrets" / "alice.key_secret", folder / "daemon.key"
    shown = run_painterly("status", "--endpoint", endpoint, "--client-key", str(secret), "--server-key", str(server))
    assert shown.returncode == 0, shown.stderr
    assert "device  cpu" in shown.stdout
    silent = run_painterly("status", "--endpoint", endpoint, "--timeout", "1")
    assert silent.returncode == 1 and "no answer" in silent.stderr and "Traceback" not in silent.stderr


def test_keys_without_a_client_key_are_refused_by_serve(tmp_path):
    assert run_painterly("keys", "--dir", str(tmp_path)).returncode == 0
    refused = run_painterly("serve", "--keys", str(tmp_path), "--endpoint", f"tcp://0.0.0.0:{free_port()}")
    assert refused.returncode == 1 and "no client keys" in refused.stderr


def test_keys_advice_is_true_with_and_without_a_client(tmp_path, capsys):
    import argparse

    from painterly.cli.daemon_commands import keys_command

    assert keys_command(argparse.Namespace(dir=tmp_path, client=None, revoke=None)) == 0
    advice = capsys.readouterr().out
    assert f"painterly keys --dir {tmp_path} --client NAME" in advice and "serve with:" not in advice
    assert keys_command(argparse.Namespace(dir=tmp_path, client="alice", revoke=None)) == 0
    assert f"serve with: painterly serve --keys {tmp_path}" in capsys.readouterr().out
    assert DaemonKeys.load(tmp_path).clients_folder == tmp_path / "clients"  # the advice printed now works
