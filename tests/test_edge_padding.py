"""The edge-padded convolution equals a convolution of the explicitly padded input, in values and gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from painterly.engine import vgg
from painterly.engine.edge_padding import edge_padded_conv2d, padded_copy_conv2d


def value_and_gradient(convolution, x, weight, bias, mode, upstream):
    image = x.clone().requires_grad_(True)
    out = convolution(image, weight, bias, mode)
    (gradient,) = torch.autograd.grad(out, image, upstream)
    return out, gradient


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("height, width", [(7, 9), (2, 2), (2, 5), (6, 2), (16, 11)])
def test_values_and_gradients_equal_the_padded_convolution_in_float64(mode, height, width):
    generator = torch.Generator().manual_seed(height * 100 + width)
    x = torch.randn(2, 6, height, width, dtype=torch.float64, generator=generator)
    weight = torch.randn(5, 6, 3, 3, dtype=torch.float64, generator=generator)
    bias = torch.randn(5, dtype=torch.float64, generator=generator)
    upstream = torch.randn(2, 5, height, width, dtype=torch.float64, generator=generator)
    expected, expected_gradient = value_and_gradient(padded_copy_conv2d, x, weight, bias, mode, upstream)
    out, gradient = value_and_gradient(edge_padded_conv2d, x, weight, bias, mode, upstream)
    assert torch.allclose(out, expected, rtol=0, atol=1e-12)
    assert torch.allclose(gradient, expected_gradient, rtol=0, atol=1e-12)
    zero_padded = F.conv2d(x, weight, bias, padding=1)
    assert (out - zero_padded).abs().max() > 0.1  # the ring differs from zero padding: the test can fail


@pytest.mark.parametrize("exact, bound", [(True, 1e-5), (False, 3e-2)])  # float32; the model's precision (bf16 here)
def test_the_vgg_pass_equals_the_padded_one_with_real_weights(model, monkeypatch, exact, bound):
    # in the engine's own setting on this CPU: channels_last, bf16 autocast, gradients back to float32 pixels
    image = torch.rand(1, 3, 72, 56, generator=torch.Generator().manual_seed(3))
    layers = {"conv1_1", "conv3_1", "conv5_1"}

    def loss_and_gradient(convolution):
        monkeypatch.setattr(vgg, "edge_padded_conv2d", convolution)
        pixels = image.clone().requires_grad_(True)
        features = model.features(pixels, layers, exact, padding="reflect")
        loss = sum((values.float() ** 2).mean() for values in features.values())
        (gradient,) = torch.autograd.grad(loss, pixels)
        return loss.item(), gradient

    loss, gradient = loss_and_gradient(edge_padded_conv2d)
    expected_loss, expected_gradient = loss_and_gradient(padded_copy_conv2d)
    assert gradient.dtype == torch.float32
    assert abs(loss - expected_loss) / expected_loss < bound
    assert (gradient - expected_gradient).norm() / expected_gradient.norm() < bound


def test_bad_shapes_and_modes_are_refused():
    x = torch.zeros(1, 3, 1, 8)
    weight = torch.zeros(4, 3, 3, 3)
    with pytest.raises(ValueError, match="at least 2x2"):
        edge_padded_conv2d(x, weight, None, "reflect")
    with pytest.raises(ValueError, match="unknown edge padding"):
        edge_padded_conv2d(torch.zeros(1, 3, 4, 4), weight, None, "zeros")
