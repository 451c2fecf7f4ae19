"""Runs inside real Krita (gui mode) with the plugin imported from its zip the way Krita's importer does: the plugin
loaded the vendored build of Krita's own Python (pyzmq and msgpack from vendor/<build>/, painterly_wire from
vendor/) and reaches a real daemon through it. argv[1]: the daemon's endpoint. Prints "RESULT {...}"."""

import sys
from pathlib import Path

import krita_headless as kh
from krita import Krita
from krita_check_report import run_and_report

k = Krita.instance()
checks = {}
info = {}


def steps():
    yield 100
    from painterly_krita.vendor_builds import build_name

    vendor = Path(sys.modules["painterly_krita"].__file__).resolve().parent / "vendor"
    info["build"] = build_name()
    info["builds_in_zip"] = sorted(path.name for path in vendor.iterdir())
    checks["actions_offered"] = k.action("painterly_style_transfer") is not None
    checks["plugin_loaded_not_the_missing_packages_stand_in"] = (
        "painterly_krita.extension" in sys.modules and "painterly_krita.missing_packages" not in sys.modules
    )
    modules = [sys.modules.get(name) for name in ("zmq", "msgpack")]
    info["modules"] = [getattr(module, "__file__", None) for module in modules]
    checks["zmq_and_msgpack_from_this_pythons_build"] = all(
        module is not None and Path(module.__file__).resolve().is_relative_to(vendor / build_name())
        for module in modules
    )
    import painterly_wire

    checks["wire_client_from_vendor"] = Path(painterly_wire.__file__).resolve().parent == vendor / "painterly_wire"
    with painterly_wire.Client(sys.argv[1], timeout_s=20) as client:
        checks["daemon_answers_through_the_vendored_zmq"] = client.hello().get("type") == "status"
    return 0


kh.run_steps(run_and_report(steps(), checks, info))
