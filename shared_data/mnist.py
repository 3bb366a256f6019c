"""The real MNIST: the four standard IDX files (gzip or raw), verified by SHA-256 of their bytes.

Looked up in an explicit directory, then ``$MNIST_DIR``, then a per-user cache; with
``download=True``, when the folder found lacks files, the missing ones are fetched into that
cache (verified before they are put in place; a failed download leaves nothing behind) and read
from there. The checksums are of the uncompressed files (re-compressed gz files stay valid);
anything else is refused, never replaced: a named pipe or a device in a file's place by its type,
before it is opened (reading one would wait or never end), a file larger than MNIST's largest
before it is all read.
"""
import contextlib
import functools
import gzip
import hashlib
import os
import pathlib
import stat
import urllib.request

import numpy as np

from tfparity.core.files import kind_of

RAW_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
# Images per split: fixed by the checksums above, so sizes are checked without reading the files.
IMAGES = {"train": 60_000, "test": 10_000}
# The largest uncompressed file, the training images: a 16-byte IDX header, then 28×28 bytes per
# image. No read goes further: a larger file, or a gzip that inflates beyond it, is not MNIST.
MAX_BYTES = 16 + IMAGES["train"] * 28 * 28
MIRROR = "https://storage.googleapis.com/cvdf-datasets/mnist/"  # the one Keras downloads from
TIMEOUT = 60  # seconds without an answer before a download is given up
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "tfparity" / "mnist"


class MnistError(ValueError):
    pass


def find_directory(directory=None):
    """The folder to read: the argument, else $MNIST_DIR, else the per-user cache."""
    if directory is not None:
        return pathlib.Path(directory), "the directory given"
    if os.environ.get("MNIST_DIR"):
        return pathlib.Path(os.environ["MNIST_DIR"]), "MNIST_DIR"
    return CACHE, "the per-user cache"


def _candidates(folder, name):
    return [folder / f"{name}.gz", folder / name]


def _check_cache(folder):
    """A folder that exists or can be made: the nearest existing one above it is a folder."""
    above = next(p for p in [folder, *folder.parents] if p.exists() or p == p.parent)
    if not above.is_dir():  # e.g. XDG_CACHE_HOME naming a file
        raise MnistError(f"cannot download MNIST into {folder}: {above} is not a folder; set XDG_CACHE_HOME "
                         "to a folder, or MNIST_DIR to a folder with the four IDX files")


def _check_regular(path):
    """Refused by its type before it is opened: reading a named pipe waits, a device never ends."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise MnistError(f"{path}: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise MnistError(f"{path} is {kind_of(path)}, not a regular file: not read (MNIST's files are plain "
                         "or gzip files)")


def _download(folder, name, checksums):
    """Fetch one file into ``folder``, verified before it is renamed into place; on any failure
    (offline, interrupted, corrupt) the partial file and the folders made for it are removed."""
    made = [p for p in [folder, *folder.parents] if not p.exists()]
    _check_cache(folder)
    partial = folder / f".{name}.gz.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(MIRROR + name + ".gz", timeout=TIMEOUT) as response:
            partial.write_bytes(response.read(MAX_BYTES + 1))  # a gzip is smaller than what it holds
        actual = hashlib.sha256(gzip.decompress(partial.read_bytes())).hexdigest()
        if actual != checksums[name]:
            raise MnistError(f"downloaded {MIRROR}{name}.gz has SHA-256 {actual}, expected {checksums[name]}")
        os.replace(partial, folder / f"{name}.gz")
    except BaseException as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        for path in made:  # innermost first
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if isinstance(error, (OSError, EOFError)):  # URLError, timeouts, a truncated gzip
            reason = getattr(error, "reason", None) or error
            raise MnistError(f"cannot download {MIRROR}{name}.gz into {folder}: {reason}") from None
        raise


def _found(folder, name):
    path = next((p for p in _candidates(folder, name) if p.exists()), None)
    if path is None:
        raise MnistError(f"MNIST file {name}[.gz] not found in {folder}; set MNIST_DIR to a folder "
                         "with the four IDX files, or pass --download to fetch them into " + str(CACHE))
    return path


def read_verified(folder, name, checksums=RAW_SHA256):
    """The uncompressed bytes of one IDX file, after checking their SHA-256."""
    path = _found(pathlib.Path(folder), name)
    data = _read(path)
    actual = hashlib.sha256(data).hexdigest()
    if actual != checksums[name]:
        raise MnistError(f"{path}: SHA-256 of the uncompressed bytes is {actual}, expected "
                         f"{checksums[name]}; the file is truncated or corrupt")
    return data


def _read(path):
    """The uncompressed bytes of ``path``, a regular file (checked before it is opened), at most MAX_BYTES."""
    _check_regular(path)
    compressed = path.suffix == ".gz"
    try:
        with (gzip.open if compressed else open)(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except (OSError, EOFError) as error:
        if not compressed:
            raise MnistError(f"{path}: {getattr(error, 'strerror', None) or error}") from None
        raise MnistError(f"{path}: cannot decompress ({error}); the file is truncated or corrupt") from None
    if len(data) > MAX_BYTES:
        raise MnistError(f"{path}: more than {MAX_BYTES:,} bytes{' uncompressed' if compressed else ''}, more "
                         "than MNIST's largest file; not read further")
    return data


def parse_idx(data):
    """An IDX byte string (magic, dimensions, uint8 payload) as a numpy array."""
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 0x08:
        raise MnistError("not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    payload = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if payload.size != int(np.prod(shape)):
        raise MnistError(f"IDX payload has {payload.size} bytes, header says {shape}")
    return payload.reshape(shape)


@functools.lru_cache(maxsize=2)
def _load(folder, checksums):
    sums = dict(checksums)
    raw = {name: parse_idx(read_verified(folder, name, sums)) for name in RAW_SHA256}
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = raw[f"{prefix}-images-idx3-ubyte"]
        labels = raw[f"{prefix}-labels-idx1-ubyte"]
        out[f"{split}_x"] = (images.reshape(len(images), -1) / np.float32(255)).astype(np.float32)
        out[f"{split}_labels"] = labels.astype(np.int64)
        out[f"{split}_y"] = np.eye(10, dtype=np.float32)[labels]
    return out


def _to_read(directory, download):
    """(the folder to read, whether missing files are to be downloaded into it first)."""
    folder, source = find_directory(directory)
    missing = [n for n in RAW_SHA256 if not any(p.exists() for p in _candidates(folder, n))]
    if download and missing:  # into the cache the help names, never into MNIST_DIR
        return CACHE, True
    if not folder.is_dir():
        raise MnistError(f"MNIST not found: {folder} ({source}) is not a directory; set MNIST_DIR "
                         f"to a folder with the four IDX files, or pass --download to fetch them into {CACHE}")
    return folder, False


def check(directory=None, download=False):
    """What ``load`` would refuse before reading a byte (no folder, a missing file, a named pipe or
    a device in a file's place, a cache that cannot be made), refused now: a command calls this
    before TensorFlow loads."""
    folder, downloading = _to_read(directory, download)
    if downloading:
        _check_cache(folder)  # what is missing there is fetched, what is there is read
    for name in RAW_SHA256:
        if not downloading or any(p.exists() for p in _candidates(folder, name)):
            _check_regular(_found(folder, name))


def files(directory=None, download=False):
    """The IDX files (plain and gzip) there are in the folders a load would read: the one found and,
    with ``download``, the cache; a command's outputs may be none of them."""
    folders = [find_directory(directory)[0]] + ([CACHE] if download else [])
    return [p for folder in folders for name in RAW_SHA256 for p in _candidates(folder, name) if p.exists()]


def _ready(directory, download, checksums):
    """The folder to read, the missing files downloaded into it first when asked."""
    folder, downloading = _to_read(directory, download)
    for name in RAW_SHA256 if downloading else ():
        if not any(p.exists() for p in _candidates(folder, name)):
            _download(folder, name, dict(checksums))
    return folder


def load(directory=None, download=False, checksums=RAW_SHA256):
    """Pixels in [0, 1] as float32 [N, 784], one-hot labels [N, 10], and the integer labels."""
    folder = _ready(directory, download, checksums)
    return _load(folder.resolve(), tuple(sorted(checksums.items())))


def raw(directory=None, download=False, checksums=RAW_SHA256):
    """The four IDX files as they are, verified: uint8 arrays by file name (images [N, 28, 28],
    labels [N]), for a reader that converts them its own way (TF1's input_data did)."""
    folder = _ready(directory, download, checksums)
    return {name: parse_idx(read_verified(folder, name, dict(checksums))) for name in RAW_SHA256}
