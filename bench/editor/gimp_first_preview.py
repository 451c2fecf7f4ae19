"""Runs inside real GIMP 3 (python-fu-eval, through run-in-gimp3.sh) with the Painterly plug-in installed, for
bench/bench_editor_first_preview.py: seconds from the dialog's OK to the first preview layer painted, a few times
over.

Usage: gimp_first_preview.py ENDPOINT PLUGIN_DIR PHOTO STYLE RUNS

What runs after OK in the plug-in's own process is `painterly_gimp.painting.paint` with the dialog's request; here
it runs with the editors' defaults (`quality`, strength 50, the layer's own size, the library style STYLE) on the
PHOTO layer. The clock stops when the preview layer's first `show` has painted it; the bench then stops the job the
way a closed plug-in does (its runner sees the pipe close and cancels) and waits for the daemon to be idle.
Prints "RESULT {...}" with one map of seconds per run.
"""

import json
import sys
import time

import gi

gi.require_version("Gimp", "3.0")
from gi.repository import Gimp, Gio  # noqa: E402

ENDPOINT, PLUGIN_DIR, PHOTO, STYLE, RUNS = sys.argv[1:6]
PROCEDURE = "plug-in-painterly-style-transfer"
sys.path.insert(0, PLUGIN_DIR)  # the plug-in's own modules, and through them its vendored packages

from painterly_gimp import preview_layer  # noqa: E402
from painterly_gimp.arguments import request_from_config  # noqa: E402
from painterly_gimp.painting import paint  # noqa: E402

from painterly_wire import Client  # noqa: E402
from painterly_wire.artist_error import ArtistError  # noqa: E402


class FirstPreviewShown(Exception):
    """Raised once the preview layer's first show returned: ends the run there."""


class PreviewClock:
    """Wraps the plug-in's PreviewLayer.show: the first show of a run records its seconds since `start()` and raises
    FirstPreviewShown, which unwinds through the plug-in's own code as any error would."""

    def __init__(self) -> None:
        self.started = 0.0
        self.times: dict[str, float] = {}
        show = preview_layer.PreviewLayer.show
        clock = self

        def timed_show(layer, preview):
            show(layer, preview)
            clock.times["first preview"] = time.monotonic() - clock.started
            clock.times["preview side"] = max(layer.layer.get_width(), layer.layer.get_height())
            raise FirstPreviewShown

        preview_layer.PreviewLayer.show = timed_show

    def start(self) -> None:
        self.times = {}
        self.started = time.monotonic()


def defaults_request():
    """The request the dialog's OK makes with the editors' defaults and the library style."""
    config = Gimp.get_pdb().lookup_procedure(PROCEDURE).create_config()
    config.set_property("library-style", STYLE)
    config.set_property("endpoint", ENDPOINT)
    config.set_property("start-command", "")
    return request_from_config(config)


def wait_until_idle(client: Client, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and client.hello()["queue_length"] != 0:
        time.sleep(0.2)


def main() -> int:
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(PHOTO))
    source = image.get_layers()[0]
    request = defaults_request()
    runs = []
    clock = PreviewClock()
    with Client(ENDPOINT, timeout_s=10.0) as client:
        for _ in range(int(RUNS)):
            clock.start()
            try:
                paint(image, source, request)
            except FirstPreviewShown:
                pass
            except ArtistError as error:
                clock.times["error"] = error.message
            runs.append(clock.times)
            wait_until_idle(client)
    names = [layer.get_name() for layer in image.get_layers()]
    size = [image.get_width(), image.get_height()]
    painted = request.painted_side(*size)
    print("RESULT " + json.dumps({"runs": runs, "layers left": names, "layer size": size, "painted side": painted}))
    image.delete()
    return 0


sys.exit(main())
