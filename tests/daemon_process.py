"""A real `painterly serve` process on a free loopback port, for the daemon tests."""

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

from PIL import Image

from painterly_wire import Client, DaemonUnavailable, Pixels

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO.parent / "shared" / "images"
WEIGHTS = REPO.parent / "shared" / "models" / "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def painterly_command(*arguments: str) -> list[str]:
    """The argv that runs the real `painterly` CLI with this interpreter."""
    return [sys.executable, "-m", "painterly.cli", *arguments]


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process: real weights, an empty user styles folder, no stray endpoint."""
    env = {key: value for key, value in os.environ.items() if key != "PAINTERLY_ENDPOINT"}
    env.setdefault("PAINTERLY_WEIGHTS", str(WEIGHTS))
    env["PAINTERLY_STYLES_DIR"] = env.get("PAINTERLY_STYLES_DIR", tempfile.mkdtemp(prefix="painterly-styles-"))
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
                continue
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
