"""Films: H.264 MP4 that decodes back to the frames drawn, the same bytes on a rerun, a poster."""
import subprocess

import matplotlib

matplotlib.use("Agg")
import imageio_ffmpeg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from lib.film import Film, ffmpeg_path, save_film  # noqa: E402


def moving_square(directory, name="square", *, size=(2, 1.5), dpi=50, frames=8, poster=-1,
                  poster_format="png"):
    """A black square stepping right over white; also returns each frame as drawn (RGB)."""
    fig = plt.figure(figsize=size, dpi=dpi)  # drawn at the film's dpi, to compare pixels
    fig.set_layout_engine("none")
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    field = np.zeros((6, 8))
    image = ax.imshow(field, cmap="gray_r", vmin=0, vmax=1)
    drawn = []

    def update(k):
        field[:] = 0
        field[2:4, k:k + 2] = 1
        image.set_data(field)
        fig.canvas.draw()
        drawn.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())

    film = save_film(fig, update, range(frames), name, fps=4, dpi=dpi, poster=poster,
                     poster_format=poster_format, directory=directory)
    plt.close(fig)
    return film, drawn


def probe(path) -> str:
    """ffmpeg's own description of a file (what it prints on stderr for `-i`)."""
    done = subprocess.run([ffmpeg_path(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return done.stderr


def decode(path, width, height):
    """Every frame of the file as (height, width, 3) RGB, decoded by ffmpeg."""
    raw = subprocess.run([ffmpeg_path(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    assert len(raw) % (width * height * 3) == 0, "frames of another size than expected"
    return list(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3))


def test_film_is_h264_with_every_frame_and_decodes_to_what_was_drawn(tmp_path):
    film, drawn = moving_square(tmp_path)
    assert isinstance(film, Film) and film.video == tmp_path / "square.mp4"
    info = probe(film.video)
    assert "Video: h264" in info and "yuv420p" in info and "100x74" in info
    # 2 x 1.5 inches at 50 dpi is 100 x 75 pixels; yuv420p H.264 needs even sizes
    assert (film.width, film.height) == (100, 74)
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(film.video))
    assert frames == film.frames == 8 and seconds == pytest.approx(2.0, abs=0.01)
    decoded = decode(film.video, 100, 74)
    assert len(decoded) == 8
    for k, (got, want) in enumerate(zip(decoded, drawn[:8])):
        assert want.shape == got.shape
        # lossy, but the square is where it was drawn: black pixels stay dark, white stay light
        error = np.abs(got.astype(int) - want.astype(int)).mean()
        assert error < 6, f"frame {k} differs by {error:.1f} grey levels on average"
    assert np.abs(decoded[0].astype(int) - decoded[-1].astype(int)).mean() > 20  # it moves


def test_two_encodes_give_the_same_bytes_and_no_metadata(tmp_path):
    first, _ = moving_square(tmp_path / "a")
    second, _ = moving_square(tmp_path / "b")
    assert first.video.read_bytes() == second.video.read_bytes()
    assert first.poster.read_bytes() == second.poster.read_bytes()
    info = probe(first.video)
    assert "creation_time" not in info and "encoder" not in info.split("Stream")[0]


def test_poster_is_the_chosen_frame(tmp_path):
    film, drawn = moving_square(tmp_path, poster=2)
    poster = np.asarray(Image.open(film.poster).convert("RGB"))
    assert poster.shape == (film.height, film.width, 3)
    assert np.array_equal(poster, drawn[2])  # frame 2 as drawn, not the last one
    assert not np.array_equal(poster, drawn[7])


def test_a_jpeg_poster_for_photographs(tmp_path):
    film, drawn = moving_square(tmp_path, poster_format="jpg")
    assert film.poster.name == "square.jpg" and film.poster.read_bytes()[:3] == b"\xff\xd8\xff"
    poster = np.asarray(Image.open(film.poster).convert("RGB")).astype(int)
    assert np.abs(poster - drawn[-1]).mean() < 6  # lossy, but the last frame
    assert 'poster="films/square.jpg"' in film.markdown(alt="A square.")


def test_markdown_plays_the_film_on_the_web_and_shows_the_poster_elsewhere(tmp_path):
    film, _ = moving_square(tmp_path)
    md = film.markdown(alt='A black square "steps" right.')
    html = md.split("```{=html}")[1].split("```")[0]
    for attribute in ("controls", "loop", "muted", "playsinline", 'poster="films/square.png"',
                      'width="100"', 'height="74"', 'aria-label="A black square &quot;steps&quot; right."'):
        assert attribute in html
    assert '<source src="films/square.mp4" type="video/mp4">' in html
    assert '<script' not in md
    pdf = md.split('content-hidden when-format="html"}')[1]
    assert "![](films/square.png)" in pdf and "moves in the HTML version" in pdf
    shown = film.show(alt="A square.")
    # Quarto adds jquery and requirejs from a CDN to any page with a text/html output
    assert shown._repr_markdown_() == film.markdown(alt="A square.")
    assert not hasattr(shown, "_repr_html_")


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="Two Words"), "name"),
    (dict(frames=[]), "frames"),
    (dict(poster=5), "poster"),
    (dict(fps=0), "fps"),
    (dict(poster_format="gif"), "poster_format"),
])
def test_bad_arguments_are_named(tmp_path, kwargs, message):
    fig, ax = plt.subplots()
    args = dict(name="ok", frames=[0, 1], poster=-1, fps=2, poster_format="png") | kwargs
    with pytest.raises(ValueError, match=message):
        save_film(fig, lambda k: None, args["frames"], args["name"], fps=args["fps"],
                  poster=args["poster"], poster_format=args["poster_format"], directory=tmp_path)
    plt.close(fig)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_alt_text_is_required(tmp_path):
    film, _ = moving_square(tmp_path, frames=2)
    with pytest.raises(ValueError, match="alt"):
        film.markdown(alt="  ")


def test_a_film_cut_short_never_has_the_real_name(tmp_path):
    fig = plt.figure(figsize=(1, 1))

    def update(k):
        if k == 3:
            raise RuntimeError("stopped while encoding")
        fig.canvas.draw()

    with pytest.raises(RuntimeError, match="stopped"):
        save_film(fig, update, range(6), "cut", fps=4, directory=tmp_path)
    plt.close(fig)
    assert not (tmp_path / "cut.mp4").exists() and not (tmp_path / "cut.png").exists()
    film, _ = moving_square(tmp_path, name="cut")
    assert film.video.stat().st_size > 1000 and not list(tmp_path.glob("*.partial.*"))
