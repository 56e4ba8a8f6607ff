"""Films: a Matplotlib figure redrawn frame by frame, encoded to H.264 MP4 with a poster frame.

    film = save_film(fig, update, frames, "fourier", fps=2)   # chapters/films/fourier.mp4 + .png
    film.show(alt="...")                                        # the <video> on the web, a still in PDF

The browser's own `<video controls>` plays the film: no JavaScript, nothing from a CDN.
ffmpeg comes from the `imageio-ffmpeg` wheel, so no system ffmpeg is needed, and the encoder is
asked for bit-exact, single-threaded output, so a rerun writes the same bytes.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from matplotlib.animation import FFMpegWriter
from matplotlib.figure import Figure

from lib import check

FILM_DIR = Path("chapters/films")  # relative to the project root, where chapters run
# Deterministic H.264: one thread (x264's frame threads reorder work), no encoder version
# string, no creation time or other metadata; +faststart puts the index first, so a browser
# can show the first frame before the whole file has arrived.
ENCODER_ARGS = ["-preset", "slow", "-tune", "animation", "-crf", "26", "-threads", "1",
                "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
                "-movflags", "+faststart"]


@dataclass(frozen=True)
class Film:
    """An encoded film: the MP4, its poster (a PNG of one frame), and their pixel size."""

    video: Path
    poster: Path
    width: int
    height: int
    frames: int

    @property
    def bytes(self) -> int:
        """Size of the MP4 file in bytes."""
        return self.video.stat().st_size

    def markdown(self, alt: str) -> str:
        """Markdown for a chapter page: the film on the web, its poster as a still elsewhere."""
        if not check.text("alt", alt).strip():
            raise ValueError("alt must describe the film, got an empty string")
        video, poster = f"films/{self.video.name}", f"films/{self.poster.name}"
        a = html.escape(alt, quote=True)
        return "\n".join([
            '::: {.content-visible when-format="html"}',
            "```{=html}",
            f'<video class="film" controls loop muted playsinline preload="metadata" '
            f'width="{self.width}" height="{self.height}" poster="{poster}" aria-label="{a}">',
            f'<source src="{video}" type="video/mp4">',
            f'<img src="{poster}" alt="{a}">',
            "</video>",
            "```",
            ":::",
            '::: {.content-hidden when-format="html"}',
            f"![]({poster}){{fig-alt=\"{a}\"}}",
            "",
            f"*A still of a film of {self.frames} frames: it moves in the HTML version of the book.*",
            ":::",
        ])

    def show(self, alt: str):
        """The film for display in a notebook cell, as Markdown (never as an HTML output)."""
        from IPython.display import Markdown

        return Markdown(self.markdown(alt))


def ffmpeg_path() -> str:
    """The ffmpeg executable shipped inside the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def save_film(fig: Figure, update, frames, name: str, *, fps: float, dpi: float = 100,
              poster: int = -1, poster_format: str = "png",
              directory: Path | str = FILM_DIR) -> Film:
    """Call `update(f)` for each f in `frames`, grab the figure each time, encode to `name`.mp4.

    The figure is drawn at `dpi` whatever the output format of the page, so the film is the
    same file for HTML and PDF. `poster` indexes `frames`: that frame is also saved as
    `name`.png (or .jpg, several times smaller for photographs), the still shown before the
    film plays and wherever films can't play.
    """
    check.instance("fig", fig, Figure), check.function("update", update), check.text("name", name)
    if isinstance(frames, (str, bytes)) or not hasattr(frames, "__iter__"):
        raise TypeError(f"frames must be a sequence of the values update() takes, got {frames!r}")
    fps, dpi = check.number("fps", fps, low=0, low_open=True), check.number("dpi", dpi, low=0, low_open=True)
    poster, directory = check.integer("poster", poster, low=None), check.instance("directory", directory, (str, Path))
    frames = list(frames)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"name must be lowercase letters, digits and hyphens, got {name!r}")
    if not frames:
        raise ValueError("frames is empty: a film needs at least one frame")
    if not -len(frames) <= poster < len(frames):
        raise ValueError(f"poster must index frames (0..{len(frames) - 1}), got {poster}")
    if poster_format not in ("png", "jpg"):
        raise ValueError(f"poster_format must be 'png' or 'jpg', got {poster_format!r}")
    if not (fps > 0 and dpi > 0):
        raise ValueError(f"fps and dpi must be positive, got fps={fps}, dpi={dpi}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    video, still = directory / f"{name}.mp4", directory / f"{name}.{poster_format}"
    # Encoded under a temporary name, renamed once whole: a film cut short never has the real one.
    partial = directory / f"{name}.partial.mp4"
    writer = FFMpegWriter(fps=fps, codec="h264", extra_args=ENCODER_ARGS)
    with mpl.rc_context({"animation.ffmpeg_path": ffmpeg_path()}), \
            writer.saving(fig, str(partial), dpi):
        for f in frames:
            update(f)
            writer.grab_frame()
    partial.replace(video)
    width, height = writer.frame_size
    update(frames[poster])
    fig.savefig(partial.with_suffix(f".{poster_format}"), dpi=dpi,
                pil_kwargs={"quality": 85} if poster_format == "jpg" else None)
    partial.with_suffix(f".{poster_format}").replace(still)
    return Film(video, still, int(width), int(height), len(frames))
