"""The part of the drawable a job works on: its pixels, sRGB-encoded, with alpha, at a safe precision."""

from __future__ import annotations

from dataclasses import dataclass

from gi.repository import Gegl, Gimp

from painterly_gimp.formats import babl_format, wire_dtype_for_precision
from painterly_wire import Pixels
from painterly_wire.artist_error import ArtistError
from painterly_wire.editor_choices import too_small_message

CHANNELS = 4  # RGBA whatever the image mode: GEGL converts grayscale to RGB and back


@dataclass(frozen=True)
class SourceRegion:
    """Pixels of the drawable inside the selection's bounds; x, y are relative to the drawable."""

    drawable: Gimp.Layer
    x: int
    y: int
    pixels: Pixels
    has_selection: bool

    @property
    def width(self) -> int:
        return self.pixels.width

    @property
    def height(self) -> int:
        return self.pixels.height


def check_drawable(image: Gimp.Image, drawables: list[Gimp.Drawable]) -> Gimp.Layer:
    """The one layer to stylize, or an ArtistError saying what to change."""
    if len(drawables) != 1:
        raise ArtistError("Select exactly one layer to stylize.", bad_input=True)
    drawable = drawables[0]
    if image.get_base_type() == Gimp.ImageBaseType.INDEXED:
        raise ArtistError(
            "Neural Style Transfer does not work on indexed images. "
            "Convert the image with Image > Mode > RGB (or Grayscale) first.",
            bad_input=True,
        )
    if not isinstance(drawable, Gimp.Layer):
        raise ArtistError("Select a layer, not a channel or a layer mask.", bad_input=True)
    return drawable


def source_bounds(layer: Gimp.Layer) -> tuple[int, int, int, int]:
    """x, y (relative to the layer), width and height of the part a job paints: the selection's bounds on the layer,
    all of it without a selection. An ArtistError when that is empty or too small to carry a style."""
    inside, x, y, width, height = layer.mask_intersect()
    if not inside or width <= 0 or height <= 0:
        raise ArtistError("The selection does not cover the layer: select a part of it, or nothing.")
    if too_small := too_small_message(width, height):
        raise ArtistError(too_small, bad_input=True)
    return x, y, width, height


def read_source(image: Gimp.Image, layer: Gimp.Layer) -> SourceRegion:
    """The layer's pixels inside `source_bounds`; never modifies the layer."""
    x, y, width, height = source_bounds(layer)
    dtype = wire_dtype_for_precision(image.get_precision().value_nick)
    rect = Gegl.Rectangle.new(x, y, width, height)
    data = layer.get_buffer().get(rect, 1.0, babl_format(CHANNELS, dtype), Gegl.AbyssPolicy.NONE)
    pixels = Pixels(width, height, CHANNELS, dtype, bytes(data))
    return SourceRegion(layer, x, y, pixels, has_selection=not Gimp.Selection.is_empty(image))
