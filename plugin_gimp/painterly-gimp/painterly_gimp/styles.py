"""The blend of styles a job sends: style image files read through GIMP's own loaders, library styles by name."""

from __future__ import annotations

from gi.repository import Gegl, Gimp, Gio, GLib

from painterly_gimp.formats import babl_format
from painterly_gimp.request import StyleChoice
from painterly_wire import Pixels, StyleSpec
from painterly_wire.artist_error import ArtistError

MAX_STYLE_SIDE = 1024  # larger style images are scaled down before sending; the daemon scales them anyway


def load_style_image(path: str) -> Pixels:
    """A style image file (any format GIMP opens) as sRGB u8 RGB pixels, its long side at most MAX_STYLE_SIDE."""
    try:
        image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(path))
    except GLib.Error as error:
        raise ArtistError(f"Could not open the style image {path}: {error.message}") from None
    if image is None:
        raise ArtistError(f"Could not open the style image {path}.")
    try:
        width, height = image.get_width(), image.get_height()
        longest = max(width, height)
        if longest > MAX_STYLE_SIDE:
            width = max(1, round(width * MAX_STYLE_SIDE / longest))
            height = max(1, round(height * MAX_STYLE_SIDE / longest))
            image.scale(width, height)
        flat = image.flatten()
        rect = Gegl.Rectangle.new(0, 0, width, height)
        data = flat.get_buffer().get(rect, 1.0, babl_format(3, "u8"), Gegl.AbyssPolicy.NONE)
        return Pixels(width, height, 3, "u8", bytes(data))
    finally:
        image.delete()


def style_specs(sources: tuple[StyleChoice, ...]) -> list[StyleSpec]:
    """The StyleSpecs for a blend; an ArtistError when there is no style to apply."""
    if not sources:
        raise ArtistError(
            "Choose a style: a style image, a second style image or a library style, with a share above 0.",
            bad_input=True,
        )
    return [
        StyleSpec(weight=s.weight, library=s.library)
        if s.library is not None
        else StyleSpec(weight=s.weight, pixels=load_style_image(s.path))
        for s in sources
    ]
