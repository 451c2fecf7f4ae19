"""The costs of Gatys-style transfer, written as in the origin document.

Content cost at one layer:  J_c = 1 / (4 nH nW nC) * sum (a(C) - a(G))^2
Style cost at one layer:    J_s = 1 / (4 nC^2 (nH nW)^2) * sum (Gram(S) - Gram(G))^2
Total:                      J = alpha * J_c + beta * sum_l lambda_l J_s(l)

Gram matrices are kept per position (Gram / (nH nW)), so a style image of another size than the generated one gives
the target the generated image should have; when sizes match this is exactly the formula above. Grams and sums are
always computed in float32, whatever precision the convolutions ran in.
"""

from __future__ import annotations

import torch


def gram(activations: torch.Tensor) -> torch.Tensor:
    """Gram matrix per position, (nC, nC), of one (1, nC, nH, nW) activation map, in float32."""
    _, channels, height, width = activations.shape
    flat = activations.float().reshape(channels, height * width)
    return flat @ flat.T / (height * width)


def content_cost(target: torch.Tensor, generated: torch.Tensor) -> torch.Tensor:
    """J_c = 1/(4 nH nW nC) * sum (a(C) - a(G))^2."""
    difference = target.float() - generated.float()
    return difference.pow(2).sum() / (4 * difference.numel())


def style_cost(target_gram: torch.Tensor, generated: torch.Tensor) -> torch.Tensor:
    """J_s for one layer, given the style's per-position Gram and the generated image's activations."""
    channels = generated.shape[1]
    # With per-position Grams the (nH nW)^2 of the formula cancels against the Grams' own scale.
    difference = target_gram - gram(generated)
    return difference.pow(2).sum() / (4 * channels**2)


def total_variation(image: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between neighbouring pixels of an (N, 3, H, W) image (smoothness prior)."""
    dx = image[..., :, 1:] - image[..., :, :-1]
    dy = image[..., 1:, :] - image[..., :-1, :]
    return dx.pow(2).mean() + dy.pow(2).mean()
