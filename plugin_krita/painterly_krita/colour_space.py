"""Converting raw layer bytes between colour spaces with Krita's own colour management.

The plugin works in one colour space, 8-bit sRGB with alpha. Layers in any other model, depth or profile are
converted into it through a hidden scratch document, and results converted back to the document's space.
"""

from __future__ import annotations

from dataclasses import dataclass

from krita import Krita

from painterly_wire.artist_error import ArtistError


@dataclass(frozen=True)
class ColourSpace:
    """A Krita colour space: model ("RGBA", "GRAYA", "CMYKA", ...), depth ("U8", "U16", "F16", "F32"), profile."""

    model: str
    depth: str
    profile: str

    @classmethod
    def of(cls, node_or_document) -> ColourSpace:
        """The colour space of a Node or a Document."""
        return cls(node_or_document.colorModel(), node_or_document.colorDepth(), node_or_document.colorProfile())

    def __str__(self) -> str:
        return f"{self.model}/{self.depth} ({self.profile})"


WORKING_SPACE = ColourSpace("RGBA", "U8", "sRGB-elle-V2-srgbtrc.icc")


def stores_rgba8(space: ColourSpace) -> bool:
    """True when raw bytes in `space` are 8-bit B,G,R,A, which the plugin uses as they are."""
    return space.model == "RGBA" and space.depth == "U8"


def convert(data: bytes, width: int, height: int, source: ColourSpace, target: ColourSpace) -> bytes:
    """Raw pixel bytes of `source` space as raw bytes of `target` space; ArtistError when Krita cannot convert."""
    scratch = Krita.instance().createDocument(
        width, height, "painterly-conversion", source.model, source.depth, source.profile, 72.0
    )
    if scratch is None:
        raise ArtistError(f"Krita cannot make an image in the colour space {source}.")
    try:
        scratch.rootNode().childNodes()[0].setPixelData(data, 0, 0, width, height)
        if not scratch.setColorSpace(target.model, target.depth, target.profile):
            raise ArtistError(f"Krita cannot convert pixels from {source} to {target}.")
        scratch.waitForDone()
        return bytes(scratch.rootNode().childNodes()[0].pixelData(0, 0, width, height))
    finally:
        scratch.close()
