"""The MNIST loader, on small IDX files written by hand here; no network."""
import gzip
import hashlib
import struct

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


def fake_mirror(tmp_path):
    """A directory of small gzipped IDX files under the real names, served by file:// URLs."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    rng = np.random.default_rng(0)
    files = {}
    for name, (filename, _) in mnist.FILES.items():
        n = 5 if "train" in name else 3
        array = rng.integers(0, 256, (n, 28, 28)) if "images" in name else rng.integers(0, 10, n)
        data = gzip.compress(idx_bytes(array.astype(np.uint8)), mtime=0)
        (mirror / filename).write_bytes(data)
        files[name] = (filename, hashlib.md5(data).hexdigest())
    return mirror.as_uri() + "/", files


def test_download_verifies_caches_and_loads(tmp_path, monkeypatch):
    url, files = fake_mirror(tmp_path)
    cache = tmp_path / "data" / "mnist"
    assert not mnist.available(cache, files)
    paths = mnist.download(cache, mirrors=("file:///nowhere/", url), files=files)  # first mirror fails
    assert mnist.available(cache, files) and all(p.parent == cache for p in paths)
    monkeypatch.setattr(mnist, "FILES", files)
    images, labels = mnist.load("train", cache)
    assert images.shape == (5, 28, 28) and labels.shape == (5,)
    assert mnist.download(cache, mirrors=("file:///nowhere/",), files=files) == paths  # cached: no fetch


def test_checksum_mismatch_is_refused_and_nothing_half_written_is_left(tmp_path):
    url, files = fake_mirror(tmp_path)
    files["train_images"] = (files["train_images"][0], "0" * 32)
    cache = tmp_path / "data" / "mnist"
    with pytest.raises(mnist.ChecksumError, match="nothing was saved"):
        mnist.download(cache, mirrors=(url,), files=files)
    assert not (cache / files["train_images"][0]).exists()
    assert not any(p.name.endswith(".part") for p in cache.iterdir())


def test_offline_is_a_clear_error(tmp_path):
    _, files = fake_mirror(tmp_path)
    with pytest.raises(ConnectionError, match="no network"):
        mnist.download(tmp_path / "cache", mirrors=("file:///definitely/not/here/",), files=files)
    assert list((tmp_path / "cache").iterdir()) == []


def test_load_without_files_says_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m lib.mnist"):
        mnist.load("train", tmp_path)
    with pytest.raises(ValueError, match="split"):
        mnist.load("validation", tmp_path)
