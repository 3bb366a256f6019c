"""The MNIST loader: lookup order, verification, and clear errors (on small IDX files made here)."""
import gzip
import hashlib
import os
import pathlib

import numpy as np
import pytest

from shared_data import mnist

NAMES = list(mnist.RAW_SHA256)


def idx_bytes(array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def tiny(tmp_path):
    """Four tiny IDX files (3 train, 2 test images of 28×28), gzip and raw mixed, with checksums."""
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (3, 28, 28)),
              "train-labels-idx1-ubyte": np.array([3, 1, 4]),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (2, 28, 28)),
              "t10k-labels-idx1-ubyte": np.array([9, 0])}
    sums = {}
    for i, (name, array) in enumerate(arrays.items()):
        data = idx_bytes(array)
        sums[name] = hashlib.sha256(data).hexdigest()
        path = tmp_path / (name + (".gz" if i % 2 == 0 else ""))
        path.write_bytes(gzip.compress(data) if i % 2 == 0 else data)
    return tmp_path, sums, arrays


def test_loads_gzip_and_raw_scaled_and_one_hot(tiny):
    folder, sums, arrays = tiny
    data = mnist.load(folder, checksums=sums)
    assert data["train_x"].shape == (3, 784) and data["train_x"].dtype == np.float32
    np.testing.assert_array_equal(data["train_x"][0] * 255, arrays["train-images-idx3-ubyte"][0].ravel())
    assert 0.0 <= data["test_x"].min() and data["test_x"].max() <= 1.0
    np.testing.assert_array_equal(data["train_y"].argmax(1), [3, 1, 4])
    assert data["test_y"].sum() == 2


def test_explicit_directory_beats_environment_beats_cache(tiny, monkeypatch, tmp_path_factory):
    folder, _, _ = tiny
    monkeypatch.setenv("MNIST_DIR", "/from/env")
    assert mnist.find_directory(folder) == (pathlib.Path(folder), "the directory given")
    assert mnist.find_directory() == (pathlib.Path("/from/env"), "MNIST_DIR")
    monkeypatch.delenv("MNIST_DIR")
    assert mnist.find_directory() == (mnist.CACHE, "the per-user cache")


def test_missing_directory_names_it_the_variable_and_the_download_option(monkeypatch):
    monkeypatch.setenv("MNIST_DIR", "/nowhere/mnist")
    with pytest.raises(mnist.MnistError) as error:
        mnist.load()
    message = str(error.value)
    assert "/nowhere/mnist" in message and "MNIST_DIR" in message and "--download" in message
    assert "\n" not in message


def test_missing_file_is_named(tiny):
    folder, sums, _ = tiny
    (folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(mnist.MnistError, match="t10k-labels-idx1-ubyte.*not found"):
        mnist.load(folder, checksums=sums)


def test_corrupt_file_names_expected_and_actual_checksum(tiny):
    folder, sums, _ = tiny
    path = folder / "train-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:-1] + b"\x07")
    with pytest.raises(mnist.MnistError) as error:
        mnist.load(folder, checksums=sums)
    message = str(error.value)
    assert str(path) in message and sums["train-labels-idx1-ubyte"] in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() in message


def test_truncated_gzip_is_named(tiny):
    folder, sums, _ = tiny
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(mnist.MnistError, match="train-images-idx3-ubyte.gz.*truncated or corrupt"):
        mnist.load(folder, checksums=sums)


def test_real_mnist_is_verified_and_complete():
    if not os.environ.get("MNIST_DIR"):
        pytest.skip("the real MNIST lies beside the checkout in CI; set MNIST_DIR elsewhere")
    data = mnist.load()
    assert data["train_x"].shape == (60000, 784) and data["test_x"].shape == (10000, 784)
    assert data["train_y"].shape == (60000, 10) and set(np.unique(data["test_labels"])) == set(range(10))
    assert list(data["test_labels"][:5]) == [7, 2, 1, 0, 4]
