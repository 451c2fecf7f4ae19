"""L-BFGS over pixels kept inside [0, 1] (projected L-BFGS with a backtracking line search).

torch.optim.LBFGS makes its first step 1/|g|_1 long (nothing moves at style-transfer scales), its strong-Wolfe
search fails on the noise of bf16 convolutions, and it leaves pixels outside [0, 1]. This one starts with a step that
moves the largest pixel by `first_step`, accepts any step with sufficient decrease, projects every trial point into
[0, 1] (so every cost it sees is the cost of a saveable image), and restarts its memory when a search fails.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Evaluate = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


class ProjectedLBFGS:
    """Minimise f over images in [0, 1]; `evaluate(x)` returns (f(x), gradient)."""

    def __init__(self, image: torch.Tensor, evaluate: Evaluate, history: int = 20, first_step: float = 0.05) -> None:
        self.image = image.detach().clamp(0.0, 1.0)
        self.evaluate = evaluate
        self.history = history
        self.first_step = first_step
        self.cost, self.gradient = evaluate(self.image)
        self._steps: list[torch.Tensor] = []
        self._gradient_changes: list[torch.Tensor] = []
        self._curvatures: list[float] = []

    def _direction(self) -> torch.Tensor:
        """-H g by the two-loop recursion; a scaled steepest descent when there is no memory."""
        g = self.gradient
        if not self._steps:
            return -g * (self.first_step / g.abs().max().clamp_min(1e-30))
        q = g.clone()
        alphas = []
        for s, y, rho in zip(
            reversed(self._steps), reversed(self._gradient_changes), reversed(self._curvatures), strict=True
        ):
            alpha = rho * torch.dot(s.flatten(), q.flatten())
            q -= alpha * y
            alphas.append(alpha)
        s, y = self._steps[-1], self._gradient_changes[-1]
        q *= torch.dot(s.flatten(), y.flatten()) / torch.dot(y.flatten(), y.flatten())
        for s, y, rho, alpha in zip(
            self._steps, self._gradient_changes, self._curvatures, reversed(alphas), strict=True
        ):
            beta = rho * torch.dot(y.flatten(), q.flatten())
            q += s * (alpha - beta)
        return -q

    def step(self) -> float:
        """One iteration (usually one evaluation); returns the cost of the current image."""
        direction = self._direction()
        scale = 1.0
        for _ in range(12):
            trial = (self.image + scale * direction).clamp(0.0, 1.0)
            moved = trial - self.image
            expected = torch.dot(self.gradient.flatten(), moved.flatten()).item()
            cost, gradient = self.evaluate(trial)
            if cost <= self.cost + 1e-4 * expected and expected < 0:
                self._remember(moved, gradient - self.gradient)
                self.image, self.cost, self.gradient = trial, cost, gradient
                return cost
            scale *= 0.3
        self._forget()
        return self.cost

    def _remember(self, step: torch.Tensor, gradient_change: torch.Tensor) -> None:
        curvature = torch.dot(step.flatten(), gradient_change.flatten()).item()
        if curvature <= 1e-10:
            return
        self._steps.append(step)
        self._gradient_changes.append(gradient_change)
        self._curvatures.append(1.0 / curvature)
        if len(self._steps) > self.history:
            del self._steps[0], self._gradient_changes[0], self._curvatures[0]

    def _forget(self) -> None:
        self._steps.clear()
        self._gradient_changes.clear()
        self._curvatures.clear()
