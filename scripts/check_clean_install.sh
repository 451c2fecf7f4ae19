#!/usr/bin/env bash
# The package on its own, as `pip install painterly` gives it: build the wheel, check that it carries every file of
# the checkout's packages and plugins, install it into a fresh virtual environment without system site packages
# (torch 2.13.0, the CPU build, first), then, away from the checkout, run `painterly demo --preset fast`, run
# `painterly install krita|gimp` into temporary folders, start a daemon with the start command they recorded and build
# the Krita zip. A dependency the code needs but the wheel does not declare fails here. Weights: PAINTERLY_WEIGHTS,
# else ../shared/models beside this repo when present, else the download.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
offline_weights=$PWD/../shared/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin
work=$(mktemp -d "${TMPDIR:-/tmp}/painterly-clean-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# Built from a copy of the checkout's files (tracked, and new ones git does not ignore), so no build/ folder of an
# earlier build can slip stale modules into the wheel.
mkdir "$work/source"
git ls-files -z --cached --others --exclude-standard | tar --null --files-from=- --ignore-failed-read --warning=no-failed-read -cf - |
    tar -xf - -C "$work/source"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/source"
wheel=$(echo "$work"/dist/painterly-*.whl)
(cd "$work/source" && find daemon/painterly shared/painterly_wire plugin_krita plugin_gimp -type f -not -path '*/vendor/*') | "$python" -c '
import sys, zipfile
places = {"daemon/": "", "shared/": "", "plugin_krita/": "painterly/plugins/krita/", "plugin_gimp/": "painterly/plugins/gimp/"}
shipped = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = [next(to + name[len(source):] for source, to in places.items() if name.startswith(source)) for name in sys.stdin.read().split()]
missing = [name for name in wanted if name not in shipped]
sys.exit(f"check_clean_install: the wheel lacks {len(missing)} file(s) of the checkout: {missing[:5]}" if missing else 0)
' "$wheel"

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet torch==2.13.0
"$work/venv/bin/python" -m pip install --quiet "$wheel"
if [ -z "${PAINTERLY_WEIGHTS:-}" ] && [ -f "$offline_weights" ]; then
    export PAINTERLY_WEIGHTS=$offline_weights
fi

cd "$work"
painterly=$work/venv/bin/painterly
"$painterly" demo --preset fast --size 64 --iterations 4 --device cpu -o demo.png
test -s demo.png
"$painterly" install krita --resource-dir krita --kritarc kritarc --python-version 3.10
test -f krita/pykrita/painterly_krita/vendor/painterly_wire/client.py
"$painterly" install gimp --plugin-dir gimp-plug-ins --python-version 3.13
test -x gimp-plug-ins/painterly-gimp/painterly-gimp.py
"$painterly" package krita --builds cp310-win_amd64 -o painterly-krita.zip
"$work/venv/bin/python" -m zipfile -l painterly-krita.zip | grep "painterly_krita/vendor/cp310-win_amd64/zmq/" >/dev/null
# The start command the installers recorded is this venv's painterly by absolute path: it starts a daemon that
# answers, with a PATH (like an editor's) that does not lead to the venv.
PATH=/usr/bin:/bin "$work/venv/bin/python" -c '
import socket, sys
from pathlib import Path
from painterly_wire.daemon_start import start_daemon, wait_for_daemon
from painterly_wire.install_record import recorded_start_command
command = recorded_start_command(Path("gimp-plug-ins/painterly-gimp"))
assert command.startswith(f"{sys.argv[1]} serve "), command
assert recorded_start_command(Path("krita/pykrita/painterly_krita")) == command
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    endpoint = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
started = start_daemon(command, endpoint)
try:
    status = wait_for_daemon(endpoint, 60, started)
    assert status["started_by"] == "plugin" and status["idle_exit_s"] > 0, status
    print("the recorded start command started a daemon:", command)
finally:
    started.process.terminate()
    started.process.wait(30)
' "$painterly"
echo "check_clean_install: the wheel installs, runs the demo, installs both plugins and packages Krita's ($((SECONDS - started)) s)"
