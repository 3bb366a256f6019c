"""``tfparity record --runtime 2.15``: the command run again under TensorFlow 2.15 in a cached
virtual environment (tfparity.record.runtimes), for tf.estimator programs.

Bad input, a pip that fails, the environment's atomicity and the hand-over to the environment's
Python are tested without downloading anything (the hand-over with a stand-in environment whose
Python is this one). The tests that run TensorFlow 2.15 itself need its environment, a 240 MB
download (1.3 GB on disk): they run where it is made already, or with TFPARITY_RUNTIME_215=1,
which makes it; elsewhere they are skipped."""
import json
import os
import pathlib
import stat
import sys

import numpy as np
import pytest

from tfparity.cli import main, record_runtime
from tfparity.record import recording, runtimes

CORPUS = pathlib.Path(__file__).parent / "legacy_corpus"
ASKED = os.environ.get("TFPARITY_RUNTIME_215") == "1"
needs_215 = pytest.mark.skipif(
    not (ASKED or runtimes.ready("2.15")),
    reason=f"the TensorFlow 2.15 runtime is not made ({runtimes.folder('2.15')}); TFPARITY_RUNTIME_215=1 makes "
           "it: a 240 MB download, 1.3 GB on disk")
needs_mnist = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of our own: nothing made here touches the real one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "tfparity"


def _script(tmp_path, text, name="script.py"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- without downloading

def test_an_unknown_runtime_is_one_line_and_exit_2_and_makes_nothing(tmp_path, cache, capsys):
    path = _script(tmp_path, "print('never')\n")
    assert main(["record", "--runtime", "2.14", "--out", str(tmp_path / "r.npz"), "--", path]) == 2
    assert capsys.readouterr().err == ("tfparity: error: --runtime 2.14: no such runtime; the one offered is 2.15 "
                                       "(TensorFlow 2.15.1, the last with tf.estimator)\n")
    assert not cache.exists() and not (tmp_path / "r.npz").exists()


def test_bad_input_is_refused_before_any_environment_is_made(tmp_path, cache, capsys):
    assert main(["record", "--runtime", "2.15", "--", _script(tmp_path, "")]) == 2  # no --out
    assert capsys.readouterr().err == ("tfparity: error: name the recording's file with --out FILE "
                                       "(or run without recording: --plain)\n")
    assert not cache.exists()


def test_a_python_without_tensorflow_215_wheels_is_one_line(tmp_path, cache, capsys, monkeypatch):
    monkeypatch.setitem(runtimes.RUNTIMES, "2.15", {**runtimes.RUNTIMES["2.15"], "python": ((3, 9), (3, 10))})
    assert main(["record", "--runtime", "2.15", "--plain", "--", _script(tmp_path, "")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tfparity: error: the TensorFlow 2.15 runtime needs CPython 3.9 "
                                                   "to 3.10"), err
    assert not cache.exists()


def test_a_failing_pip_is_one_line_and_exit_2_and_leaves_no_environment(tmp_path, cache, capsys, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # nothing listens there: refused at once
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    (cache / ".tmp-runtime-2.15-killed").mkdir(parents=True)  # what a killed run left: removed
    out = tmp_path / "r.npz"
    assert main(["record", "--runtime", "2.15", "--out", str(out), "--", _script(tmp_path, "")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tfparity: making the TensorFlow 2.15.1 runtime, once"), err
    last = err.strip().splitlines()[-1]
    assert last.startswith("tfparity: error: cannot make the TensorFlow 2.15.1 runtime: pip install failed "
                           "(exit 1): ERROR: "), last
    assert last.endswith(f"(all its output: {cache / 'runtime-2.15.log'}); nothing was kept"), last
    assert sorted(p.name for p in cache.iterdir()) == [".runtime-2.15.lock", "runtime-2.15.log"]
    assert "127.0.0.1" in (cache / "runtime-2.15.log").read_text()
    assert not out.exists() and not runtimes.ready("2.15")


def test_only_a_whole_environment_made_from_the_current_pins_is_used(cache):
    place = runtimes.folder("2.15")
    (place / "bin").mkdir(parents=True)
    (place / "bin" / "python").touch()
    assert not runtimes.ready("2.15")  # no marker: never finished
    (place / runtimes.MARKER).write_text(json.dumps({"tensorflow": "2.15.1", "requirements": ["tensorflow-cpu"]}))
    assert not runtimes.ready("2.15")  # other pins: made again
    (place / runtimes.MARKER).write_text(json.dumps(runtimes._made_from("2.15")))
    assert runtimes.ready("2.15")


def test_the_command_handed_over_is_the_one_given_less_runtime():
    from tfparity.cli import parser
    args = parser().parse_args(["record", "--runtime", "2.15", "--steps", "2", "--stop", "--strict", "--force",
                                "--out=-odd.npz", "--", "s.py", "--lr", "0.1"])
    assert record_runtime.arguments(args, ["--lr", "0.1"]) == [
        "record", "--stop", "--strict", "--force", "--out=-odd.npz", "--steps=2", "--", "s.py", "--lr", "0.1"]
    args = parser().parse_args(["record", "--runtime", "2.15", "--plain", "s.py"])
    assert record_runtime.arguments(args, []) == ["record", "--plain", "--", "s.py"]


def _stand_in(cache):
    """A made '2.15' environment whose Python is this one (TensorFlow 2.21): the hand-over alone."""
    python = runtimes.folder("2.15") / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    (runtimes.folder("2.15") / runtimes.MARKER).write_text(json.dumps(runtimes._made_from("2.15")))


def test_the_environments_python_records_with_this_checkout_and_its_status_is_passed_through(
        tmp_path, cache, capfd, monkeypatch):
    _stand_in(cache)
    monkeypatch.chdir(tmp_path)  # not the checkout: its packages come by the path made for them
    monkeypatch.setenv("PYTHONPATH", "/nowhere")  # kept, after this checkout's packages
    path = _script(tmp_path, """
import os, sys
import tensorflow as tf
import tfparity
print("path", os.environ["PYTHONPATH"].split(os.pathsep)[1], "argv", sys.argv[1:])
print("tfparity from", os.path.realpath(tfparity.__file__))
w = tf.Variable(1.0)
step = tf.assign_sub(w, 0.5)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(step)
""")
    out = tmp_path / "r.npz"
    assert main(["record", "--runtime", "2.15", "--steps", "1", "--out", str(out), "--", path, "--x", "1"]) == 0
    captured = capfd.readouterr()
    assert "path /nowhere argv ['--x', '1']" in captured.out
    assert f"tfparity from {pathlib.Path(runtimes.__file__).resolve().parents[1] / '__init__.py'}" in captured.out
    assert "tfparity: recorded 2 Session.run calls, 1 of 1 training runs" in captured.err
    assert recording.load(out)["trained"] == 1
    failing = _script(tmp_path, "raise ValueError('theirs')\n", "failing.py")
    assert main(["record", "--runtime", "2.15", "--plain", "--", failing]) == 3
    assert "ValueError: theirs" in capfd.readouterr().err


# --- under TensorFlow 2.15 (its environment made, or TFPARITY_RUNTIME_215=1)

@needs_215
def test_keras_2_and_tf_slim_serve_tf1_code_under_tensorflow_215(tmp_path, capfd):
    path = _script(tmp_path, """
import tensorflow as tf
from tensorflow.contrib import rnn
x = tf.placeholder(tf.float32, [None, 3])
outputs, _ = rnn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), [x, x], dtype=tf.float32)
y = tf.layers.dense(outputs[-1], 2) + tf.contrib.layers.flatten(x)[:, :2]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("shape", sess.run(y, {x: [[1.0, 2.0, 3.0]]}).shape, tf.VERSION, type(tf.estimator.Estimator).__name__)
print("cell", tf.nn.rnn_cell.BasicLSTMCell.__module__, "keras", tf.keras.layers.Dense.__module__)
""")
    assert main(["record", "--runtime", "2.15", "--plain", "--", path]) == 0
    out = capfd.readouterr().out
    assert "shape (1, 2) 2.15.1 type" in out, out
    assert "cell keras.src.layers.rnn.legacy_cells keras keras.src." in out, out


@needs_215
@needs_mnist
def test_an_estimator_program_is_recorded_under_tensorflow_215(tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "nn.npz"
    assert main(["record", "--runtime", "2.15", "--steps", "2", "--stop", "--out", str(out), "--",
                 str(CORPUS / "neural_network.py")]) == 0
    err = capfd.readouterr().err
    assert "tfparity: recorded" in err and "2 of 2 training runs (then stopped)" in err, err
    made = recording.load(out)
    assert made["tensorflow"] == "2.15.1" and made["trained"] == 2
    session = made["sessions"][0]
    names = [v["name"] for v in session["variables"]]
    assert names == ["global_step", "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
                     "dense_2/kernel", "dense_2/bias"]
    trained = [run for run in made["runs"] if run["training"]]
    assert [run["step"] for run in trained] == [1, 2]
    for step, run in enumerate(trained, 1):  # MonitoredSession's run: the train op and the loss, hooks' fetches merged in
        after = {v["name"]: v["value"] for v in run["variables"]}
        assert after["global_step"] == step
        assert {"GradientDescent", "Mean:0"} <= {f["name"] for f in run["fetches"]}
        assert not run["feeds"]  # the batch comes through numpy_input_fn's queue, not a feed
    initial = {v["name"]: v["value"] for v in session["variables"]}
    first = {v["name"]: v["value"] for v in trained[0]["variables"]}
    assert not np.array_equal(initial["dense/kernel"], first["dense/kernel"])
    # numpy_input_fn's queue runner feeds the batches in runs of its own thread, not recorded; each
    # training run's batch is, dequeued in the graph
    assert not any(f["name"].startswith("enqueue_input/") for run in made["runs"] for f in run["feeds"])
    assert all({t["value"].shape[0] for t in run["dequeued"]} >= {128} for run in trained)


@needs_215
@needs_mnist
def test_the_estimator_programs_keras_3_port_is_bit_identical_to_its_recording(tmp_path, monkeypatch):
    """neural_network.py recorded on TensorFlow 2.15 with every switchable cause off; its Keras 3 port
    (parity_tests/ports/neural_network.py: keras.Sequential, a custom step on the batches Estimator's
    queue gave) checked here, by the command in a process of its own (it takes the recording's oneDNN
    setting): bit-identical taught and free, and a planted slip fails."""
    import subprocess
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "nn.npz"
    assert main(["record", "--runtime", "2.15", "--strict", "--steps", "2", "--stop", "--out", str(out), "--",
                 str(CORPUS / "neural_network.py")]) == 0
    port = pathlib.Path(__file__).parent / "ports" / "neural_network.py"
    slipped = tmp_path / "slipped.py"
    slipped.write_text(port.read_text().replace("LEARNING_RATE = 0.1", "LEARNING_RATE = 0.11"))
    said = {}
    for spec, status in ((port, 0), (slipped, 1)):
        done = subprocess.run([sys.executable, "-m", "tfparity.cli", "check", "--recording", str(out), "--tf2",
                               f"{spec}:make_port"], capture_output=True, text=True)
        assert done.returncode == status, done.stdout + done.stderr[-2000:]
        said[status] = done.stdout
    assert "teacher-forced (tf2_eager, each step from the TF1 run's state before it): bit-identical" in said[0]
    assert "teacher-forced (tf2_eager, each step from the TF1 run's state before it): MISMATCH at step 1" in said[1]
