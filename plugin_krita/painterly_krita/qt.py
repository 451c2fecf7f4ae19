"""The Qt binding of the Krita the plugin runs in: PyQt6 in Krita 6, PyQt5 in Krita 5.x.

The binding is chosen from what Krita says (`pykrita.qt_major_version()`, from Krita 5.3 on; 5.1 and 5.2 lack it
and embed Qt 5), never by trying an import: Krita 5.3 and 6 refuse the other binding, and in 5.1/5.2 an installed
PyQt6 would load a second Qt into the process. Every plugin module takes its Qt from here and writes what both
bindings accept: scoped enums (`Qt.ItemDataRole.UserRole`), `exec()`, QAction from QtGui in Qt 6.
"""

from __future__ import annotations

import pykrita

QT_MAJOR: int = getattr(pykrita, "qt_major_version", lambda: 5)()

if QT_MAJOR >= 6:
    from PyQt6 import QtCore, QtGui, QtWidgets
else:
    from PyQt5 import QtCore, QtGui, QtWidgets

__all__ = ["QT_MAJOR", "QtCore", "QtGui", "QtWidgets"]
