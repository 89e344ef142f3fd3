"""MNIST: the shipped files load with the right shapes and checksums; broken, truncated or missing
files (with and without a network) end in clear messages; downloads of the original files from a mirror
(a real HTTP server on loopback) are verified by their content; the decoded cache is verified on every load."""
import gzip
import hashlib
import http.server
import shutil
import threading

import numpy as np
import pytest

import nnkit
from nnkit.data import mnist
from ports import refused_port

SHIPPED = mnist.PACKAGE_DIR


def test_shapes_dtypes_and_known_values():
    Xtr, ytr, Xte, yte = nnkit.load_mnist()
    assert Xtr.shape == (60000, 28, 28) and Xte.shape == (10000, 28, 28)
    assert ytr.shape == (60000,) and yte.shape == (10000,)
    assert Xtr.dtype == np.uint8 and ytr.dtype == np.int64
    # published facts about the canonical files
    assert ytr[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert yte[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert Xtr.mean() == pytest.approx(33.318, abs=1e-3)
    assert np.bincount(ytr).tolist()[:3] == [5923, 6742, 5958]


def test_raw_md5_of_the_decoded_files_matches_the_original_release():
    # The decoded bytes must be the original IDX files, whose MD5s are widely published.
    raw = gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes())
    assert hashlib.md5(raw).hexdigest() == "27ae3e4e09519cfbb04c329615203637"
    for spec in mnist.FILES.values():
        assert hashlib.sha256((SHIPPED / spec.name).read_bytes()).hexdigest() == spec.gz_sha256
        content = gzip.decompress((SHIPPED / spec.name).read_bytes())
        assert hashlib.md5(content).hexdigest() == spec.md5
        assert hashlib.sha256(content).hexdigest() == spec.sha256


def test_normalize_and_flatten():
    Xtr, _, Xte, _ = nnkit.load_mnist(flatten=True, normalize=True)
    assert Xtr.shape == (60000, 784) and Xtr.dtype == np.float32
    assert 0.0 <= Xtr.min() and Xtr.max() == 1.0
    assert float(Xtr.mean()) == pytest.approx(0.1307, abs=1e-4)


def test_returned_arrays_are_fresh_copies():
    a = nnkit.load_mnist()[0]
    a[0, 0, 0] = 255
    assert nnkit.load_mnist()[0][0, 0, 0] == 0


def _copy_files(dst):
    for spec in mnist.FILES.values():
        shutil.copy(SHIPPED / spec.name, dst / spec.name)


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNKIT_CACHE_DIR", str(tmp_path / "cache"))
    mnist._load_all.cache_clear()
    yield tmp_path / "cache"
    mnist._load_all.cache_clear()


def test_corrupted_file_gives_a_clear_message(tmp_path, isolated_cache):
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    p = d / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(p.read_bytes()); data[100] ^= 0xFF; p.write_bytes(bytes(data))
    with pytest.raises(nnkit.DataError) as info:
        nnkit.load_mnist(data_dir=d, download=False)
    msg = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in msg and "corrupted" in msg and "Delete" in msg
    assert p.exists()                       # nothing of the user's is deleted behind their back


def test_truncated_file_gives_a_clear_message(tmp_path, isolated_cache):
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    p = d / "train-images-idx3-ubyte.gz"
    p.write_bytes(p.read_bytes()[:5000])
    with pytest.raises(nnkit.DataError, match="corrupted or truncated"):
        nnkit.load_mnist(data_dir=d, download=False)


def test_a_file_that_would_decompress_to_far_too_much_is_stopped_early(tmp_path, isolated_cache):
    import tracemalloc
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    bomb = gzip.compress(bytes(100_000_000), compresslevel=9)      # 100 MB of zeros in about 100 kB
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(bomb)
    with pytest.raises(nnkit.DataError, match="t10k-labels-idx1-ubyte.gz is corrupted"):
        nnkit.load_mnist(data_dir=d, download=False)
    tracemalloc.start()
    try:
        with pytest.raises(nnkit.DataError, match="corrupted"):
            mnist._decompress_and_verify(bomb, mnist.FILES["test_labels"], "t10k-labels-idx1-ubyte.gz", "")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000           # never more than the 10 kB the file should hold (plus change)


def test_idx_parser_rejects_bad_headers_and_sizes():
    good = gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes())
    assert nnkit.data.read_idx(good).shape == (10000,)
    with pytest.raises(nnkit.DataError, match="truncated"):
        nnkit.data.read_idx(good[:-3])
    with pytest.raises(nnkit.DataError, match="IDX header"):
        nnkit.data.read_idx(b"PK\x03\x04" + good[4:])


def test_missing_file_without_network(tmp_path, isolated_cache, monkeypatch):
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    (d / "train-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", f"http://127.0.0.1:{refused_port()}/mnist/")
    with pytest.raises(nnkit.DataError) as info:
        nnkit.load_mnist(data_dir=d)
    msg = str(info.value)
    assert "train-labels-idx1-ubyte.gz" in msg and "could not be downloaded" in msg and "What to do" in msg


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path):
    """A real HTTP mirror on loopback serving a folder, stopped at the end."""
    root = tmp_path / "mirror"; (root / "mnist").mkdir(parents=True)
    handler = lambda *a, **k: _Quiet(*a, directory=str(root), **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root / "mnist", f"http://127.0.0.1:{server.server_address[1]}/mnist/"
    server.shutdown(); server.server_close(); thread.join(5)


def test_missing_files_are_downloaded_and_verified(tmp_path, isolated_cache, monkeypatch, mirror):
    folder, url = mirror
    _copy_files(folder)
    d = tmp_path / "empty"
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", url)
    Xtr, ytr, Xte, yte = nnkit.load_mnist(data_dir=d)
    assert Xtr.shape == (60000, 28, 28) and yte[:3].tolist() == [7, 2, 1]
    assert sorted(p.name for p in d.glob("*.gz")) == sorted(spec.name for spec in mnist.FILES.values())


def test_a_mirror_serving_a_wrong_file_is_rejected(tmp_path, isolated_cache, monkeypatch, mirror):
    folder, url = mirror
    _copy_files(folder)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not the real file")
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", url)
    d = tmp_path / "dl"
    with pytest.raises(nnkit.DataError, match="wrong SHA-256"):
        nnkit.load_mnist(data_dir=d)
    assert not (d / "t10k-labels-idx1-ubyte.gz").exists()     # nothing unverified is kept


def _canonical_gz(spec, folder):
    """Write ``spec`` as the mirrors serve it: the same IDX content, gzip-compressed with the file name and
    a time stamp in its header, so its bytes (and SHA-256) differ from the file nnkit ships."""
    content = gzip.decompress((SHIPPED / spec.name).read_bytes())
    with open(folder / spec.name, "wb") as out, gzip.GzipFile(filename=spec.name[:-3], mode="wb", fileobj=out,
                                                               mtime=1_000_000_000, compresslevel=6) as fh:
        fh.write(content)
    gz = (folder / spec.name).read_bytes()
    assert hashlib.sha256(gz).hexdigest() != spec.gz_sha256 and gzip.decompress(gz) == content
    return folder / spec.name


@pytest.fixture(scope="module")
def canonical_files(tmp_path_factory):
    """The four files as the mirrors serve them (``_canonical_gz``), compressed once for this file's tests; each
    test copies them into its own mirror."""
    folder = tmp_path_factory.mktemp("canonical")
    for spec in mnist.FILES.values():
        _canonical_gz(spec, folder)
    return folder


def _serve_canonical(canonical_files, folder):
    for spec in mnist.FILES.values():
        shutil.copy(canonical_files / spec.name, folder / spec.name)


def test_original_gz_files_from_a_mirror_are_accepted(tmp_path, isolated_cache, monkeypatch, mirror, canonical_files):
    # Before content verification, a canonical download failed the SHA-256 of the shipped .gz: never a success.
    folder, url = mirror
    _serve_canonical(canonical_files, folder)
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", f"http://127.0.0.1:{refused_port()}/dead/ {url}")  # first one is down
    d = tmp_path / "dl"
    Xtr, ytr, Xte, yte = nnkit.load_mnist(data_dir=d)
    ref = nnkit.load_mnist()
    assert all(np.array_equal(a, b) for a, b in zip((Xtr, ytr, Xte, yte), ref))
    for spec in mnist.FILES.values():          # the original files are kept as downloaded
        assert (d / spec.name).read_bytes() == (folder / spec.name).read_bytes()
    mnist._load_all.cache_clear()
    assert np.array_equal(nnkit.load_mnist(data_dir=d, download=False)[0], ref[0])   # and load again offline


def test_the_message_for_a_damaged_shipped_file_leads_to_a_working_download(tmp_path, isolated_cache,
                                                                            monkeypatch, mirror, canonical_files):
    # A stand-in for nnkit/data/mnist (the real one is shared), one file damaged; mirrors serve the originals.
    shipped = tmp_path / "shipped"; shipped.mkdir(); _copy_files(shipped)
    monkeypatch.setattr(mnist, "PACKAGE_DIR", shipped)
    folder, url = mirror
    _serve_canonical(canonical_files, folder)
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", url)
    p = shipped / "train-labels-idx1-ubyte.gz"
    data = bytearray(p.read_bytes()); data[-9] ^= 0x01; p.write_bytes(bytes(data))
    with pytest.raises(nnkit.DataError) as info:
        nnkit.load_mnist()
    msg = str(info.value)
    assert "train-labels-idx1-ubyte.gz" in msg and "corrupted" in msg
    assert "delete it and run again" in msg and str(isolated_cache / "mnist") in msg
    p.unlink()                                 # do what the message says
    ytr = nnkit.load_mnist()[1]
    assert ytr[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert (isolated_cache / "mnist" / p.name).read_bytes() == (folder / p.name).read_bytes()


def test_a_mirror_serving_a_gzip_of_other_content_is_rejected(tmp_path, isolated_cache, monkeypatch, mirror):
    folder, url = mirror
    content = bytearray(gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    content[20] = (content[20] + 1) % 10      # one label changed: a valid IDX file, not MNIST
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(content)))
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", url)
    d = tmp_path / "dl"; d.mkdir()
    for spec in mnist.FILES.values():
        if spec.name != "t10k-labels-idx1-ubyte.gz":
            shutil.copy(SHIPPED / spec.name, d / spec.name)
    with pytest.raises(nnkit.DataError, match="not the original"):
        nnkit.load_mnist(data_dir=d)
    assert not (d / "t10k-labels-idx1-ubyte.gz").exists()


def _cache_file(cache, key):
    return cache / "mnist" / f"{mnist.FILES[key].sha256[:16]}.npy"


@pytest.fixture(scope="module")
def decoded_cache(tmp_path_factory):
    """A cache folder with the four decoded arrays, decoded once for this file's tests (a decode of all four: about
    0.4 s of CPU)."""
    cache = tmp_path_factory.mktemp("decoded")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNKIT_CACHE_DIR", str(cache))
        mnist._load_all.cache_clear()
        nnkit.load_mnist()
        mnist._load_all.cache_clear()
    assert len(list((cache / "mnist").glob("*.npy"))) == 4
    return cache


def _seed_cache(decoded_cache, cache):
    """Copies (never links: the tests damage them) of the decoded arrays in ``cache``, as a first load leaves them."""
    shutil.copytree(decoded_cache / "mnist", cache / "mnist")


@pytest.mark.parametrize("damage", ["flipped byte", "same-shape array", "truncated", "not an npy file",
                                    "other dtype"])
def test_a_damaged_decoded_cache_is_never_returned(tmp_path, isolated_cache, decoded_cache, damage):
    # Before the fix, any uint8 array of the right shape in the cache came back as MNIST.
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    _seed_cache(decoded_cache, isolated_cache)          # as a first load in this session would have left it
    ref = nnkit.load_mnist(data_dir=d, download=False)
    npy = _cache_file(isolated_cache, "train_images")
    assert npy.is_file()
    if damage == "flipped byte":
        data = bytearray(npy.read_bytes()); data[-1000] ^= 0x10; npy.write_bytes(bytes(data))
    elif damage == "same-shape array":
        np.save(npy, np.zeros((60000, 28, 28), np.uint8))
    elif damage == "truncated":
        npy.write_bytes(npy.read_bytes()[:100_000])
    elif damage == "not an npy file":
        npy.write_bytes(b"hello")
    else:
        np.save(npy, ref[0].astype(np.int16))
    mnist._load_all.cache_clear()             # a new session
    again = nnkit.load_mnist(data_dir=d, download=False)
    assert all(np.array_equal(a, b) for a, b in zip(again, ref))
    assert np.array_equal(np.load(npy), ref[0])    # and the cache was repaired


def test_a_file_damaged_after_a_load_is_caught_in_the_same_session(tmp_path, isolated_cache):
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    nnkit.load_mnist(data_dir=d, download=False)
    p = d / "t10k-images-idx3-ubyte.gz"
    data = bytearray(p.read_bytes()); data[5000] ^= 0x04; p.write_bytes(bytes(data))
    with pytest.raises(nnkit.DataError, match="t10k-images-idx3-ubyte.gz is corrupted"):
        nnkit.load_mnist(data_dir=d, download=False)


def test_load_mnist_argument_checks():
    with pytest.raises(TypeError, match="float dtype"):
        nnkit.load_mnist(normalize=True, dtype=np.uint8)
    with pytest.raises(TypeError, match="flatten must be True or False"):
        nnkit.load_mnist("data/")
    with pytest.raises(TypeError, match="dtype must be"):
        nnkit.load_mnist(dtype="pixels")
    X = nnkit.load_mnist(normalize=True, dtype="float64")[2]
    assert X.dtype == np.float64 and X.max() == 1.0


@pytest.mark.parametrize("maker", [nnkit.two_clouds, nnkit.moons, nnkit.circles])
def test_toy_sets_are_seeded_and_shaped(maker):
    X1, y1 = maker(seed=3)
    X2, y2 = maker(seed=3)
    X3, _ = maker(seed=4)
    assert X1.ndim == 2 and X1.shape[1] == 2 and y1.shape == (len(X1),)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2) and not np.array_equal(X1, X3)
    assert set(np.unique(y1)) == {0, 1} and abs(np.mean(y1) - 0.5) < 0.01


def test_two_clouds_is_centred_where_asked():
    X, y = nnkit.two_clouds(500, seed=0)
    assert len(X) == 1000
    assert np.allclose(X[y == 1].mean(0), [3, 2], atol=0.15)
    assert np.allclose(X[y == 0].mean(0), [0, 0], atol=0.15)


def test_random_shifts_move_each_image_by_at_most_one_pixel():
    X = nnkit.load_mnist()[2][:300]
    S = nnkit.data.random_shifts(X, seed=1)
    assert S.shape == X.shape and S.dtype == X.dtype
    assert np.all(S.reshape(300, -1).sum(1) <= X.reshape(300, -1).sum(1) + 1e-4)   # ink can leave, never appear

    def shifted(x, dy, dx):                      # zero fill: what leaves one side does not come back on the other
        out = np.zeros_like(x)
        out[max(dy, 0):x.shape[0] + min(dy, 0), max(dx, 0):x.shape[1] + min(dx, 0)] = \
            x[max(-dy, 0):x.shape[0] - max(dy, 0), max(-dx, 0):x.shape[1] - max(dx, 0)]
        return out
    corner = np.zeros((1, 28, 28), np.float32); corner[0, 0, 0] = 1
    assert all(nnkit.data.random_shifts(corner, seed=s)[0, 27, 27] == 0 for s in range(20)), "ink wrapped around"
    moved = 0
    for x, s in zip(X, S):
        found = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if np.array_equal(shifted(x, dy, dx), s)]
        assert found, "an image was changed by more than a shift of one pixel"
        moved += found[0] != (0, 0)
    assert 200 < moved < 300                     # 8 of 9 shifts move the image
    flat = nnkit.data.random_shifts(X.reshape(300, 784), seed=1)
    assert np.array_equal(flat, S.reshape(300, 784))
    assert not np.array_equal(nnkit.data.random_shifts(X, seed=2), S)


def test_the_decoded_cache_is_readable_by_others(isolated_cache):
    """MNIST is public data: the cache nnkit writes has a file's usual mode (644), not mkstemp's private 600,
    so that another user (a grading sandbox, a shared JupyterHub image) can read it instead of decoding."""
    nnkit.load_mnist()
    modes = {p.name: p.stat().st_mode & 0o777 for p in (isolated_cache / "mnist").glob("*.npy")}
    assert len(modes) == 4 and set(modes.values()) == {0o644}, modes
