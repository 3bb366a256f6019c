"""The fuzz table of ``tfparity new`` (see parity_tests/fuzz/__init__.py)."""
import os
import shutil
import subprocess

import pytest

from parity_tests.fuzz import Case, InProcess, run
from tfparity.core.exits import Exit

WRITTEN = ("my_port", "test_my_port.py")


def a_file(name, text="the user's\n"):
    def setup(folder):
        (folder / name).write_text(text)
    return setup


def dangling_link(name):
    def setup(folder):
        (folder / name).symlink_to(folder / "gone")
    return setup


CASES = [
    InProcess(["new", "my_port"], Exit.OK, "wrote", writes=WRITTEN),
    InProcess(["new", "my-port"], Exit.USAGE, "is not a Python identifier"),
    InProcess(["new", "class"], Exit.USAGE, "is not a Python identifier"),
    # A package named as an importable module shadowed it, and broke the next `tfparity check`.
    *(Case(["new", name], Exit.USAGE, f"NAME {name!r} is already a module")
      for name in ("tensorflow", "os", "numpy", "tfparity", "json", "keras", "shared_data")),
    InProcess(["new", "helpers"], Exit.USAGE, "NAME 'helpers' is already a module (helpers.py)",
              setup=a_file("helpers.py", "x = 1\n")),
    InProcess(["new", "my_port"], Exit.USAGE, "my_port exists: nothing was written",
              setup=lambda folder: (folder / "my_port").mkdir()),
    InProcess(["new", "my_port"], Exit.USAGE, "test_my_port.py exists: nothing was written",
              setup=dangling_link("test_my_port.py")),
    InProcess(["new", "my_port", "--dir", ""], Exit.USAGE, "argument --dir: an empty path"),
    InProcess(["new", "my_port", "--dir", "notes.txt"], Exit.USAGE, "--dir notes.txt: not a folder",
              setup=a_file("notes.txt")),
    InProcess(["new", "my_port", "--dir", "nowhere"], Exit.USAGE, "--dir nowhere: not a folder"),
    InProcess(["new", "p" * 300], Exit.USAGE, "NAME is too long: test_NAME.py would be 308 bytes"),
    InProcess(["new", "p" * 247], Exit.OK, "wrote", writes=("p" * 247, f"test_{'p' * 247}.py")),  # 255 bytes: the most
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_new(case, tmp_path):
    run(case, tmp_path)


def _frozen(folder):
    """Make ``folder`` unwritable, even for root (whose writes a mode does not stop): chattr +i."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("root, and no chattr +i here: nothing makes a folder unwritable")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_folder_is_one_line_and_leaves_nothing(tmp_path):
    # new into a read-only folder ended with a PermissionError traceback (exit 4).
    def setup(folder):
        (folder / "repo").mkdir()
        thaw.append(_frozen(folder / "repo"))
    thaw = []
    try:
        run(Case(["new", "my_port", "--dir", "repo"], Exit.USAGE, "cannot write into repo: ", setup=setup), tmp_path)
    finally:
        for undo in thaw:
            undo()
