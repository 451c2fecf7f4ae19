#!/usr/bin/env bash
# Set up a fresh machine and run the whole test suite: torch (CPU build) if missing, the project with its test
# extras, real Krita (5.1, 5.2, 5.3, 6.0) and GIMP 3 from ../shared/editors (needs root), then ruff, the
# clean-install check of the wheel (scripts/check_clean_install.sh) and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
editors=${EDITORS_DIR:-../shared/editors}

if ! "$python" -c "import torch" 2>/dev/null; then
    "$python" -m pip install --quiet torch==2.13.0
fi
"$python" -m pip install --quiet -e ".[test]"
# The client must run on the editors' Pythons (Krita 3.10, GIMP 3 3.13): give any such interpreter here its packages.
for editor_python in "$HOME"/.pyenv/versions/3.10.*/bin/python "$HOME"/.pyenv/versions/3.13.*/bin/python; do
    if [ -x "$editor_python" ]; then
        "$editor_python" -m pip install --quiet --disable-pip-version-check pyzmq msgpack || true
    fi
done

if [ -d "$editors" ] && [ "$(id -u)" = 0 ]; then
    "$editors/install-krita.sh"
    # Krita 5.2, 5.3 and 6.0 (PyQt6) in their chroots, without Debian's pyzmq: the plugin's tests run on each version.
    for krita in 5.2 5.3 6; do
        "$editors/install-krita.sh" --version "$krita"
    done
    "$editors/install-gimp3.sh"                  # GIMP 3.0.4 (/opt/trixie)
    "$editors/install-gimp3.sh" --version 3.2    # GIMP 3.2.6 (/opt/sid)
    # The plugins must work with the pyzmq/msgpack they vendor, not Debian's.
    if dpkg -s python3-zmq >/dev/null 2>&1 || dpkg -s python3-msgpack >/dev/null 2>&1; then
        apt-get remove -y -qq python3-zmq python3-msgpack >/dev/null
    fi
else
    echo "scripts/test.sh: no $editors or not root: editor tests will be skipped" >&2
fi

"$python" -m ruff check .
PYTHON=$python scripts/check_clean_install.sh
exec "$python" -m pytest "$@"
