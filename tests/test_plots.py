"""Shared figure helpers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lib.plots import grid, plot_surface  # noqa: E402


def test_grid_and_surface():
    P = grid((0, 1, 0, 2), n=3)
    assert P.shape == (9, 2) and P[0].tolist() == [0, 0] and P[-1].tolist() == [1, 2]
    fig, ax = plt.subplots()
    assert plot_surface(ax, lambda Q: Q[:, 0], extent=(0, 1, 0, 1), n=5) is ax
    assert np.allclose(ax.images[0].get_array()[0], np.linspace(0, 1, 5))
    plt.close(fig)
