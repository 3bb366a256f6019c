import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Tests and CI read the real MNIST from the shared folder beside the checkout.
SHARED_MNIST = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"
if SHARED_MNIST.is_dir():
    os.environ.setdefault("MNIST_DIR", str(SHARED_MNIST))


def quick_options(name):
    """Small settings an example's make_inputs accepts; skips examples that need MNIST when absent."""
    import inspect

    import pytest

    from tfparity.harness import load
    accepted = inspect.signature(load(name)[0].make_inputs).parameters
    if "data_dir" in accepted and not os.environ.get("MNIST_DIR"):
        pytest.skip("needs the real MNIST (MNIST_DIR)")
    quick = {"steps": 20, "epochs": 1, "train_size": 64, "test_size": 32}
    return {k: v for k, v in quick.items() if k in accepted}
