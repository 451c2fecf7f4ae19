"""The Neural Style Transfer dialog: styles with blend weights, strength, quality, resolution, colours, advanced."""

from __future__ import annotations

from dataclasses import replace

from krita import Krita

from painterly_krita.qt import QtCore, QtGui, QtWidgets
from painterly_krita.settings import StyleChoice, TransferSettings
from painterly_krita.style_library import LibraryLoader, thumbnail_icon
from painterly_krita.styles import layer_ref, paint_layers
from painterly_wire import editor_choices as choices
from painterly_wire.artist_error import ArtistError

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif)"
THUMBNAIL_SIDE = 64
STYLE_LIST_HEIGHT = 110


class StyleTransferDialog(QtWidgets.QDialog):
    """Shows `settings` for editing, for a layer (or selection) of `layer_size` (width, height); after exec() ==
    Accepted, `settings()` returns what the artist chose."""

    def __init__(
        self, settings: TransferSettings, layer_size: tuple[int, int], parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("painterly_dialog")
        self.setWindowTitle("Neural Style Transfer")
        self.initial = settings
        self.layer_size = layer_size
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self._style_box())
        layout.addWidget(self._library_box())
        layout.addLayout(self._options_form())
        layout.addWidget(self._advanced_box())
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("buttons")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for choice in settings.styles:
            self.add_style(choice)
        self._style_selected()
        self.loaders: list[LibraryLoader] = []
        self.library_endpoint = ""
        self.endpoint.editingFinished.connect(self._load_library)
        self.finished.connect(self._stop_loaders)
        self._load_library()

    def settings(self) -> TransferSettings:
        """The settings as the dialog shows them now."""
        styles = tuple(
            self.styles.item(row).data(QtCore.Qt.ItemDataRole.UserRole) for row in range(self.styles.count())
        )
        return replace(
            self.initial,
            styles=styles,
            strength=self.strength.value(),
            preset=self.preset.currentData(),
            resolution=self.resolution.currentData(),
            size=self.size.value(),
            preserve_colours=self.preserve_colours.isChecked(),
            iterations=self.iterations.value(),
            endpoint=self.endpoint.text().strip() or self.initial.endpoint,
            daemon_command=self.daemon_command.text().strip(),
        )

    def add_style(self, choice: StyleChoice) -> None:
        """Add one style to the blend and select it."""
        item = QtWidgets.QListWidgetItem(self.styles)
        item.setData(QtCore.Qt.ItemDataRole.UserRole, choice)
        self._label(item)
        self.styles.setCurrentItem(item)

    def _style_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Styles (several are blended by weight)", self)
        self.styles = QtWidgets.QListWidget(box)
        self.styles.setObjectName("styles")
        self.styles.setMaximumHeight(STYLE_LIST_HEIGHT)
        self.styles.currentItemChanged.connect(self._style_selected)
        self.weight = QtWidgets.QDoubleSpinBox(box)
        self.weight.setObjectName("weight")
        self.weight.setRange(0.0, 100.0)
        self.weight.setSingleStep(0.1)
        self.weight.valueChanged.connect(self._weight_changed)
        buttons = QtWidgets.QHBoxLayout()
        for name, text, slot in (
            ("add_file", "Image file…", self._add_file),
            ("add_layer", "Open image or layer…", self._add_open_image),
            ("remove_style", "Remove", self._remove_style),
        ):
            button = QtWidgets.QPushButton(text, box)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(QtWidgets.QLabel("Weight:", box))
        buttons.addWidget(self.weight)
        layout = QtWidgets.QVBoxLayout(box)
        layout.addWidget(self.styles)
        layout.addLayout(buttons)
        return box

    def _library_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Style library (double-click to add)", self)
        self.library = QtWidgets.QListWidget(box)
        self.library.setObjectName("library")
        self.library.setViewMode(QtWidgets.QListView.ViewMode.IconMode)
        self.library.setIconSize(QtCore.QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.library.setMaximumHeight(THUMBNAIL_SIDE * 2 + 16)
        self.library.itemDoubleClicked.connect(lambda item: self.add_style(item.data(QtCore.Qt.ItemDataRole.UserRole)))
        self.library_status = QtWidgets.QLabel(box)
        self.library_status.setObjectName("library_status")
        layout = QtWidgets.QVBoxLayout(box)
        layout.addWidget(self.library_status)
        layout.addWidget(self.library)
        return box

    def _options_form(self) -> QtWidgets.QFormLayout:
        settings = self.initial
        self.strength = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal, self)
        self.strength.setObjectName("strength")
        self.strength.setRange(choices.MIN_STRENGTH, choices.MAX_STRENGTH)
        self.strength.setValue(settings.strength)
        self.preset = QtWidgets.QComboBox(self)
        self.preset.setObjectName("preset")
        for preset in choices.PRESETS:
            self.preset.addItem(choices.PRESET_TITLES[preset], preset)
        self.preset.setCurrentIndex(choices.PRESETS.index(settings.preset))
        self.resolution = QtWidgets.QComboBox(self)
        self.resolution.setObjectName("resolution")
        for resolution in choices.RESOLUTIONS:
            self.resolution.addItem(choices.RESOLUTION_TITLES[resolution], resolution)
        self.size = QtWidgets.QSpinBox(self)
        self.size.setObjectName("size")
        self.size.setRange(choices.MIN_SIZE, choices.MAX_SIZE)
        self.size.setSuffix(" px (long side)")
        self.size.setValue(settings.size)
        self.resolution_note = QtWidgets.QLabel(self)
        self.resolution_note.setObjectName("resolution_note")
        self.resolution_note.setWordWrap(True)
        self.resolution.currentIndexChanged.connect(self._resolution_changed)
        self.size.valueChanged.connect(self._resolution_changed)
        self.resolution.setCurrentIndex(choices.RESOLUTIONS.index(settings.resolution))
        self._resolution_changed()
        resolution = QtWidgets.QHBoxLayout()
        resolution.addWidget(self.resolution)
        resolution.addWidget(self.size)
        self.preserve_colours = QtWidgets.QCheckBox("Keep the layer's own colours", self)
        self.preserve_colours.setObjectName("preserve_colours")
        self.preserve_colours.setChecked(settings.preserve_colours)
        strength = QtWidgets.QHBoxLayout()
        strength.addWidget(QtWidgets.QLabel("Content", self))
        strength.addWidget(self.strength)
        strength.addWidget(QtWidgets.QLabel("Style", self))
        form = QtWidgets.QFormLayout()
        form.addRow("Strength:", strength)
        form.addRow("Quality:", self.preset)
        form.addRow("Resolution:", resolution)
        form.addRow("", self.resolution_note)
        form.addRow("Colours:", self.preserve_colours)
        return form

    def _advanced_box(self) -> QtWidgets.QGroupBox:
        settings = self.initial
        box = QtWidgets.QGroupBox("Advanced", self)
        box.setObjectName("advanced")
        self.endpoint = QtWidgets.QLineEdit(settings.endpoint, box)
        self.endpoint.setObjectName("endpoint")
        self.daemon_command = QtWidgets.QLineEdit(settings.daemon_command, box)
        self.daemon_command.setObjectName("daemon_command")
        self.daemon_command.setPlaceholderText("empty: never start a daemon")
        self.iterations = QtWidgets.QSpinBox(box)
        self.iterations.setObjectName("iterations")
        self.iterations.setRange(0, choices.MAX_ITERATIONS)
        self.iterations.setSpecialValueText("as the quality preset says")
        self.iterations.setValue(settings.iterations)
        form = QtWidgets.QFormLayout(box)
        form.addRow("Daemon endpoint:", self.endpoint)
        form.addRow("Start the daemon with:", self.daemon_command)
        form.addRow("Iterations:", self.iterations)
        return box

    def _resolution_changed(self, *_values) -> None:
        """Offer the number for a custom resolution only, and say at what size the layer will be painted."""
        resolution = self.resolution.currentData()
        self.size.setEnabled(resolution == "custom")
        width, height = self.layer_size
        painted = choices.painted_side(resolution, self.size.value(), width, height)
        self.resolution_note.setText(
            choices.scaled_up_note(painted, width, height)
            or f"Painted at the layer's own size, {width}x{height} px: full detail at 100 %."
        )

    def _label(self, item: QtWidgets.QListWidgetItem) -> None:
        choice = item.data(QtCore.Qt.ItemDataRole.UserRole)
        item.setText(f"{choice.label()} ({choice.kind}) × {choice.weight:g}")

    def _style_selected(self, *_items) -> None:
        item = self.styles.currentItem()
        self.weight.setEnabled(item is not None)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setEnabled(self.styles.count() > 0)
        if item is not None:
            self.weight.blockSignals(True)
            self.weight.setValue(item.data(QtCore.Qt.ItemDataRole.UserRole).weight)
            self.weight.blockSignals(False)

    def _weight_changed(self, weight: float) -> None:
        item = self.styles.currentItem()
        if item is not None:
            item.setData(
                QtCore.Qt.ItemDataRole.UserRole, replace(item.data(QtCore.Qt.ItemDataRole.UserRole), weight=weight)
            )
            self._label(item)

    def _add_file(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Style image", "", IMAGE_FILTER)
        if path:
            self.add_style(StyleChoice("file", path))

    def _add_open_image(self) -> None:
        """A menu of the open images (merged) and their paint layers, groups included."""
        menu = QtWidgets.QMenu(self)
        for document in Krita.instance().documents():
            image = StyleChoice("document", document.name(), title=document.name())
            menu.addAction(f"{document.name()} (whole image)").triggered.connect(
                lambda _checked, choice=image: self.add_style(choice)
            )
            for node in paint_layers(document.rootNode()):
                layer = StyleChoice("layer", layer_ref(document, node), title=node.name())
                menu.addAction(f"    {node.name()}").triggered.connect(
                    lambda _checked, choice=layer: self.add_style(choice)
                )
        if menu.isEmpty():
            menu.addAction("No open images").setEnabled(False)
        menu.exec(self.mapToGlobal(self.rect().center()))

    def _remove_style(self) -> None:
        row = self.styles.currentRow()
        if row >= 0:
            self.styles.takeItem(row)
        self._style_selected()

    def _load_library(self) -> None:
        """Ask the daemon at the endpoint shown for its styles (again, when the endpoint changed)."""
        endpoint = self.endpoint.text().strip()
        if endpoint == self.library_endpoint:
            return
        self.library_endpoint = endpoint
        self.library.clear()
        self.library_status.setText("Asking the daemon for its styles…")
        loader = LibraryLoader(endpoint, self)
        loader.loaded.connect(self._show_library)
        loader.unavailable.connect(self._library_unavailable)
        self.loaders.append(loader)
        loader.start()

    def _stop_loaders(self) -> None:
        for loader in self.loaders:
            loader.wait()

    @QtCore.pyqtSlot(str, list)
    def _show_library(self, endpoint: str, styles: list) -> None:
        if endpoint != self.library_endpoint:
            return
        self.library_status.setText(f"{len(styles)} styles from the daemon")
        for style in styles:
            try:
                icon = thumbnail_icon(style)
            except ArtistError:
                icon = QtGui.QIcon()
            item = QtWidgets.QListWidgetItem(icon, style.title, self.library)
            item.setToolTip(f"{style.title}, {style.artist}" if style.artist else style.title)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, StyleChoice("library", style.name, title=style.title))

    @QtCore.pyqtSlot(str, str)
    def _library_unavailable(self, endpoint: str, reason: str) -> None:
        if endpoint != self.library_endpoint:
            return
        self.library_status.setText(f"No style library: {reason}. Image files and open images still work.")
