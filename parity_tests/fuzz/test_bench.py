"""The fuzz table of ``tfparity bench`` (see parity_tests/fuzz/__init__.py). Every case answers before
TensorFlow loads; the plain tests below hold the signal window and the temporary folders."""
import hashlib
import os
import signal
import subprocess
import sys

import pytest

from parity_tests.fuzz import Case, InProcess, fifo, read_only, run
from tfparity.core import files, signals
from tfparity.core.exits import Exit
from tfparity.core.paths import DOCS, ROOT

COMMITTED = DOCS / "results" / "performance.json"


# `bench regression --quick --docs` replaced the committed measurements of five examples with one smoke entry.
DOCS_CASES = [
    InProcess(["bench", "regression", "--quick", "--docs"], Exit.USAGE,
              "--docs records a full run of every example, not with --quick (a smoke run, not a measurement); "
              "regression"),
    InProcess(["bench", "--quick", "--docs"], Exit.USAGE, "not with --quick"),
    InProcess(["bench", "regression", "--docs"], Exit.USAGE,
              "not with regression (the committed results hold every example)"),
    InProcess(["bench", "--docs", "--repeats", "2"], Exit.USAGE, "not with --repeats 2 (a full run times 5)"),
]
CASES = [
    InProcess(["bench", "--json", ""], Exit.USAGE, "argument --json: an empty path"),
    InProcess(["bench", "--out", ""], Exit.USAGE, "argument --out: an empty path"),
    InProcess(["bench", "--json", "frozen.json"], Exit.USAGE, "frozen.json is read-only; pass --force",
              setup=read_only("frozen.json")),
    InProcess(["bench", "--out", "out"], Exit.USAGE, "cannot write --out out:", setup=read_only("out/bench.md")),
    # --force was offered but did not exist: it is accepted now, and the next check speaks.
    InProcess(["bench", "--out", "out", "--json", "frozen.json", "--force", "--repeats", "0"], Exit.USAGE,
              "--repeats must be at least 1", setup=read_only("out/bench.md", "frozen.json")),
    # A named pipe as --out, or in its place of a file in it: a message that names it, before anything runs.
    Case(["bench", "--out", "pipe"], Exit.USAGE, "cannot write --out pipe: not a folder (a named pipe)",
         setup=fifo("pipe")),
    Case(["bench", "--out", "out"], Exit.USAGE, "out/bench.png is a named pipe, not a regular file",
         setup=fifo("out/bench.png")),
    InProcess(["bench", "--out", "nowhere"], Exit.USAGE, "cannot write --out nowhere: not a folder (nothing is there)"),
    InProcess(["bench", "--determinism-only", "--no-determinism"], Exit.USAGE, "exclude each other"),
    InProcess(["bench", "--repeats", "1000000"], Exit.USAGE, "--repeats 1000000: at most 100"),
    InProcess(["bench", "--repeats", "two"], Exit.USAGE, "argument --repeats: invalid int value: 'two'"),
    Case(["bench", "mlp"], Exit.USAGE, "mlp: mnist/train-images-idx3-ubyte is a named pipe",
         setup=fifo("mnist/train-images-idx3-ubyte"), environment={"MNIST_DIR": "mnist"}),
]


@pytest.mark.parametrize("case", DOCS_CASES, ids=str)
def test_docs_refuses_a_partial_run(case, tmp_path):
    before = hashlib.sha256(COMMITTED.read_bytes()).hexdigest()
    run(case, tmp_path)
    assert hashlib.sha256(COMMITTED.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bench(case, tmp_path):
    run(case, tmp_path)


def test_an_interrupt_as_a_worker_starts_leaves_no_worker_running(monkeypatch):
    # Once in 17 tries, SIGINT at 3 s into `bench --quick --out DIR` was not obeyed. An interrupt
    # between the fork and Popen's return orphaned the worker; now the start holds it, then kills.
    started = []

    class Popen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)
            os.kill(os.getpid(), signal.SIGINT)  # lands before the Popen object is returned

    monkeypatch.setattr(signals.subprocess, "Popen", Popen)
    previous = signals.install()
    try:
        with pytest.raises(signals.Interrupted):
            signals.child([sys.executable, "-c", "import time; time.sleep(60)"])
    finally:
        signals.restore(previous)
    assert len(started) == 1 and started[0].returncode == -signal.SIGKILL  # killed and reaped


def test_a_child_is_waited_for_with_its_output():
    done = signals.child([sys.executable, "-c", "import sys, time; time.sleep(0.6); print('out'); "
                          "print('err', file=sys.stderr); sys.exit(3)"])
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")


def test_what_a_killed_run_left_is_removed_at_the_next_start(tmp_path):
    # A bench killed with SIGKILL (which no program can catch) left its tfparity-bench-* folder.
    # Every temporary file of a run is in its own folder, named after its process: the next start
    # removes those whose process is gone, and nothing else.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = tmp_path / f"{files.PRIVATE_PREFIX}{gone.pid}-killed" / "tfparity-bench-abc"
    left.mkdir(parents=True)
    (left / "half.pkl").write_bytes(b"half")
    running = tmp_path / f"{files.PRIVATE_PREFIX}{os.getpid()}-running"  # a run still going: kept
    running.mkdir()
    (tmp_path / "tfparity-bench-else").mkdir()  # not named as ours: kept
    done = subprocess.run([sys.executable, "-m", "tfparity.cli", "list"], capture_output=True, text=True,
                          env=dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path)) == sorted([running.name, "tfparity-bench-else"])
