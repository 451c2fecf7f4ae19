"""VGG-19's 16-conv feature stack, cut after the deepest layer a job needs.

Layer names follow the paper: `conv{block}_{index}` is the ReLU output of that convolution (as in Keras and
Gatys et al.). Weights are stored as `conv1_1.weight`, `conv1_1.bias`, ...; see `painterly.engine.weights` for loading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from painterly.engine.edge_padding import edge_padded_conv2d, padded_copy_conv2d

BLOCK_WIDTHS = ((64, 64), (128, 128), (256, 256, 256, 256), (512, 512, 512, 512), (512, 512, 512, 512))
LAYER_NAMES: tuple[str, ...] = tuple(
    f"conv{block + 1}_{index + 1}" for block, widths in enumerate(BLOCK_WIDTHS) for index in range(len(widths))
)
POOLING_CHOICES = ("max", "avg")
PADDING_CHOICES = ("zeros", "reflect", "replicate")


def layer_scale(name: str) -> int:
    """How many input pixels one position of layer `name` steps over: 1 in block 1, 2 in block 2, ... 16 in block 5."""
    return 2 ** (int(name[4]) - 1)


@dataclass(frozen=True)
class Preprocessing:
    """How RGB pixels in [0, 1] become the network's input (each weights format brings its own)."""

    channel_order: str  # "rgb" or "bgr"
    scale: float  # 1.0 or 255.0
    mean: tuple[float, float, float]  # in the network's channel order, after scaling
    std: tuple[float, float, float]

    def apply(self, rgb: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) RGB in [0, 1] -> network input."""
        x = rgb.flip(1) if self.channel_order == "bgr" else rgb
        mean = torch.tensor(self.mean, device=x.device, dtype=x.dtype).view(1, 3, 1, 1)
        std = torch.tensor(self.std, device=x.device, dtype=x.dtype).view(1, 3, 1, 1)
        return (x * self.scale - mean) / std


CAFFE_PREPROCESSING = Preprocessing("bgr", 255.0, (103.939, 116.779, 123.68), (1.0, 1.0, 1.0))
TORCHVISION_PREPROCESSING = Preprocessing("rgb", 1.0, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))


def layer_shapes() -> dict[str, tuple[int, int]]:
    """(out_channels, in_channels) of every conv layer."""
    shapes, in_channels = {}, 3
    for name, width in zip(LAYER_NAMES, (w for block in BLOCK_WIDTHS for w in block), strict=True):
        shapes[name] = (width, in_channels)
        in_channels = width
    return shapes


class VGG19Features(nn.Module):
    """The conv stack of VGG-19 up to `deepest`, returning the activations of the requested layers."""

    def __init__(
        self,
        state: dict[str, torch.Tensor],
        preprocessing: Preprocessing,
        deepest: str = "conv5_4",
    ) -> None:
        super().__init__()
        if deepest not in LAYER_NAMES:
            raise ValueError(f"unknown VGG-19 layer {deepest!r}; layers are {', '.join(LAYER_NAMES)}")
        self.preprocessing = preprocessing
        self.names = LAYER_NAMES[: LAYER_NAMES.index(deepest) + 1]
        self.convs = nn.ModuleDict()
        for name in self.names:
            out_channels, in_channels = layer_shapes()[name]
            conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)
            conv.weight.data.copy_(state[f"{name}.weight"])
            conv.bias.data.copy_(state[f"{name}.bias"])
            conv.requires_grad_(False)
            self.convs[name] = conv

    def forward(
        self, rgb: torch.Tensor, layers: Iterable[str], pooling: str = "max", padding: str = "zeros"
    ) -> dict[str, torch.Tensor]:
        """Activations (after ReLU) of `layers` for an (N, 3, H, W) RGB batch in [0, 1].

        The pass stops at the deepest requested layer. `pooling` is VGG's max or Gatys' average pooling; `padding`
        is what each 3x3 convolution sees beyond the image's edge (VGG's zeros, or the edge reflected / replicated).
        """
        if pooling not in POOLING_CHOICES:
            raise ValueError(f"unknown pooling {pooling!r}: choose max or avg")
        if padding not in PADDING_CHOICES:
            raise ValueError(f"unknown padding {padding!r}: choose {', '.join(PADDING_CHOICES)}")
        wanted = set(layers)
        unknown = wanted - set(self.names)
        if unknown:
            raise ValueError(f"layers {sorted(unknown)} are not in this network (cut after {self.names[-1]})")
        x = self.preprocessing.apply(rgb)
        found: dict[str, torch.Tensor] = {}
        previous_block = "1"
        for name in self.names:
            block = name[4]
            if block != previous_block:
                x = F.max_pool2d(x, 2) if pooling == "max" else F.avg_pool2d(x, 2)
                previous_block = block
            conv = self.convs[name]
            if padding == "zeros":
                x = F.relu(conv(x))
            elif min(x.shape[2:]) >= 2:
                x = F.relu(edge_padded_conv2d(x, conv.weight, conv.bias, padding))
            else:  # a one-pixel-wide map: reflecting needs two pixels, and replicating one is the same
                x = F.relu(padded_copy_conv2d(x, conv.weight, conv.bias, "replicate"))
            if name in wanted:
                found[name] = x
                if len(found) == len(wanted):
                    break
        return found
