"""Pictures in and out of the engine: files, raw pixel buffers, alpha, validation.

The engine sees RGB float32 tensors (3, H, W) in [0, 1]. Alpha never enters the engine: it is split off here and
carried through unchanged (resized only when the output size differs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 16384  # the wire protocol's limit too (painterly_wire.messages.MAX_SIDE; a test keeps them equal)
MAX_PIXELS = 8192 * 8192
PIXEL_DTYPES = {"u8": (torch.uint8, 255.0), "u16": (torch.uint16, 65535.0), "f32": (torch.float32, 1.0)}


class ImageError(ValueError):
    """An image that cannot be used, with a message for the artist."""


@dataclass(frozen=True)
class Picture:
    """RGB (3, H, W) and optional alpha (1, H, W), float32 in [0, 1]."""

    rgb: torch.Tensor
    alpha: torch.Tensor | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return self.rgb.shape[2], self.rgb.shape[1]


def check_dimensions(width: int, height: int, what: str = "image") -> None:
    """Refuse empty and absurdly large images."""
    if width <= 0 or height <= 0:
        raise ImageError(f"{what} has no pixels ({width}x{height})")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageError(
            f"{what} is {width}x{height}; the largest supported is {MAX_SIDE} px a side and "
            f"{MAX_PIXELS // 1_000_000} megapixels"
        )


def _planes(tensor: torch.Tensor) -> Picture:
    """(C, H, W) float in [0, 1] with C = 1..4 (gray, gray+alpha, RGB, RGBA) -> Picture."""
    channels = tensor.shape[0]
    colour, alpha = (tensor[:-1], tensor[-1:]) if channels in (2, 4) else (tensor, None)
    if colour.shape[0] == 1:
        colour = colour.expand(3, -1, -1)
    return Picture(colour.contiguous(), None if alpha is None else alpha.contiguous())


def picture_from_pixels(data: bytes, width: int, height: int, channels: int, dtype: str) -> Picture:
    """Raw interleaved pixels (gray, gray+alpha, RGB or RGBA; u8, u16 or f32, native byte order) -> Picture."""
    if dtype not in PIXEL_DTYPES:
        raise ImageError(f"unknown pixel type {dtype!r}: use u8, u16 or f32")
    if channels not in (1, 2, 3, 4):
        raise ImageError(f"{channels} channels: use 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA)")
    check_dimensions(width, height)
    torch_dtype, full_scale = PIXEL_DTYPES[dtype]
    expected = width * height * channels * torch_dtype.itemsize
    if len(data) != expected:
        raise ImageError(f"pixel data is {len(data)} bytes; {width}x{height}x{channels} {dtype} needs {expected}")
    flat = torch.frombuffer(bytearray(data), dtype=torch_dtype)
    planes = flat.view(height, width, channels).permute(2, 0, 1).float() / full_scale
    return _planes(planes.clamp(0.0, 1.0))


def pixels_from_picture(picture: Picture, dtype: str = "u8") -> tuple[bytes, int]:
    """Picture -> (interleaved RGB or RGBA bytes, channel count) in the given pixel type."""
    if dtype not in PIXEL_DTYPES:
        raise ImageError(f"unknown pixel type {dtype!r}: use u8, u16 or f32")
    torch_dtype, full_scale = PIXEL_DTYPES[dtype]
    planes = picture.rgb if picture.alpha is None else torch.cat([picture.rgb, picture.alpha])
    values = planes.clamp(0.0, 1.0).permute(1, 2, 0)
    if dtype != "f32":
        values = (values * full_scale).round()
    return values.to(torch_dtype).contiguous().numpy().tobytes(), planes.shape[0]


def load_picture(path: str | Path) -> Picture:
    """Read an image file (any mode Pillow reads: gray, CMYK, palette, 16-bit, alpha) as a Picture."""
    try:
        with Image.open(path) as image:
            check_dimensions(*image.size, what=str(path))
            upright = ImageOps.exif_transpose(image)  # phone photos store their rotation in EXIF
            upright.load()
            return picture_from_pil(upright)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a folder, not an image") from None
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file Pillow can read") from None
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageError(f"{path}: cannot read image ({error})") from None


def picture_from_pil(image: Image.Image) -> Picture:
    """Convert any Pillow image to a Picture, keeping 16-bit precision and alpha."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode.startswith("I") or image.mode == "F":  # 16/32-bit gray: keep the precision
        as_float = image.convert("F")
        gray = torch.frombuffer(bytearray(as_float.tobytes()), dtype=torch.float32).view(1, image.height, image.width)
        sixteen_bit = image.mode.startswith("I;16") or gray.max() > 255
        full_scale = 1.0 if image.mode == "F" else 65535.0 if sixteen_bit else 255.0
        return _planes((gray / full_scale).clamp(0, 1))
    converted = image.convert("RGBA" if has_alpha else "RGB")
    data = converted.tobytes()
    return picture_from_pixels(data, image.width, image.height, len(converted.getbands()), "u8")


def save_picture(picture: Picture, path: str | Path) -> None:
    """Write an 8-bit PNG/JPEG/... (format from the suffix); alpha is kept where the format allows."""
    data, channels = pixels_from_picture(picture, "u8")
    mode = "RGBA" if channels == 4 else "RGB"
    image = Image.frombytes(mode, picture.size, data)
    if mode == "RGBA" and Path(path).suffix.lower() in (".jpg", ".jpeg"):
        image = image.convert("RGB")
    try:
        image.save(path)
    except (OSError, ValueError) as error:
        raise ImageError(f"cannot write {path}: {error}") from None


def resize(planes: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """Resize (C, H, W) planes with antialiased bicubic (downscale) / bicubic (upscale), clamped to [0, 1]."""
    if planes.shape[1:] == (height, width):
        return planes
    resized = F.interpolate(planes[None], size=(height, width), mode="bicubic", antialias=True, align_corners=False)
    return resized[0].clamp(0.0, 1.0)


def fit_long_side(width: int, height: int, long_side: int) -> tuple[int, int]:
    """Size with the given long side and the same aspect ratio (each side at least 1 px)."""
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))
