"""The style-transfer engine: torch only, no sockets, editors or terminals.

`load_model` builds VGG-19 once; `stylize` runs one job on it. Progress leaves through a callback receiving a
`StepReport`, and a `CancelToken` stops a job within one optimiser step (raising `CancelledError`).
"""

from painterly.engine.model import StyleModel, load_model
from painterly.engine.objective import StyleImage, seed_costs
from painterly.engine.stylize import CancelledError, CancelToken, StepReport, StyleResult, stylize

__all__ = [
    "CancelToken",
    "CancelledError",
    "StepReport",
    "StyleImage",
    "StyleModel",
    "StyleResult",
    "load_model",
    "seed_costs",
    "stylize",
]
