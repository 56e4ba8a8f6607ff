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
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self.m1[i] = self.beta1 * self.m1[i] + (1 - self.beta1) * g
            self.m2[i] = self.beta2 * self.m2[i] + (1 - self.beta2) * g**2
            m1_hat = self.m1[i] / (1 - self.beta1**self.t)  # corrects the bias of starting at zero
            m2_hat = self.m2[i] / (1 - self.beta2**self.t)
            out.append(p - self.lr * m1_hat / (np.sqrt(m2_hat) + self.eps))
        return out
