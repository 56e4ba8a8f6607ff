"""MNIST: the four original IDX files, downloaded once into data/mnist/, verified, parsed with NumPy.

    python -m lib.mnist          # download (about 11 MB) into data/mnist/

Nothing in the book downloads by itself: chapters use MNIST when these files are present and
fall back to scikit-learn's bundled digits otherwise. A download is written to a temporary
file beside its target and renamed only once its checksum matches, so data/ never holds a
half-written or corrupt file under the real name.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from lib import check

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist"
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")
FILES = {  # name: (file, MD5 of the gzipped file as published with the data set)
    "train_images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
}
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class IDXError(ValueError):
    """A file that is not a well-formed IDX file."""


class ChecksumError(ValueError):
    """A file whose checksum is not the published one."""


def parse_idx(raw: bytes) -> np.ndarray:
    """Parse IDX bytes: 2 zero bytes, a type code, the number of dimensions, the dimensions as
    big-endian int32, then the data in C order."""
    raw = bytes(check.instance("raw", raw, (bytes, bytearray, memoryview)))
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise IDXError("not an IDX file: it must start with two zero bytes")
    if raw[2] not in IDX_TYPES:
        raise IDXError(f"unknown IDX data type code 0x{raw[2]:02x}")
    ndim, dtype = raw[3], np.dtype(IDX_TYPES[raw[2]])
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"truncated IDX header: {ndim} dimensions need {header} bytes, got {len(raw)}")
    shape = tuple(int(v) for v in np.frombuffer(raw, ">i4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise IDXError(f"IDX data for shape {shape} needs {expected} bytes, the file has {len(raw)}"
                       + (" (truncated)" if len(raw) < expected else " (trailing bytes)"))
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: Path | str) -> np.ndarray:
    """Read an IDX file, gzipped (.gz) or not."""
    check.instance("path", path, (str, os.PathLike))
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise IDXError(f"{path}: corrupt or truncated gzip data ({e})") from None
    try:
        return parse_idx(raw)
    except IDXError as e:
        raise IDXError(f"{path}: {e}") from None


def md5(path: Path) -> str:
    check.instance("path", path, (str, os.PathLike))
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def available(data_dir: Path = DATA_DIR, files: dict = FILES) -> bool:
    """Whether every MNIST file is already in `data_dir`."""
    check.instance("data_dir", data_dir, (str, os.PathLike)), check.instance("files", files, dict)
    return all((Path(data_dir) / name).is_file() for name, _ in files.values())


def download(data_dir: Path = DATA_DIR, mirrors=MIRRORS, files: dict = FILES, timeout: float = 60) -> list[Path]:
    """Fetch every missing file into data_dir, trying each mirror; verify each checksum."""
    check.instance("data_dir", data_dir, (str, os.PathLike)), check.instance("files", files, dict)
    check.instance("mirrors", mirrors, (list, tuple)), check.number("timeout", timeout, low=0, low_open=True)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, checksum in files.values():
        target = data_dir / name
        if not target.is_file():
            _fetch(name, checksum, target, mirrors, timeout)
        elif md5(target) != checksum:
            raise ChecksumError(f"{target} is in the cache but its MD5 is {md5(target)}, not {checksum}: "
                                f"delete it and download again")
        paths.append(target)
    return paths


def _fetch(name: str, checksum: str, target: Path, mirrors, timeout: float) -> None:
    errors = []
    for mirror in mirrors:
        fd, part = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(mirror + name, timeout=timeout) as response:
                while block := response.read(1 << 20):
                    out.write(block)
            got = md5(Path(part))
            if got != checksum:
                raise ChecksumError(f"{mirror + name}: MD5 {got}, expected {checksum}; nothing was saved")
            os.replace(part, target)  # atomic: the real name appears only for a verified file
            return
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            errors.append(f"{mirror + name}: {e}")
        finally:
            if os.path.exists(part):
                os.remove(part)
    raise ConnectionError(f"could not download {name} (no network?). Tried:\n  " + "\n  ".join(errors))


def load(split: str = "train", data_dir: Path = DATA_DIR) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28) uint8 and labels (n,) of the 'train' (60,000) or 'test' (10,000) split,
    from the cache; checksums are verified first."""
    check.choice("split", split, ("train", "test")), check.instance("data_dir", data_dir, (str, os.PathLike))
    arrays = []
    for kind in ("images", "labels"):
        name, checksum = FILES[f"{split}_{kind}"]
        path = Path(data_dir) / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `python -m lib.mnist` to download MNIST")
        if md5(path) != checksum:
            raise ChecksumError(f"{path}: MD5 {md5(path)}, expected {checksum}")
        arrays.append(read_idx(path))
    images, labels = arrays
    if images.ndim != 3 or labels.shape != (len(images),):
        raise IDXError(f"images {images.shape} and labels {labels.shape} do not match")
    return images, labels


if __name__ == "__main__":
    try:
        for p in download():
            print(f"{p}  ok")
    except (ConnectionError, ChecksumError) as e:
        sys.exit(f"error: {e}")
