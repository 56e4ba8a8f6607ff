"""Shared figure helpers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

from lib.plots import animation_html, grid, plot_surface  # noqa: E402


def tiny_animation():
    fig, ax = plt.subplots(figsize=(2, 2))
    (line,) = ax.plot([0, 1], [0, 0])
    anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    plt.close(fig)
    return anim


def test_animation_html_is_deterministic():
    first, second = animation_html(tiny_animation(), "demo").data, animation_html(tiny_animation(), "demo").data
    assert first == second and "anim_imgdemo" in first
    assert tiny_animation().to_jshtml() != tiny_animation().to_jshtml()  # what we are fixing


def test_jpeg_frames_are_deterministic_too():
    first = animation_html(tiny_animation(), "demo", frame_format="jpeg").data
    assert first == animation_html(tiny_animation(), "demo", frame_format="jpeg").data
    assert "data:image/jpeg;base64" in first


def test_animation_name_is_checked():
    anim = tiny_animation()
    with pytest.raises(ValueError, match="name"):
        animation_html(anim, "two words")
    anim.to_jshtml()  # an animation never rendered warns when it is collected


def test_grid_and_surface():
    P = grid((0, 1, 0, 2), n=3)
    assert P.shape == (9, 2) and P[0].tolist() == [0, 0] and P[-1].tolist() == [1, 2]
    fig, ax = plt.subplots()
    assert plot_surface(ax, lambda Q: Q[:, 0], extent=(0, 1, 0, 1), n=5) is ax
    assert np.allclose(ax.images[0].get_array()[0], np.linspace(0, 1, 5))
    plt.close(fig)
