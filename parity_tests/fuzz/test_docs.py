"""The fuzz table of ``tfparity docs`` (see parity_tests/fuzz/__init__.py): every case answers before
TensorFlow loads or a record is read, and leaves the folder as it was."""
import os

import pytest

from parity_tests.fuzz import Case, InProcess, run
from tfparity.core.exits import Exit


def guide(*, pipe=False, frozen=False):
    """setup: a guide folder of the user's, with a named pipe or a read-only page in it."""
    def setup(folder):
        (folder / "guide").mkdir()
        (folder / "guide" / "README.md").write_text("the user's guide\n")
        if pipe:
            os.mkfifo(folder / "guide" / "live.md")
        if frozen:
            (folder / "guide" / "README.md").chmod(0o444)
    return setup


CASES = [
    # An empty --out fell back to the checkout's own docs/.
    InProcess(["docs", "--out", ""], Exit.USAGE, "argument --out: an empty path"),
    Case(["docs", "--out", "pipe"], Exit.USAGE, "cannot write --out pipe: a named pipe, not a folder",
         setup=lambda folder: os.mkfifo(folder / "pipe")),
    InProcess(["docs", "--out", "notes.txt"], Exit.USAGE, "cannot write --out notes.txt: a regular file, not a folder",
              setup=lambda folder: (folder / "notes.txt").write_text("the user's\n")),
    # A named pipe in the folder blocked the copy the guide is rebuilt in, then gave a list's repr.
    Case(["docs", "--render-only", "--out", "guide"], Exit.USAGE, "guide/live.md is a named pipe",
         setup=guide(pipe=True)),
    InProcess(["docs", "--render-only", "--out", "guide"], Exit.USAGE, "guide/README.md is read-only; pass --force",
              setup=guide(frozen=True)),
    # With --force, the read-only page would be replaced (its mode kept); here the build stops first.
    InProcess(["docs", "--render-only", "--out", "guide", "--force"], Exit.USAGE,
              "guide/results/", setup=guide(frozen=True)),
    InProcess(["docs", "--render-only", "--out", "guide"], Exit.USAGE,
              "--render-only draws from the records in OUT/results; measure them first", setup=guide()),
    InProcess(["docs", "no_such_example"], Exit.USAGE, "unknown example 'no_such_example'"),
    # The root folder has no folder beside it to be rebuilt in, and walking it never ends.
    Case(["docs", "--render-only", "--out", "/"], Exit.USAGE,
         "cannot write --out /: the root folder cannot be rebuilt"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_docs(case, tmp_path):
    run(case, tmp_path)
