"""One painting, once the job is settled (after the dialog's OK): read the source, run the job with its preview layer,
add the result layer above the source."""

from __future__ import annotations

from gi.repository import Gimp

from painterly_gimp.job import run_job
from painterly_gimp.library import library_titles
from painterly_gimp.preview_layer import PreviewLayer
from painterly_gimp.request import JobRequest
from painterly_gimp.result_layer import add_result_layer
from painterly_gimp.source import read_source
from painterly_gimp.styles import style_specs


def paint(image: Gimp.Image, source_layer: Gimp.Layer, request: JobRequest) -> Gimp.Layer:
    """Paint `source_layer` (or the selection's part of it) as `request` asks, showing the previews in a temporary
    layer, and add the result as a new layer above it; returns that layer. ArtistError for every way the job can
    fail, with nothing added to the image."""
    region = read_source(image, source_layer)
    styles = style_specs(request.styles)
    with PreviewLayer(image, region) as preview:
        result = run_job(request, region.pixels, styles, preview.show)
    titles = library_titles(request.daemon_endpoint) if request.uses_library else {}
    return add_result_layer(image, region, result, request.layer_name(titles))
