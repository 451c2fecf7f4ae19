"""Preserve the content's colours: keep the stylized luminance, take chroma from the content (YIQ)."""

from __future__ import annotations

import torch

_RGB_TO_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]])
_YIQ_TO_RGB = torch.linalg.inv(_RGB_TO_YIQ)


def to_yiq(rgb: torch.Tensor) -> torch.Tensor:
    """(3, H, W) RGB -> YIQ."""
    return torch.einsum("ij,jhw->ihw", _RGB_TO_YIQ.to(rgb), rgb)


def to_rgb(yiq: torch.Tensor) -> torch.Tensor:
    """(3, H, W) YIQ -> RGB (not clamped)."""
    return torch.einsum("ij,jhw->ihw", _YIQ_TO_RGB.to(yiq), yiq)


def transfer_luminance(stylized: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """The stylized image's luminance with the content's chroma; both (3, H, W) RGB of the same size."""
    yiq = to_yiq(content)
    yiq[0] = to_yiq(stylized)[0]
    return to_rgb(yiq).clamp(0.0, 1.0)
