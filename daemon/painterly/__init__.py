"""Painterly: Gatys-style neural style transfer on VGG-19, served to Krita and GIMP by a local daemon."""

__version__ = "0.1.0"
