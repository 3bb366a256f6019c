"""The fuzz table of ``tfparity run`` and ``tfparity list`` (see parity_tests/fuzz/__init__.py), and of
the command's shell that every sub-command shares: its output, its outputs' --force, its temporary
files, the MNIST loader."""
import argparse
import gzip
import os
import subprocess
import sys

import pytest

from parity_tests.fuzz import CLOSED_PIPE, Case, InProcess, fifo, read_only, run
from shared_data import mnist
from tfparity import cli
from tfparity.cli import arguments
from tfparity.core import files
from tfparity.core.exits import Exit
from tfparity.core.paths import ROOT

# A user's pair whose TF2 run interrupts itself once TensorFlow has written autograph's files.
SELF_INTERRUPTING = "parity_tests.planted.interrupts_itself"
# An MLP run small enough to start at once: what reads MNIST.
SMALL_MLP = ["run", "mlp", "--epochs", "1", "--train-size", "64", "--test-size", "16"]


def a_file(name):
    def setup(folder):
        (folder / name).write_text("not a folder\n")
    return setup


def fake_mnist(folder):
    """An MNIST folder whose four files are there (the checks before a run look no further)."""
    (folder / "mnist").mkdir()
    for name in mnist.RAW_SHA256:
        (folder / "mnist" / f"{name}.gz").write_bytes(b"the user's\n")


def hard_link_to_mnist(folder):
    fake_mnist(folder)
    os.link(folder / "mnist" / "t10k-labels-idx1-ubyte.gz", folder / "out.json")


def python_file(folder):
    (folder / "src").mkdir()
    (folder / "src" / "plain.py").write_text("x = 1\n")


CASES = [
    InProcess([], Exit.USAGE, "the following arguments are required: command"),
    InProcess(["list", "extra"], Exit.USAGE, "unrecognized arguments: extra"),
    InProcess(["run", "no_such_example"], Exit.USAGE, "unknown example 'no_such_example'"),
    InProcess(["run", "regression", "--seed", "-3"], Exit.USAGE, "must be a non-negative integer"),
    InProcess(["run", "regression", "--all"], Exit.USAGE, "name examples or give --all, not both"),
    InProcess(["run", "regression", "--steps", "0"], Exit.USAGE, "must be positive and finite"),
    InProcess(["run", "regression", "--json", "{dir}"], Exit.USAGE, "cannot write --json"),
    # In a fresh process: TensorFlow's autograph files are removed as the command's process ends.
    Case(["run", "regression", "--steps", "3", "--json", "out.json"], Exit.OK, "regression", writes=("out.json",)),
    # --json '' wrote nothing and exited 0.
    InProcess(["run", "regression", "--json", ""], Exit.USAGE, "argument --json: an empty path"),
    InProcess(["run", "regression", "--json", "frozen.json"], Exit.USAGE, "frozen.json is read-only; pass --force",
              setup=read_only("frozen.json")),
    # `tfparity list > /dev/full` and `tfparity run regression | head -1` ended in tracebacks (exit 4).
    Case(["list"], Exit.USAGE, "cannot write to standard output: No space left on device", stdout="/dev/full"),
    Case(["list"], Exit.SIGPIPE, "", stdout=CLOSED_PIPE),
    Case(["run", "regression", "--steps", "3"], Exit.SIGPIPE, "", stdout=CLOSED_PIPE),
    # An interrupted command left TensorFlow's __autograph_generated_file*.py in TMPDIR (os._exit
    # skips the atexit handlers that remove them); the harness checks that TMPDIR is empty.
    Case(["check", "--inputs", f"{SELF_INTERRUPTING}:make_inputs", "--tf1", f"{SELF_INTERRUPTING}:tf1_run",
          "--tf2", f"{SELF_INTERRUPTING}:tf2_run"], Exit.SIGINT, "tfparity: interrupted"),
    # The MNIST loader: a named pipe in a file's place blocked until Ctrl-C; an XDG_CACHE_HOME that is
    # a file made --download exit 3 with two tracebacks.
    Case(SMALL_MLP, Exit.USAGE, "mnist/train-images-idx3-ubyte is a named pipe, not a regular file",
         setup=fifo("mnist/train-images-idx3-ubyte"), environment={"MNIST_DIR": "mnist"}),
    Case(SMALL_MLP + ["--download"], Exit.USAGE, "cache is not a folder; set XDG_CACHE_HOME to a folder",
         setup=a_file("cache"), environment={"MNIST_DIR": "", "XDG_CACHE_HOME": "cache"}),
    # --json onto an MNIST file the run reads replaced it (exit 0): by its path, another spelling, a hard link.
    Case(SMALL_MLP + ["--json", "mnist/t10k-labels-idx1-ubyte.gz"], Exit.USAGE,
         "it is mnist/t10k-labels-idx1-ubyte.gz, a file this run reads", setup=fake_mnist,
         environment={"MNIST_DIR": "mnist"}),
    Case(SMALL_MLP + ["--json", "./mnist/../mnist/train-images-idx3-ubyte.gz", "--force"], Exit.USAGE,
         "a file this run reads", setup=fake_mnist, environment={"MNIST_DIR": "mnist"}),
    Case(SMALL_MLP + ["--json", "out.json", "--force"], Exit.USAGE, "a file this run reads",
         setup=hard_link_to_mnist, environment={"MNIST_DIR": "mnist"}),
    # An existing writable --json was replaced without --force, where scan refused it: one policy now.
    InProcess(["run", "regression", "--json", "old.json"], Exit.USAGE,
              "cannot write --json old.json: it exists; pass --force to replace it", setup=a_file("old.json")),
    InProcess(["friends", "--json", "old.json"], Exit.USAGE,
              "cannot write --json old.json: it exists; pass --force to replace it", setup=a_file("old.json")),
    InProcess(["bench", "--json", "old.json"], Exit.USAGE,
              "cannot write --json old.json: it exists; pass --force to replace it", setup=a_file("old.json")),
    # --force, wherever the message offers it: "pass --force" was said by five sub-commands without it.
    InProcess(["scan", "src", "--json", "frozen.json"], Exit.USAGE, "frozen.json is read-only; pass --force",
              setup=lambda folder: (python_file(folder), read_only("frozen.json")(folder))),
    InProcess(["scan", "src", "--json", "frozen.json", "--force"], Exit.OK, "",
              setup=lambda folder: (python_file(folder), read_only("frozen.json")(folder)), writes=("frozen.json",)),
    InProcess(["scan", "src", "--json", ""], Exit.USAGE, "argument --json: an empty path", setup=python_file),
    InProcess(["check", "--inputs", "a:b", "--tf1", "a:b", "--tf2", "a:b", "--json", "frozen.json"], Exit.USAGE,
              "frozen.json is read-only; pass --force", setup=read_only("frozen.json")),
    InProcess(["check", "--inputs", "a:b", "--tf1", "a:b", "--tf2", "a:b", "--write-bound", "frozen.toml"], Exit.USAGE,
              "frozen.toml is read-only; pass --force", setup=read_only("frozen.toml")),
    InProcess(["check", "--inputs", "a:b", "--tf1", "a:b", "--tf2", "a:b", "--json", "frozen.json", "--write-bound",
               "frozen.toml", "--force", "--seeds", "0"], Exit.USAGE, "--seeds must be at least 1",
              setup=read_only("frozen.json", "frozen.toml")),
    InProcess(["check", "--inputs", "a:b", "--tf1", "a:b", "--tf2", "a:b", "--write-bound", ""], Exit.USAGE,
              "argument --write-bound: an empty path"),
  # checkpoint's read-only outputs: parity_tests/fuzz/test_checkpoint.py, where a checkpoint exists
    InProcess(["checkpoint", "convert", "a", "b", "--write-map", "frozen.json", "--force"], Exit.USAGE,
              "give --map MAP.json or --auto SPEC", setup=read_only("frozen.json")),
    InProcess(["checkpoint", "inspect", "model.ckpt", "--json", ""], Exit.USAGE, "argument --json: an empty path"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_run(case, tmp_path):
    run(case, tmp_path)


def _parsers(parser):
    """Every parser of the command, sub-commands' sub-commands included."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_command_that_can_refuse_a_read_only_output_has_force():
    # Five sub-commands said "pass --force to replace it" and had no --force. Every command with an
    # output path has it now, but `new`, which writes only new paths.
    writing = {parser.prog: {a.option_strings[0] for a in parser._actions if a.option_strings}
               for parser in _parsers(cli.parser())
               if any(a.type is arguments.path for a in parser._actions) and parser.prog != "tfparity new"}
    assert {f"tfparity {command}" for command in ("run", "check", "scan", "checkpoint inspect", "checkpoint convert",
                                                   "friends", "bench", "docs")} <= set(writing)
    assert [prog for prog, options in writing.items() if "--force" not in options] == []


def test_stdout_closed_before_the_start_is_one_line():
    done = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m tfparity.cli list >&-'], capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert (done.returncode, done.stderr) == (Exit.USAGE, "tfparity: error: standard output is closed; "
                                                          "redirect it to a file or /dev/null\n")


@pytest.mark.parametrize("link", ["/dev/zero", "/dev/null"])
def test_a_device_in_an_mnist_files_place_is_refused_before_it_is_read(tmp_path, link):
    (tmp_path / "train-images-idx3-ubyte").symlink_to(link)
    with pytest.raises(mnist.MnistError, match="is a character device, not a regular file"):
        mnist.load(tmp_path)


def test_no_mnist_read_goes_past_the_largest_file(tmp_path):
    with open(tmp_path / "train-images-idx3-ubyte", "wb") as sparse:  # no disk used
        sparse.truncate(mnist.MAX_BYTES + 1)
    with pytest.raises(mnist.MnistError, match=f"more than {mnist.MAX_BYTES:,} bytes, more than MNIST's"):
        mnist.load(tmp_path)
    os.unlink(tmp_path / "train-images-idx3-ubyte")
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(bytes(mnist.MAX_BYTES + 1)))
    with pytest.raises(mnist.MnistError, match="bytes uncompressed, more than MNIST's largest file"):
        mnist.load(tmp_path)


def test_tensorflows_advice_on_what_is_done_on_purpose_is_dropped_and_only_that():
    done = subprocess.run([sys.executable, "-m", "parity_tests.planted.mirrored_eagerly"], capture_output=True,
                          text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr
    before, _, after = done.stderr.partition("filter removed\n")
    assert "significant overhead" not in before and "significant overhead" in after, done.stderr


def test_an_output_named_with_the_most_bytes_a_name_may_have_is_written(tmp_path):
    # Its temporary file beside it carried the whole name after a prefix: 13 bytes too many.
    target = tmp_path / ("n" * (os.pathconf(tmp_path, "PC_NAME_MAX") - len(".json")) + ".json")
    files.write_atomic(target, "{}\n")
    assert os.listdir(tmp_path) == [target.name] and target.read_text() == "{}\n"
