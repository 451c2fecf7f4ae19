"""What the tests share: the paths of the repo and ../shared, running the real `painterly` CLI, a real
`painterly serve` process on a free loopback port, waiting for a job's event, and small real images."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgpack
import zmq
from PIL import Image

from painterly_wire import Client, DaemonUnavailable, JobEvent, Pixels

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IMAGES = SHARED / "images"
WEIGHTS_NAME = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
WEIGHTS = SHARED / "models" / WEIGHTS_NAME
# resolved: the editors' chroot binds need real paths, not a symlinked ../shared
EDITORS = Path(os.environ.get("EDITORS_DIR", SHARED / "editors")).resolve()
CLI_TIMEOUT_S = 300


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def painterly_command(*arguments: str) -> list[str]:
    """The argv that runs the real `painterly` CLI with this interpreter."""
    return [sys.executable, "-m", "painterly.cli", *arguments]


def run_painterly(
    *arguments: str | Path, env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT_S
) -> subprocess.CompletedProcess:
    """Run the real CLI to the end, capturing its text output (environment: `child_environment()` unless given)."""
    return subprocess.run(
        painterly_command(*map(str, arguments)),
        capture_output=True,
        text=True,
        env=env if env is not None else child_environment(),
        timeout=timeout,
    )


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process: real weights, an empty user styles folder, a fresh results spool (no
    results of another test's daemon), no stray endpoint."""
    env = {key: value for key, value in os.environ.items() if key != "PAINTERLY_ENDPOINT"}
    env.setdefault("PAINTERLY_WEIGHTS", str(WEIGHTS))
    env["PAINTERLY_STYLES_DIR"] = env.get("PAINTERLY_STYLES_DIR", tempfile.mkdtemp(prefix="painterly-styles-"))
    env["PAINTERLY_SPOOL_DIR"] = env.get("PAINTERLY_SPOOL_DIR", tempfile.mkdtemp(prefix="painterly-spool-"))
    return {**env, **extra}


class DaemonProcess:
    """`painterly serve` in a child process; its log goes to a temporary file."""

    def __init__(self, *options: str, endpoint: str | None = None, env: dict[str, str] | None = None) -> None:
        self.endpoint = endpoint or f"tcp://127.0.0.1:{free_port()}"
        self.env = env or child_environment()
        self.log_path = Path(tempfile.mkstemp(prefix="painterly-daemon-", suffix=".log")[1])
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                painterly_command("serve", "--endpoint", self.endpoint, "--device", "cpu", *options),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )

    def wait_ready(self, timeout_s: float = 60.0, connect_to: str | None = None, **client_options) -> None:
        """Wait until the daemon answers hello; AssertionError with its log if it dies or stays silent."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"daemon exited with {self.process.returncode}:\n{self.log()}")
            try:
                with Client(connect_to or self.endpoint, timeout_s=0.5, **client_options) as client:
                    client.hello()
                    return
            except DaemonUnavailable:
                time.sleep(0.1)
        raise AssertionError(f"daemon not answering after {timeout_s} s:\n{self.log()}")

    def client(self, timeout_s: float = 10.0) -> Client:
        return Client(self.endpoint, timeout_s=timeout_s)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGTERM, timeout_s: float = 30.0) -> int:
        """Signal the daemon and wait for it to exit; returns its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"daemon ignored signal {signum} for {timeout_s} s:\n{self.log()}") from None
        return self.process.returncode


def raw_exchange(endpoint: str, *parts: bytes, timeout_s: float = 5.0) -> dict:
    """Send a hand-made multipart on a raw DEALER and return the reply header."""
    with zmq.Context.instance().socket(zmq.DEALER) as dealer:
        dealer.linger = 0
        dealer.ipv6 = True  # tcp://[::1] too; IPv4 endpoints connect as before
        dealer.connect(endpoint)
        dealer.send_multipart(list(parts), copy=False)
        assert dealer.poll(timeout_s * 1000), "the daemon did not answer"
        return msgpack.unpackb(dealer.recv_multipart()[0])


def memory_mib(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), in MiB, from /proc/PID/status."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(status[field].split()[0]) / 1024


@contextmanager
def running_daemon(*options: str, endpoint: str | None = None, **client_options) -> Iterator[DaemonProcess]:
    """A daemon that answers hello, stopped (or killed) afterwards even when it never came up."""
    process = DaemonProcess(*options, endpoint=endpoint)
    try:
        process.wait_ready(**client_options)
        yield process
    finally:
        process.stop()


def photo(relative: str, long_side: int = 48, mode: str = "RGB") -> Pixels:
    """One of ../shared/images, scaled down, as u8 wire pixels."""
    with Image.open(IMAGES / relative) as image:
        image = image.convert(mode)
        image.thumbnail((long_side, long_side))
        return Pixels(image.width, image.height, len(image.getbands()), "u8", image.tobytes())


def wait_for(client: Client, job_id: str, kind: type, timeout_s: float = 30.0) -> JobEvent:
    """The first event of a type for a job; AssertionError when none comes in time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for event in client.events(0.5):
            if isinstance(event, kind) and event.job == job_id:
                return event
    raise AssertionError(f"no {kind.__name__} for job {job_id} within {timeout_s} s")
