"""The fuzz table of ``tfparity scan`` (see parity_tests/fuzz/__init__.py).

Its inputs are copied from parity_tests/fuzz/scan_inputs/ (a TF1 file, a notebook of IPython magics)
or made here as the data they are: pipes, links, notebooks of the wrong shape, nesting too deep.
Every case but the one running ``tf_upgrade_v2`` answers before TensorFlow loads.
"""
import json
import os
import shutil

import pytest

from parity_tests.fuzz import Case, InProcess, fifo, run
from tfparity.core.exits import Exit
from tfparity.core.paths import ROOT
from tfparity.scan.sources import MAX_BYTES

INPUTS = ROOT / "parity_tests" / "fuzz" / "scan_inputs"
TF1 = "tf1.py"  # scan_inputs/tf1.py: one finding
FOUND = "1 findings in 1 files"
# Deeper than any parser's stack: the 200k-deep expression and 100k-deep notebook.
DEEP_EXPRESSION, DEEP_JSON = 200_000, 100_000


def tf1(folder, name=TF1):
    shutil.copy(INPUTS / TF1, folder / name)


def tf1_in(sub):
    def setup(folder):
        (folder / sub).mkdir()
        tf1(folder / sub)
    return setup


def both(*setups):
    def setup(folder):
        for make in setups:
            make(folder)
    return setup


def with_tf1(make):
    """``make``'s files, beside a TF1 file."""
    return both(tf1, make)


def link(name, target):
    return lambda folder: (folder / name).symlink_to(target)


def notebook(document, name="nb.ipynb"):
    return lambda folder: (folder / name).write_text(json.dumps(document))


def code_cell(source):
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}


def unreadable(name):
    def setup(folder):
        (folder / name).mkdir(parents=True)
        tf1(folder / name)
        (folder / name).chmod(0)
    return setup


def too_large(folder):
    # Outside the case's folder: the harness reads every file there to see it unchanged, and this
    # one is sparse (no disk), one byte over the cap.
    outside = folder.parent / "outside"
    outside.mkdir()
    with open(outside / "huge.py", "wb") as huge:
        huge.truncate(MAX_BYTES + 1)


def deep_expression(folder):
    (folder / "deep.py").write_text("import tensorflow as tf\nx = " + "-" * DEEP_EXPRESSION + "1\n")


def deep_notebook(folder):
    (folder / "deep.ipynb").write_text('{"cells": ' + "[" * DEEP_JSON + "]" * DEEP_JSON + "}")


def unknown_coding(folder):  # Python's parser says line 0, column -1
    (folder / "coding.py").write_text("# -*- coding: no-such-codec -*-\nimport tensorflow as tf\n")


def latin1(folder):  # no coding line, so not UTF-8: tf_upgrade_v2 cannot decode it
    (folder / "latin1.py").write_bytes((INPUTS / TF1).read_bytes().replace(b"tf.float32", b"'\xe9'"))


def magics(folder):
    shutil.copy(INPUTS / "magics.ipynb", folder)


CASES = [
    # --json never replaces a file being scanned, however spelled; an existing one only with --force
    InProcess(["scan", TF1, "--json", TF1], Exit.USAGE, "one of the files scanned", tf1),
    InProcess(["scan", TF1, "--json", "link.json"], Exit.USAGE, "one of the files scanned",
              with_tf1(link("link.json", TF1))),
    InProcess(["scan", TF1, "--json", f"sub/../{TF1}"], Exit.USAGE, "one of the files scanned",
              with_tf1(lambda folder: (folder / "sub").mkdir())),
    InProcess(["scan", TF1, "--json", "{dir}/hard.json", "--force"], Exit.USAGE, "one of the files scanned",
              with_tf1(lambda folder: os.link(folder / TF1, folder / "hard.json"))),
    InProcess(["scan", "src", "--json", f"src/{TF1}", "--force"], Exit.USAGE, "one of the files scanned",
              tf1_in("src")),
    InProcess(["scan", TF1, "--json", "out.json"], Exit.USAGE, "it exists; pass --force to replace it",
              with_tf1(lambda folder: (folder / "out.json").write_text("{}"))),
    InProcess(["scan", TF1, "--json", "out.json", "--force"], Exit.MISMATCH, FOUND,
              with_tf1(lambda folder: (folder / "out.json").write_text("{}")), writes=("out.json",)),
    InProcess(["scan", "src", "--json", "src/out.json"], Exit.MISMATCH, FOUND, tf1_in("src"), writes=("src/out.json",)),
    InProcess(["scan", TF1, "--json", ""], Exit.USAGE, "argument --json: an empty path", tf1),
    Case(["scan", TF1, "--json", "pipe.json", "--force"], Exit.USAGE, "pipe.json is a named pipe",
         with_tf1(fifo("pipe.json"))),
    InProcess(["scan", TF1, "--json", "out.json", "--force"], Exit.MISMATCH, FOUND,  # read-only: replaced with --force
              with_tf1(lambda folder: (folder / "out.json").write_text("{}") or (folder / "out.json").chmod(0o444)),
              writes=("out.json",)),
    # special files: refused by their type, before they are opened; in a folder, skipped and said
    Case(["scan", "pipe.py"], Exit.USAGE, "pipe.py is a named pipe, not a file", fifo("pipe.py")),
    Case(["scan", "src"], Exit.MISMATCH, "skipped src/pipe.py: a named pipe", both(tf1_in("src"), fifo("src/pipe.py"))),
    Case(["scan", "src"], Exit.OK, "skipped src/pipe.ipynb: a named pipe", fifo("src/pipe.ipynb")),
    Case(["scan", "/dev/zero"], Exit.USAGE, "/dev/zero is a character device, not a file"),
    Case(["scan", "zero.py"], Exit.USAGE, "a character device (through a link to /dev/zero)",
         link("zero.py", "/dev/zero")),
    Case(["scan", "."], Exit.MISMATCH, "skipped zero.py: a character device", with_tf1(link("zero.py", "/dev/zero"))),
    InProcess(["scan", "{dir}/../outside/huge.py"], Exit.USAGE, f"over the {MAX_BYTES // 2**20} MiB", too_large),
    InProcess(["scan", "."], Exit.MISMATCH, "skipped .#tf1.py: a symbolic link to nothing",  # an editor's lock link
              with_tf1(link(".#tf1.py", "root@host.1234:1700000000"))),
    # unreadable folders are bad input, named or met below one (they may hold code left unscanned)
    Case(["scan", "locked"], Exit.USAGE, "cannot read folder locked: Permission denied", unreadable("locked"),
         unprivileged=True),
    Case(["scan", "src"], Exit.USAGE, "cannot read folder src/locked: Permission denied",
         both(tf1_in("src"), unreadable("src/locked")), unprivileged=True),
    Case(["scan", f"locked/{TF1}"], Exit.USAGE, f"cannot read locked/{TF1}: Permission denied", unreadable("locked"),
         unprivileged=True),
    # notebooks of the wrong shape are refused; JSON that does not parse is a finding, as Python's is
    InProcess(["scan", "nb.ipynb"], Exit.USAGE, "nb.ipynb is not a notebook: its 'cells' is an object, not a list",
              notebook({"cells": {"0": code_cell("import tensorflow as tf")}})),
    InProcess(["scan", "nb.ipynb"], Exit.USAGE, "nb.ipynb is not a notebook: cell 1 (of all its cells, from 1) has no",
              notebook({"cells": [{"source": "import tensorflow as tf"}]})),
    InProcess(["scan", "nb.ipynb"], Exit.USAGE, "nb.ipynb is not a notebook: code cell 1's source is not text",
              notebook({"cells": [code_cell(["x", 5])]})),
    InProcess(["scan", "nb.ipynb"], Exit.USAGE, "nb.ipynb is not a notebook: its 'cells' is null",
              notebook({"cells": None})),
    InProcess(["scan", "nb.ipynb"], Exit.USAGE, "nb.ipynb is not a notebook: its JSON is a list",
              notebook([{"cells": []}])),
    Case(["scan", "deep.ipynb"], Exit.MISMATCH, "notebook JSON first: nested too deeply to read", deep_notebook),
    Case(["scan", "deep.py"], Exit.MISMATCH, "too deeply nested (or too large) for Python's parser", deep_expression),
    # cell magics of another language, line magics and shell escapes are not Python; %%time's body is
    InProcess(["scan", "magics.ipynb"], Exit.MISMATCH, "1 findings in 1 files; 1 only compat.v1", magics),
    # more bad input a user meets
    InProcess(["scan", ""], Exit.USAGE, "an empty path names nothing"),
    InProcess(["scan", "no\nsuch.py"], Exit.USAGE, r"no such file or folder: 'no\nsuch.py'"),
    InProcess(["scan", TF1, f"./{TF1}", "link.py", "."], Exit.MISMATCH, FOUND, with_tf1(link("link.py", TF1))),
    InProcess(["scan", "src"], Exit.MISMATCH, FOUND,  # a link to its own folder: not followed round
              with_tf1(lambda folder: (folder / "src").symlink_to("."))),
    # tf_upgrade_v2 leaves a temporary file per file it cannot decode: in our folder, removed with it
    InProcess(["scan", "latin1.py", "--compare-upgrade", "--format", "json"], Exit.MISMATCH, '"upgrade": "flagged"',
              latin1),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_scan(case, tmp_path):
    run(case, tmp_path)


def test_sarif_columns_start_at_1_where_the_parser_says_minus_1(tmp_path):
    _, out, _ = run(Case(["scan", "coding.py", "--format", "sarif"], Exit.MISMATCH, "", unknown_coding), tmp_path)
    regions = [result["locations"][0]["physicalLocation"]["region"] for result in json.loads(out)["runs"][0]["results"]]
    assert regions == [{"startLine": 1, "startColumn": 1}]


def test_what_a_folder_held_that_is_no_file_is_in_the_json_summary(tmp_path):
    case = Case(["scan", ".", "--format", "json"], Exit.MISMATCH, "", with_tf1(fifo("pipe.ipynb")))
    _, out, err = run(case, tmp_path)
    assert json.loads(out)["summary"]["skipped"] == [{"path": "pipe.ipynb", "why": "a named pipe, not a file"}]
    assert err == "tfparity: skipped pipe.ipynb: a named pipe, not a file\n"


def test_magics_are_blanked_and_python_cell_magics_scanned(tmp_path):
    _, out, _ = run(Case(["scan", "magics.ipynb", "--format", "json"], Exit.MISMATCH, "", magics), tmp_path)
    assert [(f["cell"], f["cell_line"], f["symbol"]) for f in json.loads(out)["findings"]] == [(3, 3, "tf.placeholder")]
