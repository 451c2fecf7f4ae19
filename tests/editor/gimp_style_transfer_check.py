"""Checks of the Neural Style Transfer plug-in, run inside real GIMP 3 by tests/test_gimp_plugin.py.

Usage (through run-in-gimp3.sh, with the installed plug-in given by --plugin):
    gimp_style_transfer_check.py ENDPOINT PLUGIN_DIR OUTDIR DYING_ENDPOINT DYING_PID PHOTO

Calls the procedure NONINTERACTIVE through the PDB, as a script or batch run would, against the daemon at
ENDPOINT; the daemon at DYING_ENDPOINT (process DYING_PID, sending a preview at every step) runs the job whose
plug-in is killed, then is killed itself during a job.
PHOTO is a photo for the full-size painting. Prints one line "RESULT {json}" whose "checks" map each check's name
to [passed, detail].
"""

import importlib.util
import json
import operator
import os
import signal
import socket
import sys
import threading
import time

import gi

gi.require_version("Gimp", "3.0")
gi.require_version("Gegl", "0.4")
import gimp_headless as gh  # noqa: E402
from gi.repository import Gimp, Gio  # noqa: E402

PROC = "plug-in-painterly-style-transfer"
ENDPOINT, PLUGIN_DIR, OUTDIR, DYING_ENDPOINT, DYING_PID, PHOTO = sys.argv[1:7]
TINY_JOB = {"quality": "fast", "iterations": 3}
FULL_SIZE_SIDE = 2000  # the long side of the full-size painting
RGBA_FLOAT = "R'G'B'A float"
sys.path.insert(0, PLUGIN_DIR)  # the plug-in's own modules, for the checks of its parts

checks: dict[str, list] = {}


def check(name, passed, detail=""):
    checks[name] = [bool(passed), str(detail)]


def run_procedure(image, layer, **arguments):
    """Run the procedure non-interactively; returns (status nick, the new layer or the error message)."""
    proc = Gimp.get_pdb().lookup_procedure(PROC)
    config = proc.create_config()
    config.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
    config.set_property("image", image)
    config.set_core_object_array("drawables", [layer])
    config.set_property("endpoint", ENDPOINT)
    for name, value in {**TINY_JOB, **arguments}.items():
        config.set_property(name.replace("_", "-"), value)
    values = proc.run(config)
    second = values.index(1) if values.length() > 1 else None
    return values.index(0).value_nick, second


def gradient_rgba(width, height, alpha=lambda x, y: 255):
    return bytes(v for y in range(height) for x in range(width) for v in (x * 6 % 256, y * 8 % 256, 60, alpha(x, y)))


def write_style_file():
    image, layer = gh.new_image(32, 32)
    gh.set_pixels(layer, bytes(v for y in range(32) for x in range(32) for v in (x * 8, (x + y) * 4, 255 - y * 8, 255)))
    path = gh.export_png(image, os.path.join(OUTDIR, "Blue Waves.png"))
    image.delete()
    return Gio.File.new_for_path(path)


def check_registration():
    pdb = Gimp.get_pdb()
    proc = pdb.lookup_procedure(PROC)
    check("registered", proc is not None, PROC)
    check("menu_path", list(proc.get_menu_paths()) == ["<Image>/Filters/Artistic"], proc.get_menu_paths())
    check("menu_label", proc.get_menu_label() == "_Neural Style Transfer...", proc.get_menu_label())
    names = [p.name for p in proc.get_arguments()]
    wanted = ["style", "second-style", "library-style", "strength", "quality", "resolution", "size", "endpoint"]
    check("arguments", all(name in names for name in wanted), names)
    with open(os.path.join(PLUGIN_DIR, "painterly-start.json"), encoding="utf-8") as record:
        recorded = json.load(record)["start_command"]
    offered = proc.create_config().get_property("start-command")
    check("start_command_is_the_one_install_recorded", offered == recorded, f"{offered!r}, recorded {recorded!r}")


def check_vendored_pyzmq():
    """GIMP's own Python has no pyzmq; the plug-in's vendored copy imports and is the one used."""
    check("no_system_pyzmq", importlib.util.find_spec("zmq") is None, "GIMP's Python must not have zmq")
    vendor = os.path.join(PLUGIN_DIR, "vendor")
    sys.path.insert(0, vendor)
    import zmq

    check("vendored_pyzmq", zmq.__file__.startswith(vendor), f"{zmq.__file__} (pyzmq {zmq.__version__})")


def check_rgb_with_alpha(style):
    width, height = 40, 32
    image, source = gh.new_image(width, height, "Photo")
    pixels = gradient_rgba(width, height, alpha=lambda x, y: 255 if x < 20 else 0 if x > 30 else 128)
    gh.set_pixels(source, pixels)
    gh.add_layer(image, "On top")
    status, layer = run_procedure(image, source, style=style)
    check("rgb_success", status == "success", f"{status}: {layer}")
    names = [item.get_name() for item in image.get_layers()]
    check("rgb_layer_above_source", names == ["On top", "Style: Blue Waves", "Photo"], names)
    check("rgb_returns_layer", isinstance(layer, Gimp.Layer) and layer.get_name() == "Style: Blue Waves", layer)
    check("rgb_source_unchanged", gh.get_pixels(source) == pixels, "source bytes")
    result = gh.get_pixels(layer)
    check("rgb_size", (layer.get_width(), layer.get_height()) == (width, height))
    check("rgb_alpha_preserved", result[3::4] == pixels[3::4], "alpha bytes")
    check("rgb_stylized", result[0::4] != pixels[0::4], "red channel changed")
    check("rgb_new_layer_selected", [item.get_name() for item in image.get_selected_layers()] == ["Style: Blue Waves"])
    gh.export_png(image, os.path.join(OUTDIR, "rgb.png"))
    image.delete()


def check_blend_with_library_style(style):
    image, source = gh.new_image(40, 32)
    gh.set_pixels(source, gradient_rgba(40, 32))
    status, layer = run_procedure(
        image, source, style=style, style_weight=0.5, library_style="starry_night", library_style_weight=1.0
    )
    check("blend_success", status == "success", f"{status}: {layer}")
    check("blend_layer_name", status == "success" and layer.get_name() == "Style: Blue Waves + The Starry Night", layer)
    image.delete()


def check_selection_on_offset_layer(style):
    image = Gimp.Image.new(96, 64, Gimp.ImageBaseType.RGB)
    source = gh.add_layer(image, "Offset", width=64, height=48)
    source.set_offsets(10, 8)
    pixels = gradient_rgba(64, 48)
    gh.set_pixels(source, pixels)
    image.select_rectangle(Gimp.ChannelOps.REPLACE, 20, 12, 40, 32)
    status, layer = run_procedure(image, source, style=style)
    check("selection_success", status == "success", f"{status}: {layer}")
    bounds = (layer.get_width(), layer.get_height(), *layer.get_offsets()[1:])
    check("selection_bounds", bounds == (40, 32, 20, 12), bounds)
    mask = layer.get_mask()
    check("selection_mask", mask is not None and set(gh.get_pixels(mask, fmt="Y u8")) == {255}, mask)
    check("selection_source_unchanged", gh.get_pixels(source) == pixels)
    image.delete()


def check_high_bit_depth(style):
    for precision, name in ((Gimp.Precision.U16_LINEAR, "u16"), (Gimp.Precision.FLOAT_NON_LINEAR, "f32")):
        image = Gimp.Image.new_with_precision(40, 32, Gimp.ImageBaseType.RGB, precision)
        source = gh.add_layer(image, "Deep")
        gh.set_pixels(source, gradient_rgba(40, 32))
        before = gh.get_pixels(source, fmt=RGBA_FLOAT)
        status, layer = run_procedure(image, source, style=style)
        check(f"{name}_success", status == "success", f"{status}: {layer}")
        check(f"{name}_source_unchanged", gh.get_pixels(source, fmt=RGBA_FLOAT) == before)
        check(f"{name}_precision_kept", image.get_precision() == precision, image.get_precision())
        image.delete()


def check_layer_in_a_group(style):
    image = Gimp.Image.new(40, 32, Gimp.ImageBaseType.RGB)
    group = Gimp.GroupLayer.new(image, "Group")
    image.insert_layer(group, None, 0)
    source = gh.add_layer(image, "Inside", parent=group)
    gh.add_layer(image, "Above inside", parent=group)
    gh.set_pixels(source, gradient_rgba(40, 32))
    status, layer = run_procedure(image, source, style=style)
    check("group_success", status == "success", f"{status}: {layer}")
    names = [item.get_name() for item in group.get_children()]
    check("group_layer_above_source_in_group", names == ["Above inside", "Style: Blue Waves", "Inside"], names)
    image.delete()


def check_grayscale(style):
    image = Gimp.Image.new(48, 32, Gimp.ImageBaseType.GRAY)
    source = Gimp.Layer.new(image, "Gray", 48, 32, Gimp.ImageType.GRAYA_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
    image.insert_layer(source, None, 0)
    gh.set_pixels(source, gradient_rgba(48, 32))
    before = gh.get_pixels(source, fmt="Y'A u8")
    status, layer = run_procedure(image, source, style=style)
    check("gray_success", status == "success", f"{status}: {layer}")
    check("gray_layer_is_gray", status == "success" and layer.is_gray(), "result layer mode")
    check("gray_source_unchanged", gh.get_pixels(source, fmt="Y'A u8") == before)
    image.delete()


def check_refusals(style):
    image, source = gh.new_image(16, 16)
    image.convert_indexed(Gimp.ConvertDitherType.NONE, Gimp.ConvertPaletteType.GENERATE, 16, False, False, "")
    status, message = run_procedure(image, image.get_layers()[0], style=style)
    check("indexed_message", status == "calling-error" and "indexed" in message, f"{status}: {message}")
    check("indexed_no_layer", len(image.get_layers()) == 1)
    image.delete()

    image, source = gh.new_image(32, 32)
    status, message = run_procedure(image, source)
    check("no_style_message", status == "calling-error" and "Choose a style" in message, f"{status}: {message}")
    broken = os.path.join(OUTDIR, "not a painting.png")
    with open(broken, "w") as text:
        text.write("this is not an image")
    status, message = run_procedure(image, source, style=Gio.File.new_for_path(broken))
    check("unreadable_style_file_message", status == "execution-error" and "style image" in message, message)
    closed = free_port()
    status, message = run_procedure(image, source, style=style, endpoint=f"tcp://127.0.0.1:{closed}", start_command="")
    wanted = status == "execution-error" and "No Painterly daemon answers" in message and "painterly serve" in message
    check("daemon_down_message", wanted, f"{status}: {message}")
    check("daemon_down_no_layer", len(image.get_layers()) == 1)
    exits = "sh -c 'echo painterly: no VGG-19 weights found >&2; exit 1'"
    started = time.monotonic()
    status, message = run_procedure(
        image, source, style=style, endpoint=f"tcp://127.0.0.1:{closed}", start_command=exits
    )
    waited = time.monotonic() - started
    wanted = status == "execution-error" and "no VGG-19 weights found" in message and "exited" in message
    check("exited_daemon_message", wanted and waited < 20, f"{status} after {waited:.0f} s: {message}")
    image.delete()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plugin_pids():
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if b"painterly-gimp.py" in cmdline.read():
                    pids.append(int(entry))
        except (OSError, ValueError):
            continue
    return pids


def check_cancel_by_killing_plugin(style):
    """GIMP cancels a plug-in's progress by killing it: the daemon job must be cancelled, not run on. The job runs
    on the second daemon, which sends a preview at every step, so that one is shown before the kill."""
    from painterly_wire import Client

    client = Client(DYING_ENDPOINT, timeout_s=5.0)
    seen = {}

    def kill_when_running():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and client.hello()["queue_length"] == 0:
            time.sleep(0.2)
        time.sleep(2.5)  # the first preview is shown
        seen["pids"] = plugin_pids()
        for pid in seen["pids"]:
            os.kill(pid, signal.SIGKILL)
        seen["killed_at"] = time.monotonic()

    image, source = gh.new_image(48, 48)
    killer = threading.Thread(target=kill_when_running)
    killer.start()
    status, _ = run_procedure(image, source, style=style, iterations=5000, endpoint=DYING_ENDPOINT)
    killer.join()
    check("cancel_plugin_killed", status != "success" and seen.get("pids"), f"{status}, pids {seen.get('pids')}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and client.hello()["queue_length"] != 0:
        time.sleep(0.2)
    waited = time.monotonic() - seen.get("killed_at", 0)
    check("cancel_daemon_job_stopped", client.hello()["queue_length"] == 0, f"daemon idle {waited:.1f} s after")
    # GIMP does not thaw an undo a killed plug-in left frozen: the preview only freezes it while changing its layer
    check("cancel_leaves_undo_working", image.undo_is_enabled(), [layer.get_name() for layer in image.get_layers()])
    # A killed plug-in cannot remove its preview: the next job on the image does, before it shows its own
    from painterly_gimp.preview_layer import PREVIEW_LAYER_NAME

    left = [layer.get_name() for layer in image.get_layers()]
    check("cancel_left_its_preview", PREVIEW_LAYER_NAME in left, left)
    status, _ = run_procedure(image, source, style=style)
    names = [layer.get_name() for layer in image.get_layers()]
    check("next_job_removes_the_left_preview", status == "success" and PREVIEW_LAYER_NAME not in names, [status, names])
    check("next_job_leaves_undo_working", image.undo_is_enabled())
    client.close()
    image.delete()


def check_too_small_layers(style):
    """A layer or selection too small to carry a style is refused at once, saying the smallest useful size."""
    for width, height, selection in ((1, 1, None), (16, 16, None), (200, 120, (50, 40, 100, 20))):
        image, source = gh.new_image(width, height)
        if selection:
            image.select_rectangle(Gimp.ChannelOps.REPLACE, *selection)
        started = time.monotonic()
        status, message = run_procedure(image, source, style=style)
        took = time.monotonic() - started
        size = "x".join(map(str, selection[2:] if selection else (width, height)))
        wanted = status == "calling-error" and f"is {size} px" in message and "smallest useful size is 32 px" in message
        check(f"too_small_{size}_refused", wanted and took < 10, f"{status} after {took:.1f} s: {message}")
        check(f"too_small_{size}_no_layer", len(image.get_layers()) == 1)
        image.delete()


def check_daemon_dies_mid_job(style):
    """The daemon killed while it paints (after previews): the artist reads that it stopped during the job and
    that nothing was added; the preview layer is gone and the image is as clean as before."""
    from painterly_wire import Client

    image, source = gh.new_image(64, 48, "Photo")
    gh.set_pixels(source, gradient_rgba(64, 48))
    image.clean_all()
    seen = {}

    def kill_when_running():
        with Client(DYING_ENDPOINT, timeout_s=5.0) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and client.hello()["queue_length"] == 0:
                time.sleep(0.2)
        time.sleep(2.0)  # a few steps, each with its preview
        os.kill(int(DYING_PID), signal.SIGKILL)
        seen["killed_at"] = time.monotonic()

    killer = threading.Thread(target=kill_when_running)
    killer.start()
    status, message = run_procedure(image, source, style=style, endpoint=DYING_ENDPOINT, iterations=5000)
    killer.join()
    waited = time.monotonic() - seen.get("killed_at", 0)
    said = "stopped answering during the job" in str(message) and "Nothing was added to the image" in str(message)
    check("died_says_it_stopped_during_the_job", status == "execution-error" and said, f"{status}: {message}")
    check("died_reported_soon", "killed_at" in seen and waited < 20, f"{waited:.1f} s after the kill")
    names = [layer.get_name() for layer in image.get_layers()]
    check("died_nothing_added_no_preview_left", names == ["Photo"], names)
    check("died_image_left_clean", not image.is_dirty() and image.undo_is_enabled(), "dirty or undo off")
    image.delete()


def check_preview_layer():
    """The preview layer itself: above the source over the region, one layer updated in place, removed at the end,
    no dirty mark left on a clean image (a dirty one stays dirty), undo on again."""
    from painterly_gimp.preview_layer import PREVIEW_LAYER_NAME, PreviewLayer
    from painterly_gimp.source import read_source

    from painterly_wire import Pixels

    image = Gimp.Image.new(96, 64, Gimp.ImageBaseType.RGB)
    source = gh.add_layer(image, "Offset", width=64, height=48)
    source.set_offsets(10, 8)
    gh.set_pixels(source, gradient_rgba(64, 48))
    gh.add_layer(image, "On top")
    image.select_rectangle(Gimp.ChannelOps.REPLACE, 20, 12, 40, 32)
    image.clean_all()
    region = read_source(image, source)
    frames = [Pixels(20, 16, 3, "u8", bytes([value]) * (20 * 16 * 3)) for value in (30, 200)]
    with PreviewLayer(image, region) as preview:
        preview.show(frames[0])
        first = preview.layer.get_id()
        names = [item.get_name() for item in image.get_layers()]
        preview.show(frames[1])
        layer = preview.layer
        bounds = (layer.get_width(), layer.get_height(), *layer.get_offsets()[1:])
        check("preview_above_source", names == ["On top", PREVIEW_LAYER_NAME, "Offset"], names)
        check("preview_updated_in_place", layer.get_id() == first and len(image.get_layers()) == 3)
        check("preview_over_the_region", bounds == (40, 32, 20, 12), bounds)
        check("preview_shows_the_latest", set(gh.get_pixels(layer)[0::4]) == {200}, "red channel")
    names = [item.get_name() for item in image.get_layers()]
    check("preview_removed_at_the_end", names == ["On top", "Offset"], names)
    check("preview_leaves_a_clean_image_clean", not image.is_dirty() and image.undo_is_enabled())
    gh.add_layer(image, "Unsaved work")
    with PreviewLayer(image, region) as preview:
        preview.show(frames[0])
    check("preview_leaves_a_dirty_image_dirty", image.is_dirty() and len(image.get_layers()) == 3)
    image.delete()


def detail(layer):
    """High-frequency energy: the mean absolute difference of neighbouring pixels' lightness (0-255)."""
    lightness = gh.get_pixels(layer, fmt="Y' u8")
    width = layer.get_width()
    across = sum(map(abs, map(operator.sub, lightness[1:], lightness[:-1])))
    down = sum(map(abs, map(operator.sub, lightness[width:], lightness[:-width])))
    return (across + down) / (2 * len(lightness))


def check_full_size_painting():
    """A 2048x1024 photo painted at the layer's own size (the default resolution) carries the detail of a
    full-size painting: far more than the preview resolution's 512-px painting scaled up."""
    image = gh.load_image(PHOTO)
    source = image.get_layers()[0]
    job = {"library_style": "starry_night", "quality": "fast", "iterations": 1}
    started = time.monotonic()
    status, full = run_procedure(image, source, **job)
    took = time.monotonic() - started
    check("full_size_success", status == "success", f"{status}: {full}")
    size = (full.get_width(), full.get_height()) if status == "success" else None
    check("full_size_layer_size", size == (source.get_width(), source.get_height()), f"{size} in {took:.0f} s")
    status, preview = run_procedure(image, source, resolution="preview", **job)
    check("full_size_preview_success", status == "success", f"{status}: {preview}")
    energies = [detail(layer) for layer in (source, full, preview)] if status == "success" else []
    wanted = energies and energies[1] > 2 * energies[2]
    check("full_size_detail_of_a_full_size_painting", wanted, "photo, full size, preview: " + repr(energies))
    image.delete()


os.makedirs(OUTDIR, exist_ok=True)
check_registration()
check_vendored_pyzmq()
style_file = write_style_file()
for case in (
    check_rgb_with_alpha,
    check_blend_with_library_style,
    check_selection_on_offset_layer,
    check_high_bit_depth,
    check_layer_in_a_group,
    check_grayscale,
    check_refusals,
    check_too_small_layers,
    check_cancel_by_killing_plugin,
    check_daemon_dies_mid_job,
):
    try:
        case(style_file)
    except Exception as error:
        check(case.__name__, False, repr(error))
for case in (check_preview_layer, check_full_size_painting):
    try:
        case()
    except Exception as error:
        check(case.__name__, False, repr(error))
print("RESULT " + json.dumps({"checks": checks}))
sys.exit(0 if all(passed for passed, _ in checks.values()) else 1)
