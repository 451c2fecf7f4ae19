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


def gram_sum(activations: torch.Tensor) -> torch.Tensor:
    """Sum over positions of a a^T, (nC, nC), of one (1, nC, nH, nW) activation map, in float32.

    Sums of disjoint parts of a map add up to the whole map's sum: this is what lets Grams be computed by tiles.
    """
    channels = activations.shape[1]
    flat = activations.float().reshape(channels, -1)
    return flat @ flat.T


def gram(activations: torch.Tensor) -> torch.Tensor:
    """Gram matrix per position, (nC, nC), of one (1, nC, nH, nW) activation map, in float32."""
    return gram_sum(activations) / (activations.shape[2] * activations.shape[3])


def content_cost(target: torch.Tensor, generated: torch.Tensor, count: int | None = None) -> torch.Tensor:
    """J_c = 1/(4 nH nW nC) * sum (a(C) - a(G))^2; `count` = nH nW nC of the whole map when these are a part of it."""
    difference = target.float() - generated.float()
    return difference.pow(2).sum() / (4 * (count or difference.numel()))


def gram_distance(target_gram: torch.Tensor, generated_gram: torch.Tensor) -> torch.Tensor:
    """J_s for one layer from two per-position Grams (the (nH nW)^2 of the formula cancels against their scale)."""
    channels = target_gram.shape[0]
    return (target_gram - generated_gram).pow(2).sum() / (4 * channels**2)


def style_gradient_term(residual: torch.Tensor, activations: torch.Tensor, positions: int) -> torch.Tensor:
    """A term whose gradient in `activations` (part of a map of `positions` positions) is J_s's.

    With R = Gram(G) - Gram(S) of the whole map held fixed, dJ_s/da = R a / (nH nW nC^2) at every position, which is
    the gradient of <R, gram_sum(part)> / (2 nH nW nC^2).
    """
    channels = residual.shape[0]
    return (residual * gram_sum(activations)).sum() / (2 * positions * channels**2)


def total_variation(image: torch.Tensor) -> torch.Tensor:
    """Mean squared difference between neighbouring pixels of an (N, 3, H, W) image (smoothness prior)."""
    dx = image[..., :, 1:] - image[..., :, :-1]
    dy = image[..., 1:, :] - image[..., :-1, :]
    return dx.pow(2).mean() + dy.pow(2).mean()
