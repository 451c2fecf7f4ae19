"""Turning the artist's style choices into the StyleSpecs a job sends: image files, open images and
layers, library names."""

from __future__ import annotations

from krita import Krita

from painterly_krita.layer_pixels import Region, image_bytes, read_pixels
from painterly_krita.qt import QtGui
from painterly_krita.settings import LAYER_SEPARATOR, StyleChoice
from painterly_wire import Pixels, StyleSpec
from painterly_wire.artist_error import ArtistError


def style_specs(choices: tuple[StyleChoice, ...]) -> list[StyleSpec]:
    """One StyleSpec per choice; ArtistError names the first style that cannot be read."""
    if not choices:
        raise ArtistError("Choose at least one style: an image file, an open image or layer, or a library style.")
    return [StyleSpec(weight=choice.weight, **_source(choice)) for choice in choices]


def _source(choice: StyleChoice) -> dict:
    if choice.kind == "library":
        return {"library": choice.ref}
    if choice.kind == "file":
        return {"pixels": file_pixels(choice.ref)}
    if choice.kind == "document":
        return {"pixels": document_pixels(choice.ref)}
    return {"pixels": layer_pixels(choice.ref)}


def file_pixels(path: str) -> Pixels:
    """An image file as RGBA u8 Pixels; ArtistError when Qt cannot read it."""
    image = QtGui.QImage(path)
    if image.isNull():
        raise ArtistError(f"Cannot read the style image {path}: it is missing or not an image Krita can open.")
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    return Pixels(image.width(), image.height(), 4, "u8", image_bytes(image))


def layer_ref(document, node) -> str:
    """How a style layer of an open document is remembered: "document name|layer name"."""
    return f"{document.name()}{LAYER_SEPARATOR}{node.name()}"


def open_document(name: str):
    """The open document called `name`; ArtistError when it is not open any more."""
    for document in Krita.instance().documents():
        if document.name() == name:
            return document
    raise ArtistError(f"The style image {name!r} is not open any more; open it again or choose another style.")


def document_pixels(name: str) -> Pixels:
    """The whole visible image of an open document (all its layers merged)."""
    document = open_document(name)
    return read_pixels(document, Region(0, 0, document.width(), document.height()))


def paint_layers(node):
    """Every paint layer below a node, groups included, top first."""
    for child in reversed(node.childNodes()):
        if child.type() == "paintlayer":
            yield child
        yield from paint_layers(child)


def layer_pixels(ref: str) -> Pixels:
    """The pixels of an open document's layer named by `layer_ref`; ArtistError when it is not open any more."""
    document_name, _, layer_name = ref.partition(LAYER_SEPARATOR)
    document = open_document(document_name)
    node = document.nodeByName(layer_name)
    if node is None:
        raise ArtistError(f"The image {document_name!r} has no layer {layer_name!r} any more; choose another style.")
    return read_pixels(node, Region(0, 0, document.width(), document.height()))
