"""The figure style: applied only when asked, and figures that save to the same bytes."""
import io
import subprocess
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lib.style import PALETTE, SOURCE_DATE_EPOCH, use_style  # noqa: E402


def test_importing_changes_nothing():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import lib.style, lib.plots; "
            "print(before == dict(mpl.rcParams))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def render(fmt):
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1, 0, 1], label="a line")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_same_figure_same_bytes(fmt):
    with matplotlib.rc_context():
        use_style()
        first = render(fmt)
        time.sleep(1.1)  # a date written with second resolution would now differ
        assert render(fmt) == first
        assert time.strftime("%Y-%m-%d").encode() not in first
        assert time.strftime("D:%Y%m%d").encode() not in first


def test_without_the_style_svg_bytes_differ():
    # The check above can fail: Matplotlib's default SVG ids come from a random salt.
    with matplotlib.rc_context({"svg.hashsalt": None}):
        assert render("svg") != render("svg")


def test_palette_is_okabe_ito_and_used_by_default():
    with matplotlib.rc_context():
        use_style()
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert cycle == PALETTE and len(set(PALETTE)) == 8
        assert "#E69F00" in PALETTE and "#0072B2" in PALETTE and "#009E73" in PALETTE
        assert matplotlib.rcParams["font.size"] >= 10
    assert SOURCE_DATE_EPOCH.isdigit()
