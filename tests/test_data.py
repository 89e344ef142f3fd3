"""MNIST: the shipped files load with the right shapes and checksums; broken, truncated or missing
files (with and without a network) end in clear messages; downloads are verified."""
import gzip
import hashlib
import http.server
import shutil
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

import nnkit
from nnkit.data import mnist

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
    for key, (fname, sha, _) in mnist.FILES.items():
        assert hashlib.sha256((SHIPPED / fname).read_bytes()).hexdigest() == sha


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
    for fname, _, _ in mnist.FILES.values():
        shutil.copy(SHIPPED / fname, dst / fname)


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


def test_idx_parser_rejects_bad_headers_and_sizes():
    good = gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes())
    assert nnkit.data.read_idx(good).shape == (10000,)
    with pytest.raises(nnkit.DataError, match="truncated"):
        nnkit.data.read_idx(good[:-3])
    with pytest.raises(nnkit.DataError, match="IDX header"):
        nnkit.data.read_idx(b"PK\x03\x04" + good[4:])


def _closed_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port


def test_missing_file_without_network(tmp_path, isolated_cache, monkeypatch):
    d = tmp_path / "data"; d.mkdir(); _copy_files(d)
    (d / "train-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", f"http://127.0.0.1:{_closed_port()}/mnist/")
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
    assert sorted(p.name for p in d.glob("*.gz")) == sorted(f for f, _, _ in mnist.FILES.values())


def test_a_mirror_serving_a_wrong_file_is_rejected(tmp_path, isolated_cache, monkeypatch, mirror):
    folder, url = mirror
    _copy_files(folder)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not the real file")
    monkeypatch.setenv("NNKIT_MNIST_MIRRORS", url)
    d = tmp_path / "dl"
    with pytest.raises(nnkit.DataError, match="wrong SHA-256"):
        nnkit.load_mnist(data_dir=d)
    assert not (d / "t10k-labels-idx1-ubyte.gz").exists()     # nothing unverified is kept


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
    assert np.array_equal(S.reshape(300, -1).sum(1), X.reshape(300, -1).sum(1))   # nothing lost or added
    moved = 0
    for x, s in zip(X, S):
        found = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if np.array_equal(np.roll(x, (dy, dx), (0, 1)), s)]
        assert found, "an image was changed by more than a shift of one pixel"
        moved += found[0] != (0, 0)
    assert 200 < moved < 300                     # 8 of 9 shifts move the image
    flat = nnkit.data.random_shifts(X.reshape(300, 784), seed=1)
    assert np.array_equal(flat, S.reshape(300, 784))
    assert not np.array_equal(nnkit.data.random_shifts(X, seed=2), S)
