"""MNIST: 70,000 handwritten digits (LeCun, Cortes, Burges; CC BY-SA 3.0), shipped with nnkit.

The four canonical IDX files (gzip) live in ``nnkit/data/mnist/``. What is checked is the *content*:
the decompressed IDX bytes must have the SHA-256 (and the published MD5) of the original release, so
the recompressed files nnkit ships and the original ``.gz`` files from a mirror both pass, while a
flipped byte anywhere fails. When a file is missing (for instance in a trimmed install), it is
downloaded once into a user cache from public mirrors and verified the same way. After the first load,
the decoded arrays are kept in that cache as ``.npy`` so that later loads are fast; the cached arrays
are verified against the same SHA-256 on every load, and a damaged cache file is decoded again.
"""
import hashlib
import os
import struct
import tempfile
import zlib
from collections import namedtuple
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..i18n import tr

__all__ = ["load_mnist", "read_idx", "mnist_files", "PACKAGE_DIR", "cache_dir", "FILES", "MIRRORS"]

PACKAGE_DIR = Path(__file__).resolve().parent / "mnist"

#: One MNIST file: its name, the SHA-256 of the ``.gz`` as nnkit ships it (a fast first check), the
#: SHA-256 and the published MD5 of its decompressed IDX content (what is verified), and its shape.
MnistFile = namedtuple("MnistFile", "name gz_sha256 sha256 md5 shape")

FILES = {
    "train_images": MnistFile("train-images-idx3-ubyte.gz",
                              "71524e2cd1ad2968737f7f2f2ff69cbfc32df8ccddff51593f7cb2d4e0eb5b64",
                              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                              "6bbc9ace898e44ae57da46a324031adb", (60000, 28, 28)),
    "train_labels": MnistFile("train-labels-idx1-ubyte.gz",
                              "fe03b8bd7915f70bf5aa08be480aa413fbd85afcaa58b35d230d335f284fd88e",
                              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                              "a25bea736e30d166cdddb491f175f624", (60000,)),
    "test_images": MnistFile("t10k-images-idx3-ubyte.gz",
                             "5634745efa576a17e7d4cf5cd9d09123c75e6538e5114267c2d156edaf519341",
                             "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                             "2646ac647ad5339dbf082846283269ea", (10000, 28, 28)),
    "test_labels": MnistFile("t10k-labels-idx1-ubyte.gz",
                             "ae18e77e031ccde52407f794d123116439864147d33ac992975f85dd4dc42af6",
                             "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                             "27ae3e4e09519cfbb04c329615203637", (10000,)),
}

#: Public mirrors of the original files, tried in order (overridable with NNKIT_MNIST_MIRRORS, space-separated).
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def cache_dir():
    """Where downloads and decoded arrays go: $NNKIT_CACHE_DIR, else ~/.cache/nnkit. Lesson 1 (behind
    ``load_mnist``).

    Inputs: none. Returns a pathlib.Path (the folder may not exist yet).
    """
    root = os.environ.get("NNKIT_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "nnkit")
    return Path(root)


def read_idx(data, name="IDX file"):
    """Parse the bytes of an IDX file (already decompressed) into a NumPy array. Lesson 1 (behind
    ``load_mnist``).

    Format: 2 zero bytes, a dtype code, the number of dimensions, one big-endian uint32 per dimension,
    then the values in C order.

    Inputs:
    - data: the bytes of one IDX file, e.g. ``gzip.decompress(open(path, "rb").read())``.
    - name: what to call the file in error messages.
    Returns an array of the shape in the header, in native byte order: for MNIST, uint8 images (N, 28, 28)
    or uint8 labels (N,). Bytes that are not one whole IDX file raise a DataError.
    """
    if len(data) < 4:
        raise DataError(tr("{name} is too short to be an IDX file ({size} bytes).", name=name, size=len(data)))
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _IDX_DTYPES or ndim == 0:
        raise DataError(tr("{name} does not start with an IDX header (bytes {hex}); it is not an MNIST file.",
                           name=name, hex=data[:4].hex()))
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(tr("{name} is truncated inside its header.", name=name))
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise DataError(tr("{name} should hold {expected:,} bytes for shape {shape}, but it holds {size:,}: the "
                           "file is truncated or damaged.", name=name, expected=expected, shape=shape,
                           size=len(data)))
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _idx_header(shape):
    """The IDX header of an unsigned-byte array of ``shape`` (what precedes the values in the file)."""
    return struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(f">{len(shape)}I", *shape)


def _content_sha256(arr):
    """SHA-256 of the IDX file that ``arr`` (uint8) was decoded from: header, then the values in C order."""
    h = hashlib.sha256(_idx_header(arr.shape))
    h.update(np.ascontiguousarray(arr))
    return h.hexdigest()


def _what_to_do(path):
    if Path(path).parent == PACKAGE_DIR:
        return tr("This file ships with the course: restore it with `git checkout -- nnkit/data/mnist` (or "
                  "reinstall nnkit), or delete it and run again: nnkit will then download and verify a fresh copy "
                  "into {folder}.", folder=cache_dir() / "mnist")
    return tr("Delete {path} and run again: nnkit will download and verify a fresh copy.", path=path)


def _decompress_and_verify(raw, spec, source, advice):
    """The verified IDX content of one ``.gz`` file, or a DataError naming ``source`` and the fix."""
    expected = len(_idx_header(spec.shape)) + int(np.prod(spec.shape))
    try:
        # At most one byte more than the file should hold: a damaged (or hostile) file that would
        # decompress to gigabytes stops here instead of filling the memory.
        unzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        data = unzip.decompress(raw, expected + 1)
    except zlib.error as exc:
        raise DataError(tr("The MNIST file {source} is corrupted or truncated: it cannot be decompressed ({exc}). "
                           "{advice}", source=source, exc=exc, advice=advice)) from None
    if hashlib.sha256(data).hexdigest() != spec.sha256 or hashlib.md5(data).hexdigest() != spec.md5:
        raise DataError(tr("The MNIST file {source} is corrupted or truncated: the SHA-256 checksum of its content "
                           "does not match the original ({size:,} bytes decompressed, {compressed:,} compressed). "
                           "{advice}", source=source, size=len(data), compressed=len(raw), advice=advice))
    return data


def _download(spec, dest, mirrors=None, timeout=30):
    """Download ``spec.name`` from the mirrors into the folder ``dest``, verify its content, return the path.

    A file is kept only after its decompressed content has the original checksum.
    """
    import urllib.error
    import urllib.request
    mirrors = mirrors or os.environ.get("NNKIT_MNIST_MIRRORS", "").split() or list(MIRRORS)
    fname = spec.name
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
        try:
            _decompress_and_verify(data, spec, url, "")
        except DataError:
            errors.append(tr("{url}: the downloaded file is not the original (wrong SHA-256 checksum of its content)",
                             url=url))
            continue
        try:
            dest.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=dest, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, dest / fname)
        except OSError as exc:
            raise DataError(tr("The MNIST file {fname} was downloaded but could not be saved in {dest} ({strerror}). "
                               "Set NNKIT_CACHE_DIR to a folder you can write to.", fname=fname, dest=dest,
                               strerror=exc.strerror)) from None
        return dest / fname
    raise DataError(tr("The MNIST file {fname} is not on this machine and could not be downloaded:\n  {errors}\nWhat "
                       "to do: connect to the internet and run again, or copy the four MNIST .gz files (from the "
                       "course repository's nnkit/data/mnist/ folder) into {dest}.", fname=fname,
                       errors="\n  ".join(errors), dest=dest))


def mnist_files(data_dir=None, download=True):
    """Paths of the four MNIST files: in ``data_dir`` if given, else shipped with nnkit, else in the cache.
    Lesson 1 (behind ``load_mnist``).

    Inputs:
    - data_dir: a folder to look in (and to download into), or None for nnkit's folder, then the cache.
    - download: True downloads missing files from the mirrors (into data_dir, or the cache) and verifies
      them; False raises a DataError for a missing file.
    Returns {"train_images": Path, "train_labels": Path, "test_images": Path, "test_labels": Path}.
    Files found are not verified here (``load_mnist`` verifies them).
    """
    dirs = [Path(data_dir)] if data_dir is not None else [PACKAGE_DIR, cache_dir() / "mnist"]
    paths = {}
    for key, spec in FILES.items():
        found = next((d / spec.name for d in dirs if (d / spec.name).is_file()), None)
        if found is None:
            if not download:
                raise DataError(tr("The MNIST file {name} is missing from {folders} and download=False. Copy the "
                                   "course's nnkit/data/mnist/*.gz files there, or call load_mnist(download=True).",
                                   name=spec.name, folders=', '.join(map(str, dirs))))
            found = _download(spec, dirs[-1])
        paths[key] = found
    return paths


def _read_cache(npy, spec):
    """The array cached in ``npy`` if it is exactly the decoded file ``spec``, else None."""
    try:
        arr = np.load(npy, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if arr.shape != spec.shape or arr.dtype != np.uint8 or _content_sha256(arr) != spec.sha256:
        return None
    return np.ascontiguousarray(arr)


def _write_cache(npy, arr):
    try:
        npy.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=npy.parent, suffix=".npy.part")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
        os.chmod(tmp, 0o644)      # public data, readable like any file (mkstemp makes it private)
        os.replace(tmp, npy)
    except OSError:
        pass   # a read-only home is fine: we just decode again next time


def _load_one(path, spec):
    """The verified array of one MNIST file.

    The ``.gz`` itself is read and hashed on every call; if it is the file nnkit ships, the decoded
    ``.npy`` cache is used after checking that its content has the original SHA-256. Otherwise (a
    download from a mirror, a damaged cache, no cache yet) the file is decompressed and its content verified.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(tr("Could not read {path}: {strerror}. {what_to_do}", path=path, strerror=exc.strerror,
                           what_to_do=_what_to_do(path))) from None
    npy = cache_dir() / "mnist" / f"{spec.sha256[:16]}.npy"
    if hashlib.sha256(raw).hexdigest() == spec.gz_sha256:
        arr = _read_cache(npy, spec)
        if arr is not None:
            return arr
    data = _decompress_and_verify(raw, spec, path.name, _what_to_do(path))
    arr = read_idx(data, path.name)
    if arr.shape != spec.shape or arr.dtype != np.uint8:    # cannot happen with a matching checksum
        raise DataError(tr("{name} holds an array of shape {shape}, expected {expected}. {what_to_do}", name=path.name,
                           shape=arr.shape, expected=spec.shape, what_to_do=_what_to_do(path)))
    _write_cache(npy, arr)
    return arr


@lru_cache(maxsize=4)
def _load_all(fingerprint):
    """Decoded, verified arrays for ``fingerprint`` = ((key, path, sha256 of the .gz), ...); kept in memory so
    that a second load in the same session of byte-identical files costs no decoding."""
    out = {}
    for key, path, _ in fingerprint:
        out[key] = _load_one(path, FILES[key])
        out[key].setflags(write=False)
    return out


def _fingerprint(paths):
    """((key, path, SHA-256 of the file), ...): read and hashed on every load (about 20 ms for all four)."""
    out = []
    for key, path in paths.items():
        try:
            sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError as exc:
            raise DataError(tr("Could not read {path}: {strerror}. {what_to_do}", path=path, strerror=exc.strerror,
                               what_to_do=_what_to_do(path))) from None
        out.append((key, str(path), sha))
    return tuple(out)


def load_mnist(flatten=False, normalize=False, dtype=np.float32, data_dir=None, download=True):
    """Load MNIST as ``(X_train, y_train, X_test, y_test)``. Lesson 1.

    Inputs:
    - flatten: False (default): images (N, 28, 28); True: rows of 784 pixels, (N, 784).
    - normalize: False (default): uint8 pixels 0..255; True: pixels / 255, floats in [0, 1] of ``dtype``.
    - dtype: the float type used with ``normalize=True`` (default np.float32; unused otherwise).
    - data_dir: a folder holding the four .gz files; None (default): the files shipped with nnkit, else the
      cache (``cache_dir()``).
    - download: True (default) downloads a missing file once (into data_dir, or the cache) and verifies it;
      False raises a DataError instead.
    Returns X_train (60000, 28, 28) or (60000, 784), y_train (60000,), X_test (10000, 28, 28) or
    (10000, 784), y_test (10000,); labels are int64 digits 0..9.
    The arrays are fresh copies: changing them does not change the next load.
    Every call reads the files and checks their SHA-256; a file already verified in this session is not
    decoded again. A missing, truncated or corrupted file raises a DataError saying how to restore it.
    """
    for name, value in (("flatten", flatten), ("normalize", normalize), ("download", download)):
        if not (isinstance(value, (bool, np.bool_)) or (isinstance(value, int) and value in (0, 1))):
            raise TypeError(tr("load_mnist: {name} must be True or False, but {value!r} was given. Arguments after "
                               "the first are best given by name, e.g. load_mnist(flatten=True).", name=name,
                               value=value))
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(tr("load_mnist: dtype must be a NumPy float type such as np.float32, but {dtype!r} was given.",
                           dtype=dtype)) from None
    if normalize and dtype.kind != "f":
        raise TypeError(tr("load_mnist: normalize=True gives pixels between 0 and 1, which need a float dtype, but "
                           "dtype={dtype} was given. Use dtype=np.float32 (the default) or np.float64.", dtype=dtype))
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(tr("load_mnist: data_dir must be a folder path (str or Path), but a {type} was given.",
                           type=type(data_dir).__name__))
    paths = mnist_files(None if data_dir is None else Path(data_dir).resolve(), download)
    d = _load_all(_fingerprint(paths))
    out = []
    for kind in ("train", "test"):
        X = d[f"{kind}_images"]
        if flatten:
            X = X.reshape(len(X), -1)
        if normalize:
            X = X.astype(dtype)          # a new float array ...
            X /= dtype.type(255)         # ... divided in place (X / 255 would make a second one)
        else:
            X = X.copy()
        out += [X, d[f"{kind}_labels"].astype(np.int64)]
    return tuple(out)
