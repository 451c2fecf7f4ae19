"""VGG-19 loaded once on its device and precision: the network every job runs through."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from painterly.engine.device import Compute, choose_compute
from painterly.engine.vgg import VGG19Features
from painterly.engine.weights import find_weights


@dataclass(frozen=True)
class StyleModel:
    """VGG-19 loaded once on its device, with the precision its convolutions run in."""

    network: VGG19Features
    compute: Compute
    weights_description: str

    @property
    def device(self) -> str:
        """The torch device the network runs on, e.g. 'cpu' or 'cuda'."""
        return str(self.compute.device)

    @property
    def dtype(self) -> str:
        """The precision of the convolutions, e.g. 'bfloat16'."""
        return self.compute.dtype_name

    def features(
        self, images: torch.Tensor, layers: set[str], exact: bool = False, pooling: str = "max"
    ) -> dict[str, torch.Tensor]:
        """Activations of `layers` for an (N, 3, H, W) batch; `exact` forces float32 convolutions."""
        images = images.to(self.compute.device, memory_format=self.compute.memory_format)
        if exact:
            return self.network(images, layers, pooling)
        with self.compute.autocast():
            return self.network(images, layers, pooling)


def load_model(
    weights: str | None = None,
    device: str = "auto",
    precision: str = "auto",
    download: bool = True,
    channels_last: bool | None = None,
) -> StyleModel:
    """Find weights (see painterly.engine.weights.find_weights), build VGG-19 on the chosen device and precision."""
    compute = choose_compute(device, precision, channels_last)
    found = find_weights(weights, download=download)
    network = VGG19Features(found.state, found.preprocessing).eval()
    network = network.to(compute.device, memory_format=compute.memory_format)
    return StyleModel(network, compute, found.description)


