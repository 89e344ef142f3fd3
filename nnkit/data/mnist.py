"""MNIST: 70,000 handwritten digits (LeCun, Cortes, Burges; CC BY-SA 3.0), shipped with nnkit.

The four canonical IDX files (gzip) live in ``nnkit/data/mnist/``. Every load checks their SHA-256;
the IDX parser checks the header and the size. When the files are missing (for instance in a trimmed
install), they are downloaded once into a user cache from public mirrors and verified. After the first
load, the decoded arrays are kept in the same cache as ``.npy`` so that later loads take a fraction of
a second.
"""
import gzip
import hashlib
import os
import struct
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import DataError

__all__ = ["load_mnist", "read_idx", "mnist_files", "PACKAGE_DIR", "cache_dir", "FILES", "MIRRORS"]

PACKAGE_DIR = Path(__file__).resolve().parent / "mnist"

#: name -> (file name, SHA-256 of the .gz file, expected shape)
FILES = {
    "train_images": ("train-images-idx3-ubyte.gz",
                     "71524e2cd1ad2968737f7f2f2ff69cbfc32df8ccddff51593f7cb2d4e0eb5b64", (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte.gz",
                     "fe03b8bd7915f70bf5aa08be480aa413fbd85afcaa58b35d230d335f284fd88e", (60000,)),
    "test_images": ("t10k-images-idx3-ubyte.gz",
                    "5634745efa576a17e7d4cf5cd9d09123c75e6538e5114267c2d156edaf519341", (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte.gz",
                    "ae18e77e031ccde52407f794d123116439864147d33ac992975f85dd4dc42af6", (10000,)),
}

#: Public mirrors of the original files, tried in order (overridable with NNKIT_MNIST_MIRRORS, space-separated).
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def cache_dir():
    """Where downloads and decoded arrays go: $NNKIT_CACHE_DIR, else ~/.cache/nnkit."""
    root = os.environ.get("NNKIT_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "nnkit")
    return Path(root)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def read_idx(data, name="IDX file"):
    """Parse the bytes of an IDX file (already decompressed) into a NumPy array.

    Format: 2 zero bytes, a dtype code, the number of dimensions, one big-endian uint32 per dimension,
    then the values in C order.
    """
    if len(data) < 4:
        raise DataError(f"{name} is too short to be an IDX file ({len(data)} bytes).")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _IDX_DTYPES or ndim == 0:
        raise DataError(f"{name} does not start with an IDX header (bytes {data[:4].hex()}); it is not an MNIST file.")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{name} is truncated inside its header.")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise DataError(f"{name} should hold {expected:,} bytes for shape {shape}, but it holds {len(data):,}: "
                        f"the file is truncated or damaged.")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _what_to_do(path):
    if Path(path).parent == PACKAGE_DIR:
        return ("This file ships with the course: restore it with `git checkout -- nnkit/data/mnist` "
                "(or reinstall nnkit), or delete it so nnkit downloads a fresh copy into "
                f"{cache_dir() / 'mnist'}.")
    return f"Delete {path} and run again: nnkit will download and verify a fresh copy."


def _download(fname, sha, dest, mirrors=None, timeout=30):
    """Download ``fname`` from the mirrors into ``dest`` (a folder), verify its SHA-256, return the path."""
    import urllib.error
    import urllib.request
    mirrors = mirrors or os.environ.get("NNKIT_MNIST_MIRRORS", "").split() or list(MIRRORS)
    dest.mkdir(parents=True, exist_ok=True)
    errors = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + fname
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                from tqdm.auto import tqdm
                chunks = []
                with tqdm(total=total, unit="B", unit_scale=True, desc=f"downloading {fname}") as bar:
                    while True:
                        chunk = response.read(1 << 16)
                        if not chunk:
                            break
                        chunks.append(chunk)
                        bar.update(len(chunk))
            data = b"".join(chunks)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            errors.append(f"{url}: {getattr(exc, 'reason', exc)}")
            continue
        if _sha256(data) != sha:
            errors.append(f"{url}: downloaded file has the wrong SHA-256 checksum")
            continue
        fd, tmp = tempfile.mkstemp(dir=dest, suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest / fname)
        return dest / fname
    raise DataError(
        f"The MNIST file {fname} is not on this machine and could not be downloaded:\n  "
        + "\n  ".join(errors)
        + f"\nWhat to do: connect to the internet and run again, or copy the four MNIST .gz files "
          f"(from the course repository's nnkit/data/mnist/ folder) into {dest}.")


def mnist_files(data_dir=None, download=True):
    """Paths of the four MNIST files: in ``data_dir`` if given, else shipped with nnkit, else in the cache.

    Missing files are downloaded (when ``download``) and verified.
    """
    dirs = [Path(data_dir)] if data_dir is not None else [PACKAGE_DIR, cache_dir() / "mnist"]
    paths = {}
    for key, (fname, sha, _) in FILES.items():
        found = next((d / fname for d in dirs if (d / fname).is_file()), None)
        if found is None:
            if not download:
                raise DataError(f"The MNIST file {fname} is missing from {', '.join(map(str, dirs))} and "
                                f"download=False. Copy the course's nnkit/data/mnist/*.gz files there.")
            found = _download(fname, sha, dirs[-1])
        paths[key] = found
    return paths


def _load_one(path, sha, shape):
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"Could not read {path}: {exc.strerror}. {_what_to_do(path)}") from None
    if _sha256(raw) != sha:
        raise DataError(f"The MNIST file {path.name} is corrupted or truncated: its SHA-256 checksum does not "
                        f"match the original ({len(raw):,} bytes found). {_what_to_do(path)}")
    npy = cache_dir() / "mnist" / f"{sha[:16]}.npy"
    try:
        arr = np.load(npy, allow_pickle=False)
        if arr.shape == shape and arr.dtype == np.uint8:
            return arr
    except (OSError, ValueError):
        pass
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:   # cannot happen with a matching checksum, but be clear
        raise DataError(f"The MNIST file {path.name} could not be decompressed ({exc}). {_what_to_do(path)}") from None
    arr = read_idx(data, path.name)
    if arr.shape != shape:
        raise DataError(f"{path.name} holds an array of shape {arr.shape}, expected {shape}.")
    try:
        npy.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=npy.parent, suffix=".npy.part")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
        os.replace(tmp, npy)
    except OSError:
        pass   # a read-only home is fine: we just decode again next time
    return arr


@lru_cache(maxsize=4)
def _load_all(data_dir, download):
    paths = mnist_files(data_dir, download)
    out = {}
    for key, (fname, sha, shape) in FILES.items():
        out[key] = _load_one(paths[key], sha, shape)
        out[key].setflags(write=False)
    return out


def load_mnist(flatten=False, normalize=False, dtype=np.float32, data_dir=None, download=True):
    """Load MNIST as ``(X_train, y_train, X_test, y_test)``.

    Default: images uint8 of shape (60000, 28, 28) and (10000, 28, 28), labels int64 of shape (60000,)
    and (10000,). ``normalize=True`` gives float pixels in [0, 1] (``dtype``, float32 by default);
    ``flatten=True`` gives rows of 784 pixels, shape (N, 784).
    The arrays are fresh copies: changing them does not change the next load.
    """
    d = _load_all(None if data_dir is None else str(Path(data_dir).resolve()), bool(download))
    out = []
    for kind in ("train", "test"):
        X = d[f"{kind}_images"]
        if flatten:
            X = X.reshape(len(X), -1)
        X = (X.astype(dtype) / dtype(255)) if normalize else X.copy()
        out += [X, d[f"{kind}_labels"].astype(np.int64)]
    return tuple(out)
