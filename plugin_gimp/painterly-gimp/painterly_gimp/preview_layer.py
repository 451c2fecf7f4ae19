"""The job's preview: a temporary layer above the source, repainted in place at each preview the daemon sends and
removed when the job ends, leaving no undo step and no dirty mark on a clean image.

Each preview is scaled to the layer by GEGL and written into its buffer, which records no undo (a plug-in's buffer
writes never do). Only inserting and
removing the layer would, so the image's undo is frozen for those two calls alone (frozen, not disabled: that would
free the artist's undo history). GIMP cancels a plug-in by killing it, and GIMP does not thaw what a killed plug-in
froze: an image left frozen would record no undo for anything the artist does next, so the plug-in never waits with
the undo frozen. The artist may keep working while the job runs.

A killed plug-in cannot remove its preview either: the next job on the image removes any layer left with the
preview's name (its name says it goes when the job ends), before it shows a preview of its own."""

from __future__ import annotations

from types import TracebackType

from gi.repository import Gegl, Gimp

from painterly_gimp.formats import babl_format
from painterly_gimp.result_layer import insert_above, move_over_region, new_layer
from painterly_gimp.source import SourceRegion
from painterly_wire import Pixels

PREVIEW_LAYER_NAME = "Painterly preview (removed when the job ends)"


def paint_scaled(layer: Gimp.Layer, pixels: Pixels) -> None:
    """Write `pixels` over the whole layer, scaled to its width (GEGL reads a buffer at any scale; nearest pixel)."""
    pixel_format = babl_format(pixels.channels, pixels.dtype)
    small = Gegl.Buffer.new(pixel_format, 0, 0, pixels.width, pixels.height)
    small.set(Gegl.Rectangle.new(0, 0, pixels.width, pixels.height), pixel_format, bytes(pixels.data))
    whole = Gegl.Rectangle.new(0, 0, layer.get_width(), layer.get_height())
    scaled = small.get(whole, layer.get_width() / pixels.width, pixel_format, Gegl.AbyssPolicy.CLAMP)
    target = layer.get_buffer()
    target.set(whole, pixel_format, scaled)
    target.flush()
    layer.update(0, 0, layer.get_width(), layer.get_height())


def remove_left_previews(image: Gimp.Image) -> None:
    """Remove the preview layers a killed plug-in left in the image (at any depth), recording no undo step."""
    while (left := image.get_layer_by_name(PREVIEW_LAYER_NAME)) is not None:
        image.undo_freeze()
        try:
            image.remove_layer(left)
        finally:
            image.undo_thaw()
        Gimp.displays_flush()


class PreviewLayer:
    """Use as a context manager around a job; `show` each preview."""

    def __init__(self, image: Gimp.Image, region: SourceRegion) -> None:
        self.image = image
        self.region = region
        self.layer: Gimp.Layer | None = None
        self.was_dirty = False

    def __enter__(self) -> PreviewLayer:
        remove_left_previews(self.image)
        return self

    def show(self, preview: Pixels) -> None:
        """Show a preview over the region, in the same layer as the previous one."""
        if self.layer is None:
            self.was_dirty = self.image.is_dirty()
            layer = new_layer(self.image, PREVIEW_LAYER_NAME, self.region.width, self.region.height)
            paint_scaled(layer, preview)
            move_over_region(layer, self.region)
            self.image.undo_freeze()
            try:
                insert_above(self.image, layer, self.region.drawable)
            finally:
                self.image.undo_thaw()
            self.layer = layer
        else:
            paint_scaled(self.layer, preview)
        Gimp.displays_flush()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Remove the preview layer and leave a clean image clean."""
        if self.layer is None:
            return
        self.image.undo_freeze()
        try:
            self.image.remove_layer(self.layer)
        finally:
            self.image.undo_thaw()
        self.layer = None
        if not self.was_dirty:
            self.image.clean_all()
        Gimp.displays_flush()
