"""The job's preview: a temporary layer above the source, updated in place at each preview the daemon sends and
removed when the job ends. The image's undo is frozen meanwhile (not disabled: that would free the artist's undo
history) and a clean image is marked clean again, so the preview leaves no undo step and no dirty mark behind."""

from __future__ import annotations

from types import TracebackType

from gi.repository import Gimp

from painterly_gimp.result_layer import new_layer_above, paint_over_region
from painterly_gimp.source import SourceRegion
from painterly_wire import Pixels

PREVIEW_LAYER_NAME = "Painterly preview (removed when the job ends)"


class PreviewLayer:
    """Use as a context manager around a job; `show` each preview."""

    def __init__(self, image: Gimp.Image, region: SourceRegion) -> None:
        self.image = image
        self.region = region
        self.layer: Gimp.Layer | None = None
        self.was_dirty = False

    def __enter__(self) -> PreviewLayer:
        return self

    def show(self, preview: Pixels) -> None:
        """Show a preview over the region, in the same layer as the previous one."""
        if self.layer is None:
            self.was_dirty = self.image.is_dirty()
            self.image.undo_freeze()
            self.layer = new_layer_above(
                self.image, self.region.drawable, PREVIEW_LAYER_NAME, preview.width, preview.height
            )
        else:
            self.layer.scale(preview.width, preview.height, True)  # back to the preview's size, then written over
        paint_over_region(self.layer, self.region, preview)
        Gimp.displays_flush()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Remove the preview layer, thaw the undo, and leave a clean image clean."""
        if self.layer is None:
            return
        self.image.remove_layer(self.layer)
        self.layer = None
        self.image.undo_thaw()
        if not self.was_dirty:
            self.image.clean_all()
        Gimp.displays_flush()
