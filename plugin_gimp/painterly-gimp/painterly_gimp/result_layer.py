"""The stylized layer: placed directly above its source over the stylized region, in one undo step."""

from __future__ import annotations

from gi.repository import Gegl, Gimp

from painterly_gimp.formats import babl_format
from painterly_gimp.source import SourceRegion
from painterly_wire import Pixels


def new_layer(image: Gimp.Image, name: str, width: int, height: int) -> Gimp.Layer:
    """A new layer with alpha, of the image's colour mode, not yet in the image."""
    gray = image.get_base_type() == Gimp.ImageBaseType.GRAY
    layer_type = Gimp.ImageType.GRAYA_IMAGE if gray else Gimp.ImageType.RGBA_IMAGE
    return Gimp.Layer.new(image, name, width, height, layer_type, 100.0, Gimp.LayerMode.NORMAL)


def insert_above(image: Gimp.Image, layer: Gimp.Layer, source: Gimp.Layer) -> None:
    """Put `layer` into the image directly above `source` (in its group)."""
    image.insert_layer(layer, source.get_parent(), image.get_item_position(source))


def move_over_region(layer: Gimp.Layer, region: SourceRegion) -> None:
    """Place the layer over the region (its offsets in the image)."""
    _, source_x, source_y = region.drawable.get_offsets()
    layer.set_offsets(source_x + region.x, source_y + region.y)


def paint_over_region(layer: Gimp.Layer, region: SourceRegion, pixels: Pixels) -> None:
    """Write `pixels` into the layer (of their size), then scale and move it over the region."""
    buffer = layer.get_buffer()
    rect = Gegl.Rectangle.new(0, 0, pixels.width, pixels.height)
    buffer.set(rect, babl_format(pixels.channels, pixels.dtype), bytes(pixels.data))
    buffer.flush()
    if (pixels.width, pixels.height) != (region.width, region.height):
        layer.scale(region.width, region.height, True)
    move_over_region(layer, region)


def add_result_layer(image: Gimp.Image, region: SourceRegion, result: Pixels, name: str) -> Gimp.Layer:
    """Add `result` as a new layer above the source, scaled to the region, masked by the selection if any."""
    image.undo_group_start()
    try:
        layer = new_layer(image, name, result.width, result.height)
        insert_above(image, layer, region.drawable)
        paint_over_region(layer, region, result)
        if region.has_selection:
            layer.add_mask(layer.create_mask(Gimp.AddMaskType.SELECTION))
        image.set_selected_layers([layer])
    finally:
        image.undo_group_end()
    return layer
