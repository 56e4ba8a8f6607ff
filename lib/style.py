"""The book's one figure style. Call `use_style()` once per chapter (the shared setup does).

Importing this module changes nothing; `use_style()` sets Matplotlib's rcParams explicitly.
Figure size and dpi are left to `_quarto.yml` (the runner's first cell sets them; lib/book/run.py).
"""
from __future__ import annotations

import os

import matplotlib as mpl
from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Ordered so the first few colours also differ in lightness.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
PALETTE = list(OKABE_ITO.values())
# Ten classes (digits): Paul Tol's colour-blind-safe "muted" scheme, nine colours and a pale grey.
TEN_CLASSES = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
               "#DDCC77", "#CC6677", "#882255", "#AA4499", "#BBBBBB"]
FIELD_CMAP = "viridis"  # sequential fields: perceptually uniform, colour-blind safe
DIVERGING_CMAP = "RdBu_r"  # signed values (weights): ColorBrewer's colour-blind-safe diverging map
GREY_CMAP = "gray"

# A fixed date for every figure's metadata, so a rerun writes the same bytes (Matplotlib
# reads it for PDF and SVG; PNG carries no date). 2000-01-01T00:00:00Z.
SOURCE_DATE_EPOCH = "946684800"

RC = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "lines.linewidth": 2.0,
    "image.cmap": FIELD_CMAP,
    "image.interpolation": "nearest",  # pixels stay pixels: the book draws many small images
    "figure.constrained_layout.use": True,
    "svg.hashsalt": "working-neurons",  # SVG element ids otherwise come from a random salt
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


def use_style() -> None:
    """Apply the book's figure style to Matplotlib's rcParams (idempotent)."""
    mpl.rcParams.update(RC)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
