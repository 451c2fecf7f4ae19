"""The seed recipe written plainly, as a baseline: full VGG-19 to conv5_4, float32, NCHW, Adam at lr 0.03.

Deliberately not using the engine: its own network, its own costs, written the straightforward way.
"""

from __future__ import annotations

import torch
from torch import nn

from painterly.engine.weights import load_weights_file

CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]
NAMES = [f"conv{b}_{i}" for b, n in ((1, 2), (2, 2), (3, 4), (4, 4), (5, 4)) for i in range(1, n + 1)]
STYLE = ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"]
CONTENT = "conv5_4"


class PlainVGG(nn.Module):
    def __init__(self, weights_path: str) -> None:
        super().__init__()
        weights = load_weights_file(weights_path)
        state, self.preprocessing = weights.state, weights.preprocessing
        layers, in_channels, names = [], 3, iter(NAMES)
        self.taps = {}
        for item in CFG:
            if item == "M":
                layers.append(nn.MaxPool2d(2))
                continue
            conv = nn.Conv2d(in_channels, item, 3, padding=1)
            name = next(names)
            conv.weight.data, conv.bias.data = state[f"{name}.weight"], state[f"{name}.bias"]
            layers += [conv, nn.ReLU()]
            self.taps[len(layers) - 1] = name
            in_channels = item
        self.layers = nn.Sequential(*layers).requires_grad_(False)

    def forward(self, rgb):
        x = self.preprocessing.apply(rgb)
        out = {}
        for index, layer in enumerate(self.layers):
            x = layer(x)
            if index in self.taps:
                out[self.taps[index]] = x
        return out


def gram(a):
    _, c, h, w = a.shape
    flat = a.view(c, h * w)
    return flat @ flat.T


def cost(features, content_target, style_grams):
    a = features[CONTENT]
    _, c, h, w = a.shape
    j_content = ((content_target - a) ** 2).sum() / (4 * h * w * c)
    j_style = 0
    for name in STYLE:
        g = features[name]
        _, c, h, w = g.shape
        j_style = j_style + 0.2 * ((style_grams[name] - gram(g)) ** 2).sum() / (4 * c**2 * (h * w) ** 2)
    return 10 * j_content + 40 * j_style


class PlainSeedRecipe:
    """Adam at lr 0.03 on content + uniform(-0.25, 0.25) noise, clipped to [0, 1] after every step."""

    def __init__(self, network: PlainVGG, content: torch.Tensor, style: torch.Tensor, seed: int = 0) -> None:
        self.network = network
        with torch.no_grad():
            self.content_target = network(content[None])[CONTENT]
            # The style keeps its aspect ratio, so its Gram is rescaled to the generated image's number of positions
            # (identical to the formula when both have the same size).
            style_features = network(style[None])
            scale = content.shape[1] * content.shape[2] / (style.shape[1] * style.shape[2])
            self.style_grams = {name: gram(style_features[name]) * scale for name in STYLE}
        generator = torch.Generator().manual_seed(seed)
        noise = torch.rand(content.shape, generator=generator) * 0.5 - 0.25
        self.image = (content + noise).clamp(0, 1)[None].requires_grad_(True)
        self.optimizer = torch.optim.Adam([self.image], lr=0.03)

    def step(self) -> float:
        self.optimizer.zero_grad()
        j = cost(self.network(self.image), self.content_target, self.style_grams)
        j.backward()
        self.optimizer.step()
        with torch.no_grad():
            self.image.clamp_(0, 1)
        return j.item()
