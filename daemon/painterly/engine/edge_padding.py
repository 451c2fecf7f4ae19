"""A 3x3 convolution that sees the image's edge reflected or replicated, without a padded copy of its input.

`F.conv2d(F.pad(x, 1, mode), w)` copies every activation into a tensor one pixel larger on each side, and its
backward pass copies the gradient back. Padding changes only the outermost ring of outputs, so this convolution
runs with VGG's zero padding (which oneDNN pads for free) and adds to each edge of the output what the padded line
beyond it contributes: a one-dimensional convolution of that line with the matching row or column of the kernel,
i.e. three small matrix products per edge; the backward pass does the same on the gradient.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

EDGE_MODES = ("reflect", "replicate")


# Each edge of the output: the dimension it lies across (rows: 2, columns: 3), its index, and the kernel's row or
# column that reaches beyond it. Rows are padded with their corners; columns cover the image's rows only.
_EDGES = ((2, 0, 0), (2, -1, 2), (3, 0, 0), (3, -1, 2))


def padded_copy_conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, mode: str) -> torch.Tensor:
    """The plain way, for maps too small for `edge_padded_conv2d` and as its reference: a padded copy, convolved."""
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode=mode), weight, bias)


def edge_padded_conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, mode: str) -> torch.Tensor:
    """`padded_copy_conv2d(x, weight, bias, mode)` for a 3x3 kernel and an image of at least 2x2, without the copy.

    The gradient reaches `x` only (the weights are the network's, fixed).
    """
    if mode not in EDGE_MODES:
        raise ValueError(f"unknown edge padding {mode!r}: choose {' or '.join(EDGE_MODES)}")
    if weight.shape[2:] != (3, 3) or min(x.shape[2:]) < 2:
        raise ValueError(f"edge padding needs a 3x3 kernel and an image of at least 2x2, got {tuple(x.shape)}")
    return _EdgePaddedConv.apply(x, weight, bias, mode)


def _edge_lines(x: torch.Tensor, mode: str) -> list[torch.Tensor]:
    """The input lines the padding repeats beyond each edge (the next line in, or the edge itself), as in _EDGES."""
    beyond = 1 if mode == "reflect" else 0
    return [x.select(dimension, beyond if index == 0 else -1 - beyond) for dimension, index, _ in _EDGES]


def _corrections(lines: list[torch.Tensor], kernel: torch.Tensor, mode: str) -> list[torch.Tensor]:
    """What the padded line beyond each edge adds to that edge of the output."""
    corrections = []
    for line, (dimension, _, kernel_index) in zip(lines, _EDGES, strict=True):
        padded = F.pad(line, (1, 1), mode=mode) if dimension == 2 else F.pad(line, (1, 1))
        corrections.append(_line_convolution(padded, kernel.select(dimension, kernel_index)))
    return corrections


def _line_convolution(line: torch.Tensor, taps: torch.Tensor) -> torch.Tensor:
    """A valid 1-D convolution (cross-correlation) of an (N, C_in, L + 2) line with (C_out, C_in, 3) taps."""
    length = line.shape[-1] - 2
    return sum(taps[:, :, k] @ line[:, :, k : k + length] for k in range(3))


class _EdgePaddedConv(torch.autograd.Function):
    """Zero-padded convolution plus the edges' corrections; the backward pass mirrors it, touching only the edges.

    The corrections are computed in float32 (or the weights' wider type) whatever the convolution's precision: they
    are a sliver of the work, and small bf16 matrix products are slow on CPUs without native bf16.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, mode: str) -> torch.Tensor:
        out = F.conv2d(x, weight, bias, padding=1)  # under autocast: in the compute precision
        weight = weight.to(torch.promote_types(weight.dtype, torch.float32))
        lines = [line.to(weight.dtype) for line in _edge_lines(x, mode)]
        with torch.autocast(x.device.type, enabled=False):
            for (dimension, index, _), correction in zip(_EDGES, _corrections(lines, weight, mode), strict=True):
                out.select(dimension, index).add_(correction)
        ctx.save_for_backward(weight, *lines)
        ctx.mode, ctx.input_shape, ctx.input_dtype, ctx.compute_dtype = mode, x.shape, x.dtype, out.dtype
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        weight, *lines = ctx.saved_tensors
        kernel = weight.to(ctx.compute_dtype)
        grad_in = torch.nn.grad.conv2d_input(ctx.input_shape, kernel, grad_out.to(kernel.dtype), padding=1)
        with torch.enable_grad(), torch.autocast(grad_out.device.type, enabled=False):
            probes = [line.detach().requires_grad_(True) for line in lines]  # the corrections are linear in them
            corrections = _corrections(probes, weight, ctx.mode)
            upstream = [grad_out.select(dimension, index).to(weight.dtype) for dimension, index, _ in _EDGES]
            line_gradients = torch.autograd.grad(corrections, probes, upstream)
        for line, gradient in zip(_edge_lines(grad_in, ctx.mode), line_gradients, strict=True):
            line.add_(gradient)
        return grad_in.to(ctx.input_dtype), None, None, None
