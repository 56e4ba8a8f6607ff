"""Adam (Kingma & Ba, 2015), the optimiser the book's networks train with."""
from __future__ import annotations

import numpy as np


class Adam:
    """Adam over a list of parameter arrays; step() returns the updated arrays, new objects each time."""

    def __init__(self, params, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a finite number > 0, got {lr}")
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m1 = [np.zeros_like(p) for p in params]  # running mean of the gradient
        self.m2 = [np.zeros_like(p) for p in params]  # running mean of its square

    def step(self, params, grads) -> list[np.ndarray]:
        self.t += 1
        # the bias corrections of starting the moments at zero, folded into two scalars
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        out = []
        for m1, m2, p, g in zip(self.m1, self.m2, params, grads):
            # the same arithmetic as m1 = b1 m1 + (1 - b1) g etc., updated in place: a stack of
            # many networks has millions of parameters, and each temporary costs a pass over them
            m1 *= self.beta1
            m1 += (1 - self.beta1) * g
            m2 *= self.beta2
            m2 += (1 - self.beta2) * (g * g)
            denom = np.sqrt(m2 / c2)
            denom += self.eps
            step = np.divide(m1, denom, out=denom)
            step *= self.lr / c1
            out.append(p - step)
        return out
