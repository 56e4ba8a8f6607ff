"""The transformers explorable in print: one word's attention in a few heads."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lib import check
from lib.attention import attention, causal_mask
from lib.printed import SMALL, _settings, _small, _start
from lib.style import OKABE_ITO


@_small
def draw(fig: Figure, data: dict, word: int, heads) -> Figure:
    """One word's attention weights over the words up to it, as bars, for each (layer, head)."""
    data = _start(fig, data, "words", "Q", "K")
    words = list(data["words"])
    T, word = len(words), check.integer("word", word, low=0, high=len(words) - 1)
    heads = _settings("heads", heads, 8)
    axes = fig.subplots(-(-len(heads) // 4), min(4, len(heads)), squeeze=False, sharey=True)
    for ax, lh in zip(axes.ravel(), heads):
        if not (isinstance(lh, (tuple, list)) and len(lh) == 2):
            raise TypeError(f"heads must hold (layer, head) pairs, got {lh!r}")
        l = check.integer("heads", lh[0], low=0, high=len(data["Q"]) - 1)
        h = check.integer("heads", lh[1], low=0, high=len(data["Q"][l]) - 1)
        Q, K = np.asarray(data["Q"][l][h], dtype=float), np.asarray(data["K"][l][h], dtype=float)
        a = attention(Q, K, np.eye(T), causal_mask(T))[1][word]  # (T,): the word's row of weights
        bars = ax.bar(range(T), a, color=[OKABE_ITO["blue"] if j <= word else "#bbbbbb" for j in range(T)])
        ax.bar_label(bars, labels=[f"{v:.2f}" if j <= word else "" for j, v in enumerate(a)],
                     fontsize=SMALL - 2, padding=1)
        ax.set(ylim=(0, 1.15), xticks=range(T), yticks=[0, 0.5, 1])
        ax.set_xticklabels(words, rotation=60)
        ax.set_title(f"layer {l + 1}, head {h + 1}\nmost on “{words[np.argmax(a)]}”: {a.max():.0%}")
    for ax in axes.ravel()[len(heads):]:
        ax.set_axis_off()
    return fig
