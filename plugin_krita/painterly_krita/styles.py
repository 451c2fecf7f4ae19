"""Turning the artist's style choices into the StyleSpecs a job sends: image files, open layers, library names."""

from __future__ import annotations

from krita import Krita
from PyQt5.QtGui import QImage

from painterly_krita.errors import ArtistError
from painterly_krita.layer_pixels import Region, image_bytes, read_pixels
from painterly_krita.settings import StyleChoice
from painterly_wire import Pixels, StyleSpec

LAYER_SEPARATOR = "|"


def style_specs(choices: tuple[StyleChoice, ...]) -> list[StyleSpec]:
    """One StyleSpec per choice; ArtistError names the first style that cannot be read."""
    if not choices:
        raise ArtistError("Choose at least one style: an image file, an open layer or a library style.")
    return [StyleSpec(weight=choice.weight, **_source(choice)) for choice in choices]


def _source(choice: StyleChoice) -> dict:
    if choice.kind == "library":
        return {"library": choice.ref}
    if choice.kind == "file":
        return {"pixels": file_pixels(choice.ref)}
    return {"pixels": layer_pixels(choice.ref)}


def file_pixels(path: str) -> Pixels:
    """An image file as RGBA u8 Pixels; ArtistError when Qt cannot read it."""
    image = QImage(path)
    if image.isNull():
        raise ArtistError(f"Cannot read the style image {path}: it is missing or not an image Krita can open.")
    image = image.convertToFormat(QImage.Format_RGBA8888)
    return Pixels(image.width(), image.height(), 4, "u8", image_bytes(image))


def layer_ref(document, node) -> str:
    """How a style layer of an open document is remembered: "document name|layer name"."""
    return f"{document.name()}{LAYER_SEPARATOR}{node.name()}"


def layer_pixels(ref: str) -> Pixels:
    """The pixels of an open document's layer named by `layer_ref`; ArtistError when it is not open any more."""
    document_name, _, layer_name = ref.partition(LAYER_SEPARATOR)
    for document in Krita.instance().documents():
        if document.name() == document_name:
            node = document.nodeByName(layer_name)
            if node is not None:
                return read_pixels(node, Region(0, 0, document.width(), document.height()))
    raise ArtistError(f"The style layer {layer_name!r} of {document_name!r} is not open; open it or choose another.")
