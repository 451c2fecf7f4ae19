"""The benches' pictures: the shared photos and paintings, bench-sized content, 100 % crops and detail measures."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as functional
from PIL import Image

from painterly.engine.images import fit_long_side, load_picture, resize

SHARED_IMAGES = Path(__file__).resolve().parents[2] / "shared" / "images"
PAIRS = "tubingen:starry_night,golden_gate:the_scream,boston:composition_vii"


def photo(kind: str, name: str) -> torch.Tensor:
    """shared/images/<kind>/<name>.jpg as a (3, H, W) tensor in 0..1."""
    return load_picture(SHARED_IMAGES / kind / f"{name}.jpg").rgb


def at_long_side(picture: torch.Tensor, side: int) -> torch.Tensor:
    """A (3, H, W) picture resized to `side` px on its long side, its aspect kept."""
    return resize(picture, *fit_long_side(picture.shape[2], picture.shape[1], side))


def content_at(width: int, height: int, name: str = "tubingen") -> torch.Tensor:
    """A photo of shared/images/content cropped to the aspect ratio asked for, then resized to width x height."""
    picture = photo("content", name)
    photo_height, photo_width = picture.shape[1:]
    if width / height > photo_width / photo_height:
        keep = round(photo_width * height / width)
        picture = picture[:, (photo_height - keep) // 2 : (photo_height + keep) // 2, :]
    else:
        keep = round(photo_height * width / height)
        picture = picture[:, :, (photo_width - keep) // 2 : (photo_width + keep) // 2]
    return resize(picture, width, height)


def parse_size(text: str) -> tuple[int, int]:
    """'2400x1600' -> (2400, 1600); '1024' -> a 4:3 landscape of that long side."""
    if "x" in text:
        width, height = text.split("x")
        return int(width), int(height)
    return int(text), round(int(text) * 3 / 4)


def crops(images: list[torch.Tensor], side: int = 256) -> Image.Image:
    """side x side crops from the middle of each image, side by side with a 4 px gap."""
    sheet = Image.new("RGB", (len(images) * (side + 4) - 4, side), "white")
    for index, image in enumerate(images):
        height, width = image.shape[1:]
        y, x = (height - side) // 2, (width - side) // 2
        crop = image[:, y : y + side, x : x + side].clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).numpy()
        sheet.paste(Image.fromarray(crop), (index * (side + 4), 0))
    return sheet


def detail_energy(image: torch.Tensor) -> float:
    """High-frequency energy: mean absolute difference of neighbouring pixels' lightness (0-255), as the editor
    tests measure it."""
    lightness = (torch.tensor([0.2126, 0.7152, 0.0722]).view(3, 1, 1) * image.clamp(0, 1)).sum(0) * 255
    return float((lightness.diff(dim=1).abs().mean() + lightness.diff(dim=0).abs().mean()) / 2)


def high_frequency(image: torch.Tensor) -> float:
    """Energy of the gray image minus its 5x5 box blur, as a share of the gray image's variance."""
    gray = image.mean(0, keepdim=True)[None]
    blurred = functional.avg_pool2d(functional.pad(gray, (2, 2, 2, 2), mode="replicate"), 5, stride=1)
    return ((gray - blurred).pow(2).mean() / gray.var()).item()
