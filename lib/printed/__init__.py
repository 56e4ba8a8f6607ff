"""The explorables in print: each one's control at a few telling settings, side by side.

    from lib.printed import spiking as printed
    printed.draw(plt.figure(figsize=(7, 4.2)), data, currents=[10, 15.5, 20, 40, 60])

One module per explorable, named after its chapter (`lib/printed/spiking.py`, ...), each with
one function, `draw`. It takes a Figure and the very `data` the chapter hands to the explorable
(lib/explorable.py), recomputes with `lib` what the page's JavaScript recomputes
(tests/test_explorables.py checks that JavaScript against the same functions of lib), draws a
small panel per setting, titled with the numbers the page's readout would give, and returns
the Figure. In the PDF this figure stands where the web page has the explorable.

A module apiece, so that a chapter depends only on the lib modules its own figure uses: the
runner executes a chapter again when a module it imports changes (lib/book/freeze.py).
"""
from __future__ import annotations

import functools

import matplotlib as mpl
from matplotlib.figure import Figure

from lib import check

SMALL = 9  # points: the small panels' titles and labels


def _small(draw):
    """Draw in the book's style with the small panels' type sizes."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with mpl.rc_context({"font.size": SMALL, "axes.titlesize": SMALL, "axes.labelsize": SMALL,
                             "xtick.labelsize": SMALL - 1, "ytick.labelsize": SMALL - 1,
                             "legend.fontsize": SMALL - 1}):
            return draw(*args, **kwargs)
    return drawn


def _start(fig, data, *keys) -> dict:
    """Check the figure, and that data is an explorable's data holding `keys`."""
    check.instance("fig", fig, Figure), check.instance("data", data, dict)
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"data must be the explorable's data, with {', '.join(keys)}; it lacks {', '.join(missing)}")
    return data


def _settings(name: str, value, most: int) -> list:
    """value as a list of 1 to `most` settings (a list or a tuple)."""
    value = list(check.instance(name, value, (list, tuple)))
    if not 1 <= len(value) <= most:
        raise ValueError(f"{name} must hold 1 to {most} settings, got {len(value)}")
    return value
