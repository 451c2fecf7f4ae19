"""VGG-19 loaded once on its device and precision: the network every job runs through."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from painterly.engine.device import Compute, choose_compute
from painterly.engine.memory import default_memory_limit
from painterly.engine.vgg import VGG19Features
from painterly.engine.weights import find_weights


@dataclass(frozen=True)
class StyleModel:
    """VGG-19 loaded once on its device, with the precision its convolutions run in and the memory jobs may use."""

    network: VGG19Features
    compute: Compute
    weights_description: str
    memory_limit: int  # bytes of RAM (VRAM on CUDA) a job on this model may use at its peak

    @property
    def device(self) -> str:
        """The torch device the network runs on, e.g. 'cpu' or 'cuda'."""
        return str(self.compute.device)

    @property
    def dtype(self) -> str:
        """The precision of the convolutions, e.g. 'bfloat16'."""
        return self.compute.dtype_name

    def features(
        self,
        images: torch.Tensor,
        layers: set[str],
        exact: bool = False,
        pooling: str = "max",
        padding: str = "zeros",
    ) -> dict[str, torch.Tensor]:
        """Activations of `layers` for an (N, 3, H, W) batch; `exact` forces float32 convolutions."""
        images = images.to(self.compute.device, memory_format=self.compute.memory_format)
        if exact:
            return self.network(images, layers, pooling, padding)
        with self.compute.autocast():
            return self.network(images, layers, pooling, padding)


def load_model(
    weights: str | None = None,
    device: str = "auto",
    precision: str = "auto",
    download: bool = True,
    channels_last: bool | None = None,
    memory_limit: int | None = None,
) -> StyleModel:
    """Find weights (see painterly.engine.weights.find_weights), build VGG-19 on the chosen device and precision.

    `memory_limit` (bytes) is what each job may use at its peak; default: a safe share of the memory the process
    sees (see painterly.engine.memory.default_memory_limit).
    """
    compute = choose_compute(device, precision, channels_last)
    found = find_weights(weights, download=download)
    network = VGG19Features(found.state, found.preprocessing).eval()
    network = network.to(compute.device, memory_format=compute.memory_format)
    if memory_limit is None:
        free = torch.cuda.mem_get_info(compute.device)[0] if compute.device.type == "cuda" else None
        memory_limit = default_memory_limit(compute.device.type, free)
    return StyleModel(network, compute, found.description, memory_limit)
