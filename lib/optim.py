"""Adam (Kingma & Ba, 2015), the optimiser the book's networks train with, and its variant with
decoupled weight decay, AdamW (Loshchilov & Hutter, 2019).

An L2 penalty (λ/2)‖w‖² is added to the loss, so its gradient λw joins the loss's gradient and
is divided, like it, by Adam's running root mean square: Adam(l2) is `Adam` given g + λw.
Decoupled weight decay shrinks the weights outside the adaptive step instead, w ← w - lr·λ·w
at every step: `Adam(params, lr, weight_decay=λ)` (PyTorch's AdamW does the same)."""
from __future__ import annotations

import numpy as np

from lib import check


class Adam:
    """Adam over a list of parameter arrays; step() returns the updated arrays, new objects each time."""

    def __init__(self, params, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.0):
        lr, eps = check.number("lr", lr, low=0, low_open=True), check.number("eps", eps, low=0, low_open=True)
        # decoupled (AdamW): each step first multiplies every parameter by 1 - lr * weight_decay
        self.weight_decay = check.number("weight_decay", weight_decay, low=0, high=1 / lr, high_open=True)
        beta1, beta2 = check.number("beta1", beta1, 0, 1, high_open=True), check.number("beta2", beta2, 0, 1, high_open=True)
        params = [check.array(f"params[{i}]", p, dtype=None, empty=True)
                  for i, p in enumerate(check.instance("params", params, (list, tuple)))]
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m1 = [np.zeros_like(p) for p in params]  # running mean of the gradient
        self.m2 = [np.zeros_like(p) for p in params]  # running mean of its square

    def step(self, params, grads) -> list[np.ndarray]:
        check.instance("params", params, (list, tuple)), check.instance("grads", grads, (list, tuple))
        if not len(params) == len(grads) == len(self.m1):
            raise ValueError(f"params and grads must hold one array per parameter ({len(self.m1)}), got "
                             f"{len(params)} and {len(grads)}")
        for i, (m, p, g) in enumerate(zip(self.m1, params, grads)):
            if np.shape(p) != m.shape or np.shape(g) != m.shape:
                raise ValueError(f"params[{i}] and grads[{i}] must have shape {m.shape}, got {np.shape(p)} and {np.shape(g)}")
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
            if self.weight_decay:
                p = p * (1 - self.lr * self.weight_decay)
            out.append(p - step)
        return out
