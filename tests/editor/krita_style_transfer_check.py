"""Runs inside real Krita (gui mode, run-in-krita.sh) with the Painterly plugin installed by `painterly install`.

argv[1] is a JSON map: endpoint (a running daemon), dead_endpoint (nothing listens), style (a small image file),
start_endpoint + start_command (no daemon there yet; the plugin runs the command), daemon_pid (the daemon at
`endpoint`, killed at the end to check the "daemon died" path). Drives the plugin like an artist: the menu, the
dialog (accepted programmatically), "Repeat Last Style Transfer" with settings written to Krita's settings,
Cancel in the progress window. Prints "RESULT {...}" with named checks; exits 0 when all of them passed.
"""

import itertools
import json
import os
import signal
import struct
import sys
import time

import krita_headless as kh
from krita import Krita, Selection
from krita_check_report import (
    REPEAT,
    job_settings,
    made_active,
    progress_window,
    repeat_with,
    report_step,
    run_and_report,
    unless_a_message,
)
from krita_qt import QtCore, QtWidgets

Qt, QTimer = QtCore.Qt, QtCore.QTimer
QApplication, QComboBox, QDialogButtonBox, QLabel = (
    QtWidgets.QApplication, QtWidgets.QComboBox, QtWidgets.QDialogButtonBox, QtWidgets.QLabel
)  # fmt: skip
QLineEdit, QListWidget, QPushButton, QSlider, QSpinBox = (
    QtWidgets.QLineEdit, QtWidgets.QListWidget, QtWidgets.QPushButton, QtWidgets.QSlider, QtWidgets.QSpinBox
)  # fmt: skip
OK = QDialogButtonBox.StandardButton.Ok
USER_ROLE = Qt.ItemDataRole.UserRole

TRANSFER = "painterly_style_transfer"
config = json.loads(sys.argv[1])
messages = []  # texts of the message boxes closed automatically, from step 2 on
k = Krita.instance()
checks = {}
info = {}


def settings(**changes):
    fields = {"endpoint": config["endpoint"], "preset": "fast", "iterations": 3, "size": 48, **changes}
    return job_settings(config["style"], **fields)


def new_document(name, width, height, depth, pixel, model="RGBA"):
    """A shown document whose one layer is filled by pixel(x, y) -> raw bytes of one pixel; once Krita has made it
    the active document and that layer its active layer (a loaded Krita 5.1 may take a while to know a new view),
    so the filter that follows runs on it."""
    doc = k.createDocument(width, height, name, model, depth, "", 72.0)
    kh.show_document(doc)
    layer = doc.rootNode().childNodes()[0]
    layer.setName("source")
    layer.setPixelData(b"".join(pixel(x, y) for y in range(height) for x in range(width)), 0, 0, width, height)
    doc.refreshProjection()
    yield kh.until(lambda: made_active(doc, layer), timeout=30)
    return doc, layer


def gradient_u8(x, y, alpha=255):
    return bytes(((y * 5) % 256, (x * 7) % 256, (x * y) % 256, alpha))


def result_layer(doc, name):
    """Wait for a job's result layer."""
    return unless_a_message(messages, lambda: doc.nodeByName(name), f"the layer {name!r}")


def running_job():
    """Wait until a long job has made progress; its progress window."""

    def window_with_progress():
        window = progress_window()
        return window is not None and window.value() > 0 and window

    return unless_a_message(messages, window_with_progress, "a running job")


def stylize_again(doc, name="Style: tiny style", **changes):
    """Repeat Last Style Transfer on the active layer with these settings; the result layer."""
    repeat_with(settings(**changes))
    layer = yield result_layer(doc, name)
    yield kh.until(idle, timeout=30)
    return layer


def pixels(node):
    """A node's raw bytes over the whole canvas of the active (shown) document."""
    doc = k.activeDocument()
    return bytes(node.pixelData(0, 0, doc.width(), doc.height()))


def layer_names(doc):
    return [node.name() for node in doc.rootNode().childNodes()]


def idle():
    return progress_window() is None


def menu_paths(menu, path=()):
    """Every action below a menu as (menu object names..., action object name)."""
    for action in menu.actions():
        if action.menu() is not None:
            yield from menu_paths(action.menu(), (*path, action.text().replace("&", "")))
        else:
            yield (*path, action.objectName())


def menu_checks():
    bar = k.activeWindow().qwindow().menuBar()
    paths = [path for path in menu_paths(bar) if path[-1] in (TRANSFER, REPEAT)]
    info["menu_paths"] = paths
    checks["menu_transfer_in_filters_artistic"] = ("Filter", "Artistic", TRANSFER) in paths
    checks["menu_repeat_in_filters_artistic"] = ("Filter", "Artistic", REPEAT) in paths
    checks["menu_text"] = k.action(TRANSFER).text() == "Neural Style Transfer..."


def close_dialog(closed):
    """Called from a timer: press Cancel in whatever modal dialog is open, noting its name."""
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        closed.append(dialog.objectName())
        dialog.reject()


def pick_from_menu(text, menus):
    """Called from a timer while a popup menu's exec() runs: note its entries, choose `text`, close it."""
    menu = QApplication.activePopupWidget()
    if menu is None:
        return
    texts = [action.text().replace("&", "") for action in menu.actions()]  # KDE adds accelerator marks
    menus.append(texts)
    for action, action_text in zip(menu.actions(), texts, strict=True):
        if action_text == text:
            action.trigger()
    menu.close()


def fill_dialog(state):
    """Called from a timer while the dialog's exec() runs: point it at the test daemon, wait for its style
    library, check the widgets, choose tiny settings and press OK."""
    dialog = QApplication.activeModalWidget()
    if dialog is None or dialog.objectName() != "painterly_dialog" or state.get("accepted"):
        return
    from painterly_krita.settings import StyleChoice

    widgets = {name: dialog.findChild(kind, name) for name, kind in (
        ("styles", QListWidget), ("library", QListWidget), ("library_status", QLabel), ("strength", QSlider),
        ("preset", QComboBox), ("resolution", QComboBox), ("size", QSpinBox), ("resolution_note", QLabel),
        ("iterations", QSpinBox), ("endpoint", QLineEdit),
        ("daemon_command", QLineEdit), ("buttons", QDialogButtonBox))}  # fmt: skip
    if "seen" not in state:
        state["seen"] = 0
        checks["dialog_has_widgets"] = all(w is not None for w in widgets.values())
        checks["dialog_ok_disabled_without_style"] = not widgets["buttons"].button(OK).isEnabled()
        info["dialog_start_command"] = widgets["daemon_command"].text()
        widgets["endpoint"].setText(config["endpoint"])
        widgets["endpoint"].editingFinished.emit()
    library = widgets["library"]
    state["seen"] += 1
    if library.count() == 0 and state["seen"] < 50:
        return
    info["library_status"] = widgets["library_status"].text()
    checks["dialog_library_thumbnails"] = library.count() > 0 and not library.item(0).icon().isNull()
    if library.count():
        info["library_style"] = library.item(0).data(USER_ROLE).ref
    state["accepted"] = True  # from here on, timer ticks during the nested menu loop do nothing
    menus = []
    picker = QTimer()
    picker.timeout.connect(lambda: pick_from_menu("dialog (whole image)", menus))
    picker.start(50)
    dialog.findChild(QPushButton, "add_layer").click()  # returns once the menu is closed
    picker.stop()
    styles = widgets["styles"]
    info["open_images_menu"] = menus[:1]
    checks["dialog_offers_open_images_and_their_layers"] = bool(menus) and "    source" in menus[0]
    checks["dialog_adds_an_open_image"] = styles.count() == 1 and styles.item(0).text().startswith("dialog (document)")
    dialog.findChild(QPushButton, "remove_style").click()
    checks["dialog_removes_a_style"] = styles.count() == 0
    dialog.add_style(StyleChoice("file", config["style"], 1.0, "dialog style"))
    widgets["strength"].setValue(70)
    widgets["preset"].setCurrentIndex(widgets["preset"].findData("fast"))
    resolution, note = widgets["resolution"], widgets["resolution_note"]
    info["resolution_notes"] = [note.text()]
    checks["dialog_resolution_defaults_to_the_layer_size"] = (
        resolution.currentData() == "layer" and "layer's own size, 48x36 px" in note.text()
    )
    resolution.setCurrentIndex(resolution.findData("custom"))
    widgets["size"].setValue(40)
    info["resolution_notes"].append(note.text())
    checks["dialog_says_a_smaller_painting_is_scaled_up"] = (  # 43 px: the short side keeps 32 px
        "Painted at 43 px" in note.text() and "scaled up 1.1x to the layer's 48x36" in note.text()
    )
    widgets["iterations"].setValue(2)
    widgets["daemon_command"].setText("")
    widgets["buttons"].button(OK).click()


def steps():
    yield 100
    menu_checks()
    import msgpack
    import zmq

    info["zmq_file"] = zmq.__file__
    checks["zmq_and_msgpack_from_plugin_vendor"] = all(
        "/painterly_krita/vendor/" in module.__file__ for module in (zmq, msgpack)
    )

    report_step("1")
    # 1. The dialog on an opaque 8-bit layer: result above the source, named after the style, active.
    doc, source = yield from new_document("dialog", 48, 36, "U8", gradient_u8)
    before = pixels(source)
    # With nothing remembered yet, Repeat Last Style Transfer opens the dialog; Cancel there runs nothing.
    cancelled = []
    timer = QTimer()
    timer.timeout.connect(lambda: close_dialog(cancelled))
    timer.start(100)
    k.action(REPEAT).trigger()
    timer.stop()
    checks["repeat_without_settings_opens_the_dialog"] = cancelled == ["painterly_dialog"]
    checks["dialog_cancel_runs_nothing"] = idle() and layer_names(doc) == ["source"]
    state = {}
    timer = QTimer()
    timer.timeout.connect(lambda: fill_dialog(state))
    timer.start(100)
    yield 200
    k.action(TRANSFER).trigger()
    timer.stop()
    yield kh.until(lambda: doc.nodeByName("Style: dialog style"), timeout=120)
    yield kh.until(idle, timeout=30)
    yield 200
    info["dialog_layers"] = layer_names(doc)
    checks["dialog_opened_and_accepted"] = state.get("accepted", False)
    checks["result_above_source"] = layer_names(doc) == ["source", "Style: dialog style"]
    checks["result_active"] = doc.activeNode().name() == "Style: dialog style"
    checks["source_unchanged"] = pixels(source) == before
    result = pixels(doc.nodeByName("Style: dialog style"))
    checks["result_differs_from_source"] = result != before
    checks["result_opaque"] = set(result[3::4]) == {255}
    saved = json.loads(k.readSetting("painterly", "last_settings", "{}"))
    checks["dialog_settings_remembered"] = saved.get("iterations") == 2 and saved.get("strength") == 70
    if config.get("smoke"):  # the menu, the dialog and one fast job with its result layer: enough for this version
        return 0

    global messages
    messages = kh.auto_dismiss_dialogs()

    report_step("2")
    # 2. Transparent regions: the result's alpha is the source's alpha, exactly.
    doc, source = yield from new_document(
        "alpha", 40, 32, "U8", lambda x, y: gradient_u8(x, y, 0 if x < 10 else 128 if y < 8 else 255)
    )
    before = pixels(source)
    blend = [
        {"kind": "file", "ref": config["style"], "weight": 1.0, "title": "tiny style"},
        {"kind": "library", "ref": info.get("library_style", "?"), "weight": 0.5, "title": "library"},
    ]
    layer = yield from stylize_again(doc, "Style: tiny style + library", styles=blend)
    checks["blend_of_file_and_library_style"] = layer is not None
    checks["alpha_preserved"] = pixels(layer)[3::4] == before[3::4]
    checks["alpha_source_unchanged"] = pixels(source) == before

    report_step("2a")
    # 2a. Channel order, each way on its own: the plugin sends R,G,B,A (Krita stores B,G,R,A) and writes B,G,R,A back
    # (a round trip through a job would hide the same mistake made both ways).
    from painterly_krita.layer_pixels import layer_bytes, read_pixels, source_region

    from painterly_wire import Pixels

    doc, source = yield from new_document("channels", 40, 32, "U8", lambda x, y: bytes((10, 20 + x, 200, 255)))
    region = source_region(doc, source)
    sent = bytes(read_pixels(source, region).data)
    checks["pixels_sent_as_rgba"] = sent[:8] == bytes((200, 20, 10, 255, 200, 21, 10, 255))
    orange = Pixels(2, 2, 3, "u8", bytes((200, 20, 10)) * 4)  # R,G,B, scaled up to the layer
    written = layer_bytes(orange, region, bytes([128]) * (40 * 32), doc)
    checks["pixels_written_as_bgra"] = {written[i : i + 4] for i in range(0, len(written), 4)} == {
        bytes((10, 20, 200, 128))
    }

    report_step("3")
    # 3. A selection: only its bounds are painted, and its hole stays empty.
    doc, source = yield from new_document("selection", 64, 56, "U8", gradient_u8)
    selection = Selection()
    selection.select(8, 6, 40, 34, 255)
    selection.select(8, 6, 6, 6, 0)
    doc.setSelection(selection)
    before = pixels(source)
    layer_style = [{"kind": "layer", "ref": "dialog|source", "weight": 1.0, "title": "open layer"}]
    layer = yield from stylize_again(doc, "Style: open layer", styles=layer_style)
    bounds = layer.bounds()
    info["selection_bounds"] = [bounds.x(), bounds.y(), bounds.width(), bounds.height()]
    alpha = pixels(layer)[3::4]
    inside = [alpha[y * 64 + x] for y in range(12, 40) for x in range(14, 48)]
    hole = [alpha[y * 64 + x] for y in range(6, 12) for x in range(8, 14)]
    outside = [alpha[y * 64 + x] for y in range(56) for x in range(64) if not (8 <= x < 48 and 6 <= y < 40)]
    checks["selection_inside_painted"] = set(inside) == {255}
    checks["selection_hole_empty"] = set(hole) == {0}
    checks["selection_outside_empty"] = set(outside) == {0}
    checks["selection_source_unchanged"] = pixels(source) == before

    report_step("4")
    # 4. A 16-bit document, styled after another open image as a whole: a 16-bit layer, opaque and not flat.
    doc, source = yield from new_document(
        "deep", 40, 32, "U16", lambda x, y: struct.pack("<4H", x * 1600, y * 2000, 30000, 65535)
    )
    before = pixels(source)
    whole_image = [{"kind": "document", "ref": "dialog", "weight": 1.0, "title": "whole image"}]
    layer = yield from stylize_again(doc, "Style: whole image", styles=whole_image)
    values = struct.unpack(f"<{40 * 32 * 4}H", pixels(layer))
    checks["u16_layer_depth"] = (layer.colorDepth(), doc.colorDepth()) == ("U16", "U16")
    checks["u16_opaque"] = set(values[3::4]) == {65535}
    checks["u16_not_flat"] = len(set(values[0::4])) > 10
    checks["u16_source_unchanged"] = pixels(source) == before

    report_step("4b")
    # 4b. A CMYK document: converted for the job and back; the new layer is CMYK too.
    doc, source = yield from new_document("cmyk", 40, 32, "U8", lambda x, y: bytes((x * 6, y * 7, 40, 0, 255)), "CMYKA")
    before = pixels(source)
    layer = yield from stylize_again(doc)
    cmyk = pixels(layer)
    checks["cmyk_layer_model"] = layer.colorModel() == "CMYKA"
    checks["cmyk_opaque_and_not_flat"] = set(cmyk[4::5]) == {255} and len(set(cmyk[0::5])) > 5
    checks["cmyk_source_unchanged"] = pixels(source) == before

    report_step("4c")
    # 4c. A 32-bit float grayscale document: converted both ways as well.
    doc, source = yield from new_document(
        "grayf32", 40, 32, "F32", lambda x, y: struct.pack("<2f", (x + y) / 72, 1.0), "GRAYA"
    )
    before = pixels(source)
    layer = yield from stylize_again(doc)
    gray = struct.unpack(f"<{40 * 32 * 2}f", pixels(layer))
    checks["gray_f32_layer_space"] = (layer.colorModel(), layer.colorDepth()) == ("GRAYA", "F32")
    checks["gray_f32_opaque_and_not_flat"] = set(gray[1::2]) == {1.0} and len(set(gray[0::2])) > 5
    checks["gray_f32_values_in_range"] = all(0.0 <= value <= 1.0 for value in gray[0::2])
    checks["gray_f32_source_unchanged"] = pixels(source) == before

    report_step("5")
    # 5. Cancel mid-job: the preview goes, nothing is added. Meanwhile Krita's event loop keeps running.
    doc, source = yield from new_document("cancel", 48, 36, "U8", gradient_u8)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start(20)
    repeat_with(settings(iterations=400, size=64))
    window = yield running_job()
    preview = yield kh.until(lambda: doc.nodeByName("[Preview] Style: tiny style"), timeout=60)
    yield 1000
    heartbeat.stop()
    info["event_loop_longest_gap_ms"] = round(1000 * max(b - a for a, b in itertools.pairwise(ticks)))
    checks["event_loop_keeps_running_during_the_job"] = len(ticks) > 20 and info["event_loop_longest_gap_ms"] < 1000
    checks["preview_locked_above_source"] = preview.locked() and layer_names(doc)[-1].startswith("[Preview]")
    window.findChild(QPushButton).click()
    checks["cancelling_window_stays_visible"] = window.isVisible() and "Cancelling" in window.labelText()
    yield kh.until(lambda: not doc.nodeByName("[Preview] Style: tiny style") and idle(), timeout=30)
    yield 300
    checks["cancel_leaves_only_source"] = layer_names(doc) == ["source"]

    report_step("6")
    # 6. No daemon at the endpoint: one clear message, nothing added.
    doc, source = yield from new_document("nodaemon", 40, 32, "U8", gradient_u8)
    repeat_with(settings(endpoint=config["dead_endpoint"]))
    yield kh.until(lambda: messages, timeout=30)
    info["no_daemon_message"] = messages[:]
    checks["no_daemon_message"] = any("No Painterly daemon answers" in m for m in messages)
    checks["no_daemon_nothing_added"] = layer_names(doc) == ["source"]

    report_step("6a")
    # 6a. A group layer is active: a message saying what to select, no job.
    messages.clear()
    doc, source = yield from new_document("group", 24, 20, "U8", gradient_u8)
    yield 500  # the new view settles first: a group added at once was once never known to Krita 5.1's layer docker
    group = doc.createGroupLayer("a group")
    doc.rootNode().addChildNode(group, source)
    # Krita learns of the new layer only once its main loop has run; ask again until it is active.
    yield kh.until(lambda: made_active(doc, group), timeout=30)
    repeat_with(settings())
    yield kh.until(lambda: messages, timeout=30)
    checks["group_layer_message"] = any("Select a paint layer" in m for m in messages)
    checks["group_layer_nothing_added"] = layer_names(doc) == ["source", "a group"]

    report_step("6c")
    # 6c. The image is closed mid-job: the job is cancelled quietly, nothing breaks.
    messages.clear()
    doc, source = yield from new_document("closing", 48, 36, "U8", gradient_u8)
    repeat_with(settings(iterations=400, size=64))
    yield running_job()
    doc.setModified(False)
    doc.close()
    yield kh.until(idle, timeout=15)
    checks["closing_image_mid_job_ends_quietly"] = not messages

    report_step("6d")
    # 6d. The source layer is deleted mid-job: a clear message (no AttributeError), the preview goes.
    messages.clear()
    doc, source = yield from new_document("deleting", 48, 36, "U8", gradient_u8)
    repeat_with(settings(iterations=400, size=64))
    yield unless_a_message(messages, lambda: doc.nodeByName("[Preview] Style: tiny style"), "the preview")
    source.remove()
    yield kh.until(lambda: messages and idle(), timeout=40)
    info["source_deleted_message"] = messages[:]
    checks["source_deleted_message"] = any("was deleted" in m for m in messages)
    checks["source_deleted_preview_removed"] = layer_names(doc) == []

    report_step("6b")
    # 6b. No daemon, but a start command: the plugin starts the daemon and the job runs.
    messages.clear()
    doc, source = yield from new_document("starts", 40, 32, "U8", gradient_u8)
    started = yield from stylize_again(doc, endpoint=config["start_endpoint"], daemon_command=config["start_command"])
    checks["daemon_started_by_plugin"] = started is not None and layer_names(doc) == ["source", "Style: tiny style"]

    report_step("7")
    # 7. The daemon dies mid-job: a message, not a hang; the preview goes.
    messages.clear()
    doc, source = yield from new_document("dies", 48, 36, "U8", gradient_u8)
    repeat_with(settings(iterations=400, size=64))
    yield running_job()
    os.kill(config["daemon_pid"], signal.SIGKILL)
    yield kh.until(lambda: messages, timeout=40)
    info["daemon_died_message"] = messages[:]
    checks["daemon_died_message"] = any("stopped answering" in m for m in messages)
    checks["daemon_died_nothing_added"] = layer_names(doc) == ["source"]

    report_step("8")
    # 8. The start command's daemon exits at once: said at once, with what it printed.
    messages.clear()
    exits = "sh -c 'echo painterly: no VGG-19 weights found >&2; exit 1'"
    started = time.monotonic()
    repeat_with(settings(endpoint=config["dead_endpoint"], daemon_command=exits))
    yield kh.until(lambda: messages, timeout=30)
    info["exited_daemon_message"] = messages[:]
    checks["exited_daemon_message"] = (
        any("no VGG-19 weights found" in m and "exited" in m for m in messages) and time.monotonic() - started < 20
    )

    return 0


kh.run_steps(run_and_report(steps(), checks, info))
