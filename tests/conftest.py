"""Fixtures shared by the test modules: real weights, real images, the loaded model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import IMAGES, WEIGHTS


def find_test_weights() -> Path | None:
    """Real VGG-19 weights: $PAINTERLY_WEIGHTS, else ../shared/models beside the repo."""
    candidates = [os.environ.get("PAINTERLY_WEIGHTS"), WEIGHTS]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def weights_path() -> Path:
    found = find_test_weights()
    if found is None:
        pytest.fail(f"no real VGG-19 weights: set PAINTERLY_WEIGHTS or put {WEIGHTS} beside the repo")
    return found


@pytest.fixture(scope="session")
def model(weights_path):
    from painterly.engine import load_model

    return load_model(str(weights_path), device="cpu")


@pytest.fixture(scope="session")
def test_image():
    """Load one of ../shared/images (content/ or style/) as RGB at a small size."""
    from painterly.engine.images import fit_long_side, load_picture, resize

    def load(relative: str, long_side: int = 64):
        rgb = load_picture(IMAGES / relative).rgb
        width, height = fit_long_side(rgb.shape[2], rgb.shape[1], long_side)
        return resize(rgb, width, height)

    return load
