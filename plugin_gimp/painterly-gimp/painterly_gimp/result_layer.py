"""The stylized layer: placed directly above its source over the stylized region, in one undo step."""

from __future__ import annotations

from gi.repository import Gegl, Gimp

from painterly_gimp.formats import babl_format
from painterly_gimp.source import SourceRegion
from painterly_wire import Pixels


def add_result_layer(image: Gimp.Image, region: SourceRegion, result: Pixels, name: str) -> Gimp.Layer:
    """Add `result` as a new layer above the source, scaled to the region, masked by the selection if any."""
    source = region.drawable
    layer_type = (
        Gimp.ImageType.GRAYA_IMAGE if image.get_base_type() == Gimp.ImageBaseType.GRAY else Gimp.ImageType.RGBA_IMAGE
    )
    image.undo_group_start()
    try:
        layer = Gimp.Layer.new(image, name, result.width, result.height, layer_type, 100.0, Gimp.LayerMode.NORMAL)
        image.insert_layer(layer, source.get_parent(), image.get_item_position(source))
        buffer = layer.get_buffer()
        rect = Gegl.Rectangle.new(0, 0, result.width, result.height)
        buffer.set(rect, babl_format(result.channels, result.dtype), bytes(result.data))
        buffer.flush()
        if (result.width, result.height) != (region.width, region.height):
            layer.scale(region.width, region.height, True)
        _, source_x, source_y = source.get_offsets()
        layer.set_offsets(source_x + region.x, source_y + region.y)
        if region.has_selection:
            layer.add_mask(layer.create_mask(Gimp.AddMaskType.SELECTION))
        image.set_selected_layers([layer])
    finally:
        image.undo_group_end()
    return layer
