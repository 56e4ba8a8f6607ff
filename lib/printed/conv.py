"""The convolution explorable in print: the photo's feature map with a few kernels."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib.conv import conv2d
from lib.explorable import photo
from lib.printed import _settings, _small, _start
from lib.style import DIVERGING_CMAP


@_small
def draw(fig: Figure, data: dict, kernels) -> Figure:
    """The photo, then its feature map with each named kernel (red positive, blue negative), the kernel below it."""
    data = _start(fig, data, "side", "photo", "kernels")
    kernels = _settings("kernels", kernels, 5)
    if any(not isinstance(k, str) or k not in data["kernels"] for k in kernels):
        raise ValueError(f"kernels must name the explorable's kernels, {list(data['kernels'])}, got {kernels}")
    x = photo(data)
    axes = fig.subplots(2, 3).ravel()
    axes[0].imshow(x, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title(f"the photo, {x.shape[0]} × {x.shape[1]}")
    for ax, name in zip(axes[1:], kernels):
        w = np.asarray(data["kernels"][name], dtype=float)
        fm = conv2d(x, w)
        top = np.sort(np.abs(fm).ravel())[int(0.995 * (fm.size - 1))]  # the page's colour scale
        ax.imshow(fm, cmap=DIVERGING_CMAP, vmin=-top, vmax=top)
        ax.set_title(name)
        ax.set_xlabel("\n".join("  ".join(f"{v:g}" if v == int(v) else f"{v:.2f}" for v in row) for row in w),
                      family="monospace")
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[1 + len(kernels):]:
        ax.set_axis_off()
    return fig
