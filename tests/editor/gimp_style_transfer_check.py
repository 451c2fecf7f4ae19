"""Checks of the Neural Style Transfer plug-in, run inside real GIMP 3 by tests/test_gimp_plugin.py.

Usage (through run-in-gimp3.sh, with the installed plug-in given by --plugin):
    gimp_style_transfer_check.py ENDPOINT PLUGIN_DIR OUTDIR

Calls the procedure NONINTERACTIVE through the PDB, as a script or batch run would, against the daemon at
ENDPOINT. Prints one line "RESULT {json}" whose "checks" map each check's name to [passed, detail].
"""

import importlib.util
import json
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
ENDPOINT, PLUGIN_DIR, OUTDIR = sys.argv[1:4]
TINY_JOB = {"quality": "fast", "iterations": 3}
RGBA_FLOAT = "R'G'B'A float"

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
    wanted = ["style", "second-style", "library-style", "strength", "quality", "size", "preserve-colors", "endpoint"]
    check("arguments", all(name in names for name in wanted), names)


def check_vendored_pyzmq():
    """GIMP's own Python has no pyzmq; the plug-in's vendored copy imports and is the one used."""
    check("no_system_pyzmq", importlib.util.find_spec("zmq") is None, "GIMP's Python must not have zmq")
    vendor = os.path.join(PLUGIN_DIR, "vendor")
    sys.path.insert(0, vendor)
    import zmq

    check("vendored_pyzmq", zmq.__file__.startswith(vendor), f"{zmq.__file__} (pyzmq {zmq.__version__})")


def check_rgb_with_alpha(style):
    width, height = 40, 30
    image, source = gh.new_image(width, height, "Photo")
    pixels = gradient_rgba(width, height, alpha=lambda x, y: 255 if x < 20 else 0 if x > 30 else 128)
    gh.set_pixels(source, pixels)
    gh.add_layer(image, "On top")
    status, layer = run_procedure(image, source, style=style, size=width)
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
        image, source, style=style, style_weight=0.5, library_style="starry_night", library_style_weight=1.0, size=40
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
    status, layer = run_procedure(image, source, style=style, size=40)
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
        status, layer = run_procedure(image, source, style=style, size=40)
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
    status, layer = run_procedure(image, source, style=style, size=40)
    check("group_success", status == "success", f"{status}: {layer}")
    names = [item.get_name() for item in group.get_children()]
    check("group_layer_above_source_in_group", names == ["Above inside", "Style: Blue Waves", "Inside"], names)
    image.delete()


def check_grayscale(style):
    image = Gimp.Image.new(24, 16, Gimp.ImageBaseType.GRAY)
    source = Gimp.Layer.new(image, "Gray", 24, 16, Gimp.ImageType.GRAYA_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
    image.insert_layer(source, None, 0)
    gh.set_pixels(source, gradient_rgba(24, 16))
    before = gh.get_pixels(source, fmt="Y'A u8")
    status, layer = run_procedure(image, source, style=style, size=24)
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

    image, source = gh.new_image(16, 16)
    status, message = run_procedure(image, source)
    check("no_style_message", status == "calling-error" and "Choose a style" in message, f"{status}: {message}")
    broken = os.path.join(OUTDIR, "not a painting.png")
    with open(broken, "w") as text:
        text.write("this is not an image")
    status, message = run_procedure(image, source, style=Gio.File.new_for_path(broken))
    check("unreadable_style_file_message", status == "execution-error" and "style image" in message, message)
    closed = free_port()
    status, message = run_procedure(image, source, style=style, endpoint=f"tcp://127.0.0.1:{closed}")
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
    """GIMP cancels a plug-in's progress by killing it: the daemon job must be cancelled, not run on."""
    from painterly_wire import Client

    client = Client(ENDPOINT, timeout_s=5.0)
    seen = {}

    def kill_when_running():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and client.hello()["queue_length"] == 0:
            time.sleep(0.2)
        seen["pids"] = plugin_pids()
        for pid in seen["pids"]:
            os.kill(pid, signal.SIGKILL)
        seen["killed_at"] = time.monotonic()

    image, source = gh.new_image(48, 48)
    killer = threading.Thread(target=kill_when_running)
    killer.start()
    status, _ = run_procedure(image, source, style=style, size=48, iterations=5000)
    killer.join()
    check("cancel_plugin_killed", status != "success" and seen.get("pids"), f"{status}, pids {seen.get('pids')}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and client.hello()["queue_length"] != 0:
        time.sleep(0.2)
    waited = time.monotonic() - seen.get("killed_at", 0)
    check("cancel_daemon_job_stopped", client.hello()["queue_length"] == 0, f"daemon idle {waited:.1f} s after")
    client.close()
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
    check_cancel_by_killing_plugin,
):
    try:
        case(style_file)
    except Exception as error:
        check(case.__name__, False, repr(error))
print("RESULT " + json.dumps({"checks": checks}))
sys.exit(0 if all(passed for passed, _ in checks.values()) else 1)
