#!/usr/bin/env bash
# Set up a fresh machine and stylize the built-in example: torch (CPU build) if missing, the project, then
# `painterly demo`. Weights: downloaded on first use; offline, point PAINTERLY_WEIGHTS at a VGG-19 file
# (../shared/models beside this repo is used when present). Extra arguments go to `painterly demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
offline_weights=../shared/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin

if ! "$python" -c "import torch" 2>/dev/null; then
    "$python" -m pip install --quiet torch==2.13.0
fi
"$python" -m pip install --quiet -e .
if [ -z "${PAINTERLY_WEIGHTS:-}" ] && [ -f "$offline_weights" ]; then
    export PAINTERLY_WEIGHTS=$offline_weights
fi
exec "$python" -m painterly.cli demo "$@"
