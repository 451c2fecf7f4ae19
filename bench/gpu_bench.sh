#!/usr/bin/env bash
# The full-size bench on a lent GPU machine, prepared so that one call does it (the device tool's README:
# /work/.library/device). That machine has PyTorch, Pillow and msgpack but no pyzmq (the benches import it through
# tests/support.py), reaches no network, and does not get ../shared: `stage` packs what it needs into .gpu/ here.
#
#   bench/gpu_bench.sh stage        # here, once: .gpu/ (ignored by git) with the weights, two photos, a pyzmq wheel
#   bench/gpu_bench.sh run          # there: run(command="bench/gpu_bench.sh run", carry=[".gpu"], timeout_s=560)
#   bench/gpu_bench.sh run cpu 256  # here: the same run on the CPU at a toy size, to check the script itself
#
# `run` writes $OUT/gpu-bench.md (the tables of bench_full_size.py: the tiled vs untiled evaluation at 2400x1600,
# then the whole `quality` schedule at 2400x1600 and 4096x4096 at the GPU's default memory limit) and 512-px crops
# of the paintings at 100 %.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=.gpu
PYZMQ=pyzmq==27.3.0

stage() {
    grep -qx "/$STAGE/" .git/info/exclude 2>/dev/null || echo "/$STAGE/" >>.git/info/exclude
    mkdir -p "$STAGE/images/content" "$STAGE/images/style" "$STAGE/wheels"
    cp ../shared/models/*.bin "$STAGE/"
    cp ../shared/images/content/tubingen.jpg "$STAGE/images/content/"
    cp ../shared/images/style/starry_night.jpg "$STAGE/images/style/"
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d "$STAGE/wheels" "$PYZMQ"
    du -sh "$STAGE"
}

run() {
    local device=${1:-cuda} sizes=${2:-2400x1600,4096x4096} overhead=${3:-2400x1600}
    local out=${OUT:-$PWD/$STAGE/out}
    mkdir -p "$out" /tmp/painterly-site
    if ! python3 -c "import zmq" 2>/dev/null; then
        python3 -m pip install -q --no-index --no-deps --target /tmp/painterly-site "$STAGE"/wheels/*.whl
    fi
    export PYTHONPATH="/tmp/painterly-site:$PWD/daemon:$PWD/shared" PYTHONUNBUFFERED=1
    # the benches read ../shared/images beside the repo
    if [ ! -d ../shared/images ]; then mkdir -p ../shared && ln -s "$PWD/$STAGE/images" ../shared/images; fi
    if [ "$device" = cuda ]; then nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv | tee "$out/gpu.txt"; fi
    if [ "$device" = cpu ]; then export CUDA_VISIBLE_DEVICES=""; fi
    local paintings=/tmp/painterly-paintings
    (cd bench && python3 bench_full_size.py --weights "$(ls "$PWD"/../$STAGE/*.bin)" --sizes "$sizes" \
        --overhead-size "$overhead" --overhead-tiles 1024 --save-dir "$paintings" 2>&1 | tee "$out/gpu-bench.md")
    # a 4096-px PNG is past what comes back from the machine: bring 512-px crops from the middle at 100 %
    python3 - "$paintings" "$out" <<'PY'
import sys
from pathlib import Path
from PIL import Image
for path in sorted(Path(sys.argv[1]).glob("*.png")):
    image = Image.open(path)
    side = min(512, image.width, image.height)
    x, y = (image.width - side) // 2, (image.height - side) // 2
    image.crop((x, y, x + side, y + side)).save(Path(sys.argv[2]) / f"crop-{path.name}")
PY
}

case "${1:-}" in
    stage) stage ;;
    run) shift; run "$@" ;;
    *) echo "usage: bench/gpu_bench.sh stage | run [cuda|cpu] [sizes] [overhead size]" >&2; exit 2 ;;
esac
