"""The settings of the last run, kept in Krita's settings file (kritarc, group "painterly")."""

from __future__ import annotations

from krita import Krita

from painterly_krita.settings import TransferSettings

SETTINGS_GROUP = "painterly"
SETTINGS_KEY = "last_settings"


def load_settings() -> TransferSettings | None:
    """The settings of the last run, or None when there are none (or they cannot be read)."""
    text = Krita.instance().readSetting(SETTINGS_GROUP, SETTINGS_KEY, "")
    if not text:
        return None
    try:
        return TransferSettings.from_json(text)
    except (ValueError, TypeError, KeyError):
        return None


def save_settings(settings: TransferSettings) -> None:
    """Remember these settings for the next run and for Repeat Last Style Transfer."""
    Krita.instance().writeSetting(SETTINGS_GROUP, SETTINGS_KEY, settings.to_json())
