"""The layers a job adds: a locked "[Preview]" layer while it runs (which leaves the document's modified mark and
autosave as they were, see document_state), and the result layer right above the source."""

from __future__ import annotations

from painterly_krita.document_state import DocumentState
from painterly_krita.layer_pixels import Region, layer_bytes
from painterly_krita.qt import QtCore
from painterly_wire.artist_error import ArtistError

PREVIEW_PREFIX = "[Preview] "


class PreviewLayer:
    """A locked layer above the source showing the job's latest preview; removed when the job ends."""

    def __init__(self, document, source, region: Region, alpha: bytes, name: str, state: DocumentState) -> None:
        self.document = document
        self.state = state
        self.source = source
        self.region = region
        self.alpha = alpha
        self.name = PREVIEW_PREFIX + name
        self.node = None

    def show(self, image) -> None:
        """Show a preview image (wire Pixels), creating the layer on the first call."""
        parent = parent_in_document(self.document, self.source)  # ArtistError once the source layer is deleted
        added = self.node is None
        if added:
            self.node = self.document.createNode(self.name, "paintlayer")
            parent.addChildNode(self.node, self.source)
        region = self.region
        self.node.setLocked(False)
        self.node.setPixelData(layer_bytes(image, region, self.alpha, self.document), *_rect(region))
        self.node.setLocked(True)
        self.document.refreshProjection()
        if added:
            self.state.preview_changed()

    def remove(self) -> None:
        """Take the preview layer out of the document (if it was ever shown)."""
        if self.node is not None:
            self.node.remove()
            self.node = None
            self.document.refreshProjection()
            self.state.preview_changed()


def add_result_layer(document, source, region: Region, alpha: bytes, image, name: str):
    """Add the result as a new paint layer right above `source` and make it active; return the node."""
    parent = parent_in_document(document, source)
    node = document.createNode(name, "paintlayer")
    node.setPixelData(layer_bytes(image, region, alpha, document), *_rect(region))
    parent.addChildNode(node, source)
    document.refreshProjection()
    # Krita ignores setActiveNode for a layer added in the same event handler; let its main loop run first.
    QtCore.QTimer.singleShot(0, lambda: document.setActiveNode(node))
    return node


def parent_in_document(document, node):
    """The node's parent while the node is still in the document; ArtistError once the artist deleted it (a
    deleted node has no parent, or its parent is no longer reachable from the document's root)."""
    parent = node.parentNode()
    if parent is None or not _contains(document.rootNode(), node.uniqueId()):
        raise ArtistError(
            f"The layer {node.name()!r} was deleted while the style transfer ran, so there is no place for the "
            "result. Undo the deletion (or pick another layer) and run the filter again."
        )
    return parent


def _contains(root, unique_id) -> bool:
    return any(child.uniqueId() == unique_id or _contains(child, unique_id) for child in root.childNodes())


def _rect(region: Region) -> tuple[int, int, int, int]:
    return region.x, region.y, region.width, region.height
