"""The fuzz table of ``tfparity checkpoint inspect`` and ``convert`` (see parity_tests/fuzz/__init__.py).

Each case's folder holds ``ckpt/`` (a TF1 Saver checkpoint of parity_tests/outside/tf1_script.py:
variable_scope names, Adam's slots, global_step, and the Saver's ``checkpoint`` file) and
``map.json`` (the hand-written map onto parity_tests/outside/tf2_port.py), changed as the case says.
Most cases answer before TensorFlow loads; those that load it say so. Below the table: what a row
cannot express (Ctrl-C or a failure halfway through writing, a fresh process that would import
its module again).
"""
import errno
import json
import os
import pathlib
import shutil
import signal

import pytest

from parity_tests.fuzz import Case, InProcess, fifo, run, snapshot
from parity_tests.outside import tf1_script
from parity_tests.outside.tf2_port import HAND_MAP
from tfparity.core import fresh
from tfparity.core.exits import Exit
from tfparity.core.paths import ROOT
from tfparity.core.signals import Interrupted

SOURCE = {}  # the checkpoints every case copies, made once by the module's fixture: {"tf1": folder, "tf2": folder}
PLANTED = ROOT / "parity_tests" / "planted"
INTO = str(PLANTED / "into_objects.py")
PORT = "parity_tests.outside.tf2_port:checkpoint_roots"
CONVERT = ["checkpoint", "convert", "ckpt/model.ckpt", "tf2/model"]
ROOT_USER = os.geteuid() == 0  # root writes into a read-only folder: that case needs another user


@pytest.fixture(scope="module", autouse=True)
def sources(tmp_path_factory):
    from tfparity.checkpoint import convert
    folder = tmp_path_factory.mktemp("sources")
    tf1_script.train(tf1_script.make_inputs(0), 0, 1, save_to=str(folder / "tf1" / "model.ckpt"))
    # The Saver named the absolute path it was given; a copy's state must name its own checkpoint,
    # as a Saver given a relative path writes it.
    (folder / "tf1" / "checkpoint").write_text('model_checkpoint_path: "model.ckpt"\n'
                                               'all_model_checkpoint_paths: "model.ckpt"\n')
    convert.convert(str(folder / "tf1" / "model.ckpt"), str(folder / "tf2" / "model"), HAND_MAP)
    SOURCE.update(tf1=folder / "tf1", tf2=folder / "tf2")


def given(*steps, **changes):
    """A setup: ckpt/ and map.json (``changes`` to it: {TF1 name: path}), then each of ``steps(folder)``."""
    def setup(folder):
        shutil.copytree(SOURCE["tf1"], folder / "ckpt")
        (folder / "map.json").write_text(json.dumps(dict(HAND_MAP, **changes)))
        for step in steps:
            step(folder)
    return setup


def tf2(folder):
    shutil.copytree(SOURCE["tf2"], folder / "tf2")


def text(name, content):
    return lambda folder: (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def symlink(name, target):
    return lambda folder: os.symlink(target, folder / name)


def hard_links(prefix):
    """``prefix``'s checkpoint files as hard links to ckpt/model.ckpt's: another name, the same files."""
    def make(folder):
        for source in (folder / "ckpt").glob("model.ckpt.*"):
            os.link(source, folder / (prefix + source.name[len("model.ckpt"):]))
    return make


def read_only(name, folder=False):
    def make(base):
        path = base / name
        if folder:
            path.mkdir()
        else:
            path.write_text("{}\n")
        path.chmod(0o555 if folder else 0o444)
    return make


CASES = [
    # The items.
    InProcess([*CONVERT[:2], "ckpt/model.ckpt", "ckpt/model.ckpt", "--map", "map.json"], Exit.USAGE,
              "DST ckpt/model.ckpt is the checkpoint being read", given()),
    InProcess([*CONVERT[:2], "ckpt/model.ckpt", "./ckpt/../ckpt/model.ckpt", "--map", "map.json", "--force"],
              Exit.USAGE,
              "is the checkpoint being read (ckpt/model.ckpt)", given()),
    InProcess([*CONVERT[:2], "ckpt/model.ckpt", "link/model.ckpt", "--map", "map.json", "--force"], Exit.USAGE,
              "is the checkpoint being read", given(symlink("link", "ckpt"))),
    InProcess([*CONVERT[:2], "ckpt/model.ckpt", "copy", "--map", "map.json", "--force"], Exit.USAGE,
              "DST copy is the checkpoint being read", given(hard_links("copy"))),
    InProcess([*CONVERT[:2], "ckpt", "ckpt/model.ckpt", "--map", "map.json", "--force"], Exit.USAGE,
              "is the checkpoint being read (ckpt)", given()),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE,
              "entries 'hidden/weights' and 'hidden/biases' both go to model.hidden.weights",
              given(**{"hidden/biases": "model.hidden.weights"})),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "DST tf2/model is a checkpoint already (tf2/model.index): "
              "pass --force to replace it", given(tf2)),
    InProcess([*CONVERT, "--map", "map.json", "--force"], Exit.OK, "wrote tf2/model", given(tf2),
              writes=("tf2",)),  # TensorFlow loads
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "entry 'global_step' has an empty path",
              given(global_step="")),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "path 'model..kernel' has an empty part",
              given(**{"hidden/weights": "model..kernel"})),
    pytest.param(Case([*CONVERT[:3], "locked/model", "--map", "map.json"], Exit.USAGE,
                      "cannot write locked/model: folder", given(read_only("locked", folder=True))),
                 marks=pytest.mark.skipif(ROOT_USER, reason="root writes into a read-only folder")),
    pytest.param(Case([*CONVERT[:3], "/sys/tfparity/model", "--map", "map.json"], Exit.USAGE,
                      "cannot write /sys/tfparity/model: folder /sys", given()),
                 marks=pytest.mark.skipif(not os.path.isdir("/sys"), reason="no read-only /sys")),
    InProcess([*CONVERT, "--map", "map.json", "--into", f"{INTO}:raises"], Exit.USER_CODE,
              "RuntimeError: the port's objects could not be built", given()),  # TensorFlow loads
    Case([*CONVERT[:3], "new/deeper/model", "--map", "map.json"], Exit.OK, "wrote new/deeper/model", given(),
         writes=("new",)),  # TensorFlow loads
    Case([*CONVERT, "--map", "map.json", "--into", f"{PLANTED / 'relaunch_cli.py'}:roots"], Exit.USER_CODE,
         "relaunch_cli.py is being imported by the process that started this one", given()),  # TensorFlow loads
    InProcess([*CONVERT[:2], "absent/model.ckpt", "tf2/model", "--map", "map.json"], Exit.USAGE,
              "SRC absent/model.ckpt: no checkpoint there, absent/model.ckpt.index does not exist", given()),
    InProcess([*CONVERT[:2], "junk", "tf2/model", "--map", "map.json"], Exit.USAGE,
              "SRC junk is not a checkpoint: junk.index is not a TensorFlow index",
              given(text("junk.index", "not a checkpoint\n"))),
    InProcess([*CONVERT[:2], "notes.txt", "tf2/model", "--map", "map.json"], Exit.USAGE,
              "notes.txt.index does not exist", given(text("notes.txt", "hello\n"))),
    InProcess([*CONVERT, "--map", "ckpt"], Exit.USAGE, "--map ckpt is a folder, not a JSON file", given()),
    Case([*CONVERT, "--map", "pipe"], Exit.USAGE, "--map pipe is a named pipe, not a JSON file", given(fifo("pipe")),
         timeout=20),
    InProcess([*CONVERT, "--map", "map.json", "--write-map", "ckpt"], Exit.USAGE,
              "cannot write --write-map ckpt: ckpt is a folder", given()),
    InProcess([*CONVERT, "--map", "map.json", "--write-map", "ckpt/model.ckpt.index"], Exit.USAGE,
              "it is a file of the checkpoint ckpt/model.ckpt", given()),
    InProcess(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", "ckpt/model.ckpt.data-00000-of-00001"], Exit.USAGE,
              "it is a file of the checkpoint ckpt/model.ckpt", given()),
    InProcess(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", "ckpt"], Exit.USAGE, "ckpt is a folder", given()),
    InProcess(["checkpoint", "inspect", "ckpt", "--json", "ckpt/checkpoint"], Exit.USAGE,
              "it is a file of the checkpoint ckpt/model.ckpt, which is being read", given()),
    InProcess([*CONVERT, "--map", "list.json"], Exit.USAGE, "--map list.json: expected a JSON object {TF1 name: dotted "
              "path, or null to leave it out}, got an array", given(text("list.json", '["hidden/weights"]'))),
    # Found by trying the sub-command as a hostile-but-realistic user would.
    InProcess([*CONVERT[:2], "ckpt/model.ckpt.index", "tf2/model", "--map", "map.json"], Exit.USAGE,
              "SRC ckpt/model.ckpt.index names a file of a checkpoint: give the prefix, ckpt/model.ckpt", given()),
    InProcess([*CONVERT[:3], "tf2/model.index", "--map", "map.json"], Exit.USAGE,
              "DST tf2/model.index names a file of a checkpoint: give the prefix, tf2/model", given()),
    InProcess([*CONVERT[:3], "ckpt", "--map", "map.json"], Exit.USAGE, "DST ckpt is a folder", given()),
    InProcess([*CONVERT[:2], "ckpt/model", "tf2/model", "--map", "map.json"], Exit.USAGE, "(found ckpt/model.ckpt)",
              given()),
    Case([*CONVERT[:2], "piped", "tf2/model", "--map", "map.json"], Exit.USAGE,
         "piped.index is a named pipe, not a checkpoint file", given(fifo("piped.index")), timeout=20),
    InProcess(["checkpoint", "inspect", "empty"], Exit.USAGE, "CKPT empty is a folder without a 'checkpoint' file",
              given(lambda folder: (folder / "empty").mkdir())),
    InProcess(["checkpoint", "inspect", ""], Exit.USAGE, "CKPT is empty", given()),
    InProcess(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", ""], Exit.USAGE, "argument --json: an empty path",
              given()),
    InProcess(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", "rows.json"], Exit.USAGE,
              "rows.json is read-only; pass --force to replace it", given(read_only("rows.json"))),
    # An existing writable --json was replaced without --force, where scan refused it: one policy now.
    InProcess(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", "rows.json"], Exit.USAGE,
              "cannot write --json rows.json: it exists; pass --force to replace it", given(text("rows.json", "{}\n"))),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "path 'model/hidden/weights' has '/'",
              given(**{"hidden/weights": "model/hidden/weights"})),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE,
              "entry 'hidden/biases' puts a variable at model.hidden, so entry 'hidden/weights' cannot go through it",
              given(**{"hidden/biases": "model.hidden"})),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "maps no variable (every entry is null)",
              given(**dict.fromkeys(HAND_MAP))),
    InProcess([*CONVERT, "--map", "twice.json"], Exit.USAGE, "TF1 name 'step' is given twice",
              given(text("twice.json", '{"step": "a.b", "step": "a.c"}'))),
    InProcess([*CONVERT, "--map", "latin1.json"], Exit.USAGE, "--map latin1.json is not UTF-8 text",
              given(text("latin1.json", '{"caf\xe9": null}'.encode("latin-1")))),
    Case([*CONVERT, "--map", "deep.json"], Exit.USAGE, "nested too deeply",
         given(text("deep.json", "[" * 100_000))),
    Case([*CONVERT, "--map", "/dev/zero"], Exit.USAGE, "--map /dev/zero is a character device", given(),
         timeout=20),
    InProcess([*CONVERT, "--map", "map.json"], Exit.USAGE, "entry 'global_step' is a number",
              given(global_step=3)),
    InProcess([*CONVERT, "--map", "map.json", "--write-map", "map.json"], Exit.USAGE,
              "cannot write --write-map map.json: it is map.json, which is being read", given()),
    InProcess([*CONVERT, "--map", "map.json", "--write-map", "tf2/model.index"], Exit.USAGE,
              "it is a file of the checkpoint tf2/model", given()),
    InProcess([*CONVERT, "--auto", PORT, "--into", PORT], Exit.USAGE, "--into is for a --map", given()),
    InProcess([*CONVERT, "--auto", PORT, "--reverse"], Exit.USAGE, "--reverse reads the TF2 checkpoint by the map",
              given()),
]

# Beyond the list, cases that load TensorFlow: run by ``cli.main`` in this process, where it
# is loaded already (a fresh process would spend seconds on each), with the same checks but TMPDIR's.
IN_PROCESS = [
    Case([*CONVERT, "--auto", f"{INTO}:exits"], Exit.USER_CODE, "it exited (SystemExit: 0)", given()),
    Case([*CONVERT, "--map", "map.json", "--into", f"{INTO}:exits_at_once"], Exit.USER_CODE,
         "it called os._exit(0), which would have ended the run with nothing written", given()),
    Case([*CONVERT[:2], "tf2/model", "back/model", "--map", "map.json"], Exit.USAGE,
         "SRC tf2/model is a TF2 object-based checkpoint", given(tf2)),
    Case([*CONVERT, "--map", "map.json", "--reverse"], Exit.USAGE,
         "SRC ckpt/model.ckpt is a TF1 Saver checkpoint: --reverse reads a TF2 object-based one",
         given()),
    Case([*CONVERT, "--map", "map.json"], Exit.USAGE, "root 'write' is an attribute of tf.train.Checkpoint",
         given(global_step="write")),
    Case([*CONVERT, "--map", "map.json", "--into", f"{INTO}:returns_numbers"], Exit.USAGE,
         "root 'model' is int, not an object a checkpoint tracks", given()),
    Case(["checkpoint", "inspect", "ckpt/model.ckpt", "--json", "rows.json", "--force"], Exit.OK, "Adam m of",
         given(read_only("rows.json")), writes=("rows.json",)),
    Case([*CONVERT[:2], "ckpt/model.ckpt", "tf2/model", "--map", "map.json", "--write-map", "tf2/used.json"], Exit.OK,
         "wrote tf2/model", given(), writes=("tf2",)),
]


def name(case):
    return f"{case} -> {case.says}"


@pytest.mark.parametrize("case", CASES, ids=name)
def test_checkpoint(case, tmp_path):
    run(case, tmp_path)


@pytest.mark.parametrize("case", IN_PROCESS, ids=name)
def test_checkpoint_in_process(case, tmp_path, monkeypatch, capsys):
    from tfparity import cli
    case.setup(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    status = cli.main(case.argv)
    out, err = capsys.readouterr()
    assert status == case.status, err
    if case.status == Exit.USAGE:
        assert err.count("\n") == 1 and err.startswith("tfparity: error: ") and case.says in err, err
    else:
        assert case.says in out + err, out + err
    after = snapshot(tmp_path)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert [p for p in changed if not any(p == w or p.startswith(w + os.sep) for w in case.writes)] == []


@pytest.mark.parametrize("failure", [Interrupted(signal.SIGINT), OSError(errno.ENOSPC, "No space left on device")],
                         ids=["Ctrl-C", "disk full"])
def test_a_checkpoint_into_new_folders_is_whole_or_absent(failure, tmp_path):
    # Stopped after its first file: the folders it was creating go too, and nothing is left beside them.
    from tfparity.checkpoint import files

    def write(prefix):
        pathlib.Path(prefix + ".data-00000-of-00001").write_bytes(b"half")
        raise failure
    with pytest.raises(files.CheckpointError if isinstance(failure, OSError) else Interrupted):
        files.staged(str(tmp_path / "new" / "deeper" / "model"), write)
    assert os.listdir(tmp_path) == []


def test_a_fresh_process_that_would_import_its_module_again_refuses(tmp_path):
    # relaunch_fresh.py starts a fresh process at import that resolves the module by spec, as check's
    # attribution does: the fresh process refuses, and its one line reaches the import here.
    from tfparity.check import specs
    with pytest.raises(specs.Reimport, match="relaunch_fresh.py is being imported by the process that started"):
        specs.resolve(f"{PLANTED / 'relaunch_fresh.py'}:step", "--tf2")
    assert fresh.IMPORTING not in os.environ


def test_a_module_another_process_is_importing_is_refused_before_it_is_imported(monkeypatch):
    from tfparity.check import specs
    spec = f"{PLANTED / 'relaunch_cli.py'}:roots"  # imported, it would start tfparity
    monkeypatch.setenv(fresh.IMPORTING, json.dumps([[os.getpid(), str(PLANTED / "relaunch_cli.py")]]))
    specs.refuse_reimport(spec)  # this process's own import: not a relaunch
    monkeypatch.setenv(fresh.IMPORTING, json.dumps([[os.getppid(), str(PLANTED / "relaunch_cli.py")]]))
    with pytest.raises(specs.Reimport, match="put that code under"):
        specs.refuse_reimport(spec)
