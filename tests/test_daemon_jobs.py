"""A real daemon process with real VGG-19 weights, driven by the real client over a loopback socket."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from array import array
from pathlib import Path

import msgpack
import pytest
import zmq
from PIL import Image
from support import child_environment, memory_mib, painterly_command, photo, raw_exchange, running_daemon

from painterly_wire import (
    PROTOCOL_VERSION,
    Accepted,
    Cancelled,
    Client,
    Failed,
    JobCancelled,
    JobFailed,
    Pixels,
    Progress,
    Result,
    StyleSpec,
)
from painterly_wire.messages import encode

TINY_JOB = {"preset": "fast", "size": 40, "iterations": 3, "seed": 7}
LONG_JOB = {"preset": "seed", "size": 48, "iterations": 5000, "seed": 1}


@pytest.fixture(scope="module")
def daemon():
    with running_daemon("--preview-every", "0") as process:
        yield process


@pytest.fixture
def client(daemon):
    with daemon.client() as connection:
        yield connection


@pytest.fixture(scope="module")
def content() -> Pixels:
    return photo("content/tubingen.jpg", 48)


@pytest.fixture(scope="module")
def style() -> StyleSpec:
    return StyleSpec(1.0, pixels=photo("style/starry_night.jpg", 48))


def events_until_end(client: Client, job_id: str, timeout_s: float = 60.0) -> list:
    """Every event of one job until its Result, Failed or Cancelled."""
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for event in client.events(0.5):
            if event.job == job_id:
                seen.append(event)
                if isinstance(event, (Result, Failed, Cancelled)):
                    return seen
    raise AssertionError(f"job {job_id} did not end within {timeout_s} s; saw {seen}")


def first_progress(client: Client, job_id: str, count: int = 2) -> list[Progress]:
    """Wait for the first `count` progress events of a running job."""
    seen: list[Progress] = []
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        seen += [event for event in client.events(0.5) if isinstance(event, Progress) and event.job == job_id]
    assert len(seen) >= count, f"no progress from job {job_id}"
    return seen


def test_hello_reports_the_model(client):
    status = client.hello()
    assert status["device"] == "cpu"
    assert "vgg19" in status["weights"].lower() or "VGG-19" in status["weights"]
    assert status["queue_length"] == 0
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", status["version"])


def test_full_job_streams_progress_in_order_and_returns_a_stylized_image(client, content, style):
    progress: list[Progress] = []
    result = client.stylize(content, [style], TINY_JOB, on_progress=progress.append)
    total = progress[0].total
    assert [event.step for event in progress] == list(range(1, total + 1))
    assert all(event.total == total and event.eta_s >= 0 for event in progress)
    assert progress[-1].eta_s == 0
    assert progress[0].preview is not None and progress[0].preview.channels == 3
    assert max(progress[0].preview.width, progress[0].preview.height) <= 256
    assert min(event.cost for event in progress[1:]) < progress[0].cost
    assert "J" not in result.report  # an editor's job is not kept waiting for the report's float32 pass
    image = result.image
    size = (40, round(content.height * 40 / content.width))
    assert (image.width, image.height, image.channels, image.dtype) == (*size, 3, "u8")
    assert result.report["steps"] == total
    scaled = Image.frombytes("RGB", (content.width, content.height), bytes(content.data)).resize(size)
    changed = sum(abs(a - b) for a, b in zip(bytes(image.data), scaled.tobytes(), strict=True)) / len(scaled.tobytes())
    assert changed > 3, "the result is barely different from the content: no style was applied"


def test_zero_step_job_returns_the_content_unchanged(client, style):
    layer = Pixels(33, 21, 4, "u8", bytes(range(256)) * 10 + bytes(33 * 21 * 4 - 2560))
    result = client.stylize(layer, [style], {"preset": "fast", "iterations": 0})
    assert (result.image.width, result.image.height, result.image.channels) == (33, 21, 4)
    assert bytes(result.image.data) == bytes(layer.data)


def test_16_bit_layer_with_alpha_comes_back_16_bit_with_its_alpha(client, content, style):
    rgb = Image.frombytes("RGB", (content.width, content.height), bytes(content.data))
    alpha = Image.linear_gradient("L").resize(rgb.size)
    rgba = Image.merge("RGBA", (*rgb.split(), alpha)).tobytes()
    samples = array("H", (value * 257 for value in rgba)).tobytes()
    layer = Pixels(rgb.width, rgb.height, 4, "u16", samples)
    result = client.stylize(layer, [style], {**TINY_JOB, "size": 48, "iterations": 2})
    image = result.image
    assert (image.width, image.height, image.channels, image.dtype) == (rgb.width, rgb.height, 4, "u16")
    returned = memoryview(bytes(image.data)).cast("H")[3::4]
    sent = memoryview(samples).cast("H")[3::4]
    assert max(abs(a - b) for a, b in zip(returned, sent, strict=True)) <= 1


def test_style_library_lists_paintings_and_runs_one_by_name(client, content):
    styles = {style.name: style for style in client.list_styles()}
    assert "starry_night" in styles
    thumbnail = styles["starry_night"].thumbnail
    assert thumbnail.channels == 3 and max(thumbnail.width, thumbnail.height) == 128
    assert styles["starry_night"].title == "The Starry Night"
    result = client.stylize(content, [StyleSpec(1.0, library="starry_night")], {**TINY_JOB, "iterations": 1})
    assert result.report["steps"] >= 1
    with pytest.raises(JobFailed) as refused:
        client.submit(content, [StyleSpec(1.0, library="no_such_painting")], TINY_JOB)
    assert refused.value.code == "unknown_style"


def test_running_job_cancels_within_one_step(client, content, style):
    job = client.submit(content, [style], LONG_JOB)
    steps_seen = first_progress(client, job)[-1].step
    cancelled_at = time.monotonic()
    client.cancel(job)
    events = events_until_end(client, job)
    assert isinstance(events[-1], Cancelled), events[-1]
    assert time.monotonic() - cancelled_at < 5
    late_steps = [event.step for event in events if isinstance(event, Progress) and event.step > steps_seen]
    assert len(late_steps) <= 2, f"the job ran {len(late_steps)} more steps after cancel"
    with pytest.raises(JobCancelled, match="cancelled by its owner"):
        client.fetch(job)


def test_cancel_of_another_clients_job_is_refused(daemon, client, content, style):
    job = client.submit(content, [style], LONG_JOB)
    for secret in ("", "0" * 32, None):  # another program: it knows the job id, not the secret
        header = {"type": "cancel", "req": 3, "job": job} | ({} if secret is None else {"secret": secret})
        refusal = raw_exchange(daemon.endpoint, *encode(header))
        assert (refusal["type"], refusal["job"], refusal["code"]) == ("error", job, "not_owner")
    first_progress(client, job)
    client.cancel(job)
    assert isinstance(events_until_end(client, job)[-1], Cancelled)


def test_queue_takes_turns_between_clients(daemon, client, content, style):
    blocker = client.submit(content, [style], LONG_JOB)
    first_progress(client, blocker, 1)
    zero = {"preset": "fast", "iterations": 0}
    with daemon.client() as alice, daemon.client() as bob:
        alice_jobs = [alice.submit(content, [style], zero) for _ in range(3)]
        bob_jobs = [bob.submit(content, [style], zero) for _ in range(2)]
        assert client.hello()["queue_length"] == 6
        client.cancel(blocker)
        for connection, jobs in ((alice, alice_jobs), (bob, bob_jobs)):
            for job in jobs:
                assert isinstance(connection.wait(job), Result)
    started = re.findall(r"job ([0-9a-f]{32}) started", daemon.log())
    order = [job for job in started if job in alice_jobs + bob_jobs]
    expected = [alice_jobs[0], bob_jobs[0], alice_jobs[1], bob_jobs[1], alice_jobs[2]]
    assert order == expected


def test_accepted_position_counts_the_jobs_ahead(daemon, client, content, style):
    blocker = client.submit(content, [style], LONG_JOB)
    with daemon.client() as other:
        second_job = other.submit(content, [style], {"preset": "fast", "iterations": 0})
        position = other.fetch(second_job)
        assert isinstance(position, Accepted) and position.position == 1
        client.cancel(blocker)
        assert isinstance(other.wait(second_job), Result)


def test_result_waits_for_a_client_that_went_away(daemon, content, style):
    with daemon.client() as editor:
        job = editor.submit(content, [style], TINY_JOB)
    with daemon.client() as reconnected:
        outcome = reconnected.fetch(job)
        result = reconnected.wait(job) if isinstance(outcome, Accepted) else outcome
        assert isinstance(result, Result) and result.job == job
        again = reconnected.fetch(job)
        assert isinstance(again, Result) and bytes(again.image.data) == bytes(result.image.data)
        assert again.report == result.report


def test_fetch_moves_a_running_job_to_the_new_connection(daemon, content, style):
    with daemon.client() as editor:
        job = editor.submit(content, [style], LONG_JOB)
        first_progress(editor, job, 1)
    with daemon.client() as reconnected:
        moved = reconnected.fetch(job)
        assert isinstance(moved, Accepted) and (moved.job, moved.position) == (job, 0)
        first_progress(reconnected, job, 1)
        reconnected.cancel(job)
        assert isinstance(events_until_end(reconnected, job)[-1], Cancelled)
        with pytest.raises(JobFailed) as gone:
            reconnected.fetch("0" * 32)
        assert gone.value.code == "unknown_job"


def test_version_mismatch_gets_a_clear_error(daemon):
    reply = raw_exchange(daemon.endpoint, msgpack.packb({"v": 99, "type": "hello", "req": 5}))
    assert reply["type"] == "error" and reply["code"] == "version_mismatch" and reply["req"] == 5
    assert "99" in reply["message"] and str(PROTOCOL_VERSION) in reply["message"]


def test_unknown_fields_are_ignored_and_missing_fields_refused(daemon):
    reply = raw_exchange(
        daemon.endpoint, msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 1, "from_the_future": [1]})
    )
    assert reply["type"] == "status"
    reply = raw_exchange(
        daemon.endpoint, msgpack.packb({"v": PROTOCOL_VERSION, "type": "submit", "req": 2, "styles": []})
    )
    assert (reply["type"], reply["code"], reply["req"]) == ("error", "missing_field", 2)
    reply = raw_exchange(daemon.endpoint, msgpack.packb({"v": PROTOCOL_VERSION, "type": "teleport", "req": 3}))
    assert (reply["code"], reply["req"]) == ("unknown_type", 3)


def submit_header(content: dict, req: int) -> bytes:
    return msgpack.packb(
        {
            "v": PROTOCOL_VERSION,
            "type": "submit",
            "req": req,
            "content": content,
            "styles": [{"weight": 1, "library": "starry_night"}],
            "params": {"preset": "fast", "iterations": 0},
        }
    )


def test_dimensions_that_do_not_match_the_payload_are_refused(daemon, client):
    claimed = {"frame": 0, "width": 4000, "height": 4000, "channels": 4, "dtype": "u8", "order": "RGBA"}
    reply = raw_exchange(daemon.endpoint, submit_header(claimed, 1), b"tiny")
    assert (reply["code"], reply["req"]) == ("bad_image", 1)
    reply = raw_exchange(daemon.endpoint, submit_header({**claimed, "width": 100_000}, 2), b"tiny")
    assert (reply["code"], reply["req"]) == ("too_large", 2)
    reply = raw_exchange(daemon.endpoint, submit_header({**claimed, "frame": 3}, 3), b"tiny")
    assert (reply["code"], reply["req"]) == ("bad_image", 3)
    reply = raw_exchange(daemon.endpoint, submit_header({**claimed, "width": 1, "height": 1}, 4), b"RGBA")
    assert (reply["type"], reply["req"]) == ("accepted", 4)
    assert client.hello()["queue_length"] <= 1


def test_bad_engine_settings_are_refused_before_queueing(client, content, style):
    with pytest.raises(JobFailed) as refused:
        client.submit(content, [style], {"iterations": -3})
    assert refused.value.code == "bad_params"
    with pytest.raises(JobFailed) as refused:
        client.submit(content, [style], {"brush": "round"})
    assert refused.value.code == "bad_params" and "brush" in refused.value.message


def test_cli_stylize_through_the_daemon_writes_image_and_report(daemon, tmp_path):
    from support import IMAGES

    output, report = tmp_path / "out.png", tmp_path / "report.json"
    done = subprocess.run(
        painterly_command(
            "stylize",
            str(IMAGES / "content/tubingen.jpg"),
            str(IMAGES / "style/starry_night.jpg"),
            "-o",
            str(output),
            "--endpoint",
            daemon.endpoint,
            "--preset",
            "fast",
            "--size",
            "40",
            "--iterations",
            "2",
            "--report",
            str(report),
        ),
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with Image.open(output) as written:
        assert max(written.size) == 40
    written_report = json.loads(report.read_text())
    assert written_report["steps"] == 2 and written_report["J"] > 0  # --report asks for the seed-formula costs
    status = subprocess.run(
        painterly_command("status", "--endpoint", daemon.endpoint),
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=60,
    )
    assert status.returncode == 0 and "cpu" in status.stdout


def test_a_full_queue_refuses_more_jobs_and_loses_none_it_took(daemon, client, content, style):
    blocker = client.submit(content, [style], LONG_JOB)
    zero = {"preset": "fast", "iterations": 0}
    connections = [daemon.client() for _ in range(4)]  # 16 waiting jobs each, one connection's most
    try:
        waiting = [(each, each.submit(content, [style], zero)) for each in connections for _ in range(16)]
        with pytest.raises(JobFailed) as refused:
            client.submit(content, [style], zero)
        assert refused.value.code == "queue_full"
        client.cancel(blocker)
        assert all(isinstance(each.wait(job), Result) for each, job in waiting)
    finally:
        for each in connections:
            each.close()


def test_an_oversized_frame_is_cut_off_without_filling_the_daemons_memory(daemon, client):
    from painterly_wire.messages import MAX_IMAGE_BYTES

    peak_before = memory_mib(daemon.process.pid, "VmHWM")
    context = zmq.Context.instance()
    with context.socket(zmq.DEALER) as flooder:
        flooder.linger = 0
        flooder.connect(daemon.endpoint)
        header = msgpack.packb({"v": PROTOCOL_VERSION, "type": "hello", "req": 1})
        flooder.send_multipart([header, bytes(MAX_IMAGE_BYTES + 1)], copy=False)
        assert not flooder.poll(2000), "the daemon answered a message it should have refused"
    assert client.hello()["queue_length"] == 0
    assert memory_mib(daemon.process.pid, "VmHWM") - peak_before < 64


def test_ctrl_c_in_the_cli_cancels_its_job_on_the_daemon(daemon, tmp_path):
    from support import IMAGES

    started_before = len(re.findall(r"job [0-9a-f]{32} started", daemon.log()))
    cli = subprocess.Popen(
        painterly_command(
            "stylize",
            str(IMAGES / "content/tubingen.jpg"),
            str(IMAGES / "style/starry_night.jpg"),
            "-o",
            str(tmp_path / "never.png"),
            "--endpoint",
            daemon.endpoint,
            "--preset",
            "seed",
            "--size",
            "48",
            "--iterations",
            "5000",
        ),
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )
    deadline = time.monotonic() + 60
    while len(started := re.findall(r"job ([0-9a-f]{32}) started", daemon.log())) <= started_before:
        assert time.monotonic() < deadline and cli.poll() is None, "the CLI's job never started"
        time.sleep(0.2)
    cli.send_signal(signal.SIGINT)
    assert cli.wait(30) == 130
    assert "interrupted" in cli.stderr.read()
    job = started[-1]
    while f"job {job} ended: cancelled" not in daemon.log():
        assert time.monotonic() < deadline, f"job {job} kept running after the CLI was interrupted"
        time.sleep(0.2)
    assert not (tmp_path / "never.png").exists()


def test_user_styles_folder_is_read_on_every_listing(daemon, client, content):
    folder = Path(daemon.env["PAINTERLY_STYLES_DIR"])
    Image.radial_gradient("L").convert("RGB").resize((60, 40)).save(folder / "my_gradient.png")
    (folder / "broken.jpg").write_bytes(b"not a jpeg at all")
    styles = {style.name: style for style in client.list_styles()}
    assert "user/my_gradient" in styles and "user/broken" not in styles
    assert (styles["user/my_gradient"].width, styles["user/my_gradient"].height) == (60, 40)
    result = client.stylize(content, [StyleSpec(1.0, library="user/my_gradient")], {**TINY_JOB, "iterations": 1})
    assert result.report["steps"] >= 1
    assert "skipping style" in daemon.log() and "broken.jpg" in daemon.log()


def test_init_image_travels_with_init_image_setting_only(client, content, style):
    with pytest.raises(JobFailed) as refused:
        client.submit(content, [style], {**TINY_JOB, "init": "image"})
    assert refused.value.code == "bad_params"
    with pytest.raises(JobFailed) as refused:
        client.submit(content, [style], TINY_JOB, init=content)
    assert refused.value.code == "bad_params"
    result = client.stylize(content, [style], {**TINY_JOB, "init": "image", "iterations": 1}, init=content)
    assert result.report["settings"]["init"] == "image"
