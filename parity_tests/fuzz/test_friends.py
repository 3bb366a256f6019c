"""The fuzz table of ``tfparity friends`` (see parity_tests/fuzz/__init__.py). Every case answers
before TensorFlow loads: a whole measurement takes most of a minute."""
import os

import pytest

from parity_tests.fuzz import Case, InProcess, read_only, run
from tfparity.cli import friends, parser
from tfparity.core import quiet
from tfparity.core.exits import Exit


def empty_mnist(folder):
    (folder / "mnist").mkdir()


def fake_mnist(folder):
    """An MNIST folder whose four files are there (the checks before a run look no further)."""
    (folder / "mnist").mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (folder / "mnist" / f"{name}.gz").write_bytes(b"the user's\n")


def fifo_mnist(folder):
    (folder / "mnist").mkdir()
    os.mkfifo(folder / "mnist" / "train-images-idx3-ubyte.gz")


CASES = [
    InProcess(["friends", "--json", ""], Exit.USAGE, "argument --json: an empty path"),
    InProcess(["friends", "--json", "frozen.json"], Exit.USAGE, "frozen.json is read-only; pass --force",
              setup=read_only("frozen.json")),
    # --force was offered but did not exist: it is accepted now, and the next check speaks.
    Case(["friends", "--json", "frozen.json", "--force"], Exit.USAGE, "MNIST file train-images-idx3-ubyte[.gz] "
         "not found", setup=lambda f: (read_only("frozen.json")(f), empty_mnist(f)),
         environment={"MNIST_DIR": "mnist"}),
    Case(["friends"], Exit.USAGE, "mnist/train-images-idx3-ubyte.gz is a named pipe, not a regular file",
         setup=fifo_mnist, environment={"MNIST_DIR": "mnist"}),
    Case(["friends", "--json", "pipe"], Exit.USAGE, "pipe is a named pipe, not a regular file",
         setup=lambda f: os.mkfifo(f / "pipe")),
    # --json onto an MNIST file the measurement reads replaced it.
    Case(["friends", "--json", "mnist/train-labels-idx1-ubyte.gz", "--force"], Exit.USAGE,
         "it is mnist/train-labels-idx1-ubyte.gz, a file this run reads", setup=fake_mnist,
         environment={"MNIST_DIR": "mnist"}),
    InProcess(["friends", "--json", "{dir}"], Exit.USAGE, "is a folder, not a regular file"),
    InProcess(["friends", "--json", "nowhere/out.json"], Exit.USAGE, "does not exist"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_friends(case, tmp_path):
    run(case, tmp_path)


def test_friends_loads_tensorflow_with_its_runtime_errors_silenced(monkeypatch):
    # friends printed an "E0000 ... DT_HALF" line (the runtime's, from its one half-precision run):
    # it runs only this project's own measurements, so TensorFlow loads with TF_CPP_MIN_LOG_LEVEL 3.
    class Loaded(Exception):
        pass

    def import_tensorflow(log_level=quiet.LOG_LEVEL):
        raise Loaded(log_level)
    monkeypatch.setattr(quiet, "import_tensorflow", import_tensorflow)
    monkeypatch.setattr(friends, "check_mnist", lambda: None)
    with pytest.raises(Loaded) as loaded:
        friends.run(parser().parse_args(["friends"]))
    assert loaded.value.args == (quiet.OWN_CODE_LOG_LEVEL,) and quiet.OWN_CODE_LOG_LEVEL == "3"
