"""Estimator -> Keras 3: the Estimator program parity_tests/record_cases/estimator_mnist.py (model_fn,
numpy_input_fn, train_and_evaluate, a SessionRunHook) against its Keras 3 port trained by ``fit``
with a callback (parity_tests/ports/estimator_mnist.py), from the program's recordings on
TensorFlow 2.15, committed in parity_tests/recordings/estimator_mnist/ (``estimator_checks.make``),
so that these run without the 2.15 runtime: the port checked against both recordings, Estimator's
checkpoint converted by a map and training resumed, the evaluation compared, and a planted slip
for each way a port goes wrong. The port side runs in one fresh process with oneDNN off, as the
recordings were made (``--strict``). Where the 2.15 runtime is made, the program is recorded afresh
and its port checked against that recording too."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from parity_tests import estimator_checks as checks
from tfparity.core import fresh
from tfparity.record import runtimes

needs_mnist = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
needs_215 = pytest.mark.skipif(
    not (os.environ.get("TFPARITY_RUNTIME_215") == "1" or runtimes.ready("2.15")),
    reason=f"the TensorFlow 2.15 runtime is not made ({runtimes.folder('2.15')}); TFPARITY_RUNTIME_215=1 makes "
           "it: a 240 MB download, 1.3 GB on disk")
HERE = pathlib.Path(__file__).parent
TARGET = "parity_tests.estimator_checks"
TEACHER = "teacher-forced (tf2_eager, each step from the TF1 run's state before it): "
FREE = "free-running (tf2_eager, {} steps from the TF1 run's initial state): "


def _planted(folder, name, text, old, new):
    """A copy of ``text`` (a port or a map) with ``old`` replaced by ``new``: the slip, planted once."""
    assert text.count(old) == 1, (name, old)
    path = pathlib.Path(folder) / name
    path.write_text(text.replace(old, new))
    return str(path)


def _each(calls):
    """``[target(**kwargs) ...]`` in one fresh process with oneDNN off, as the recordings were made."""
    return fresh.call("tfparity.core.fresh:each", {"calls": [[f"{TARGET}:{f}", kwargs] for f, kwargs in calls]},
                      environment={"TF_ENABLE_ONEDNN_OPTS": "0"})


def test_the_keras_fit_port_passes_both_recordings_and_each_planted_slip_fails(tmp_path):
    port = checks.PORT.read_text()
    slips = {  # what a slipped port changed -> what check says
        "learning rate": (_planted(tmp_path, "lr.py", port, "LEARNING_RATE = 0.001", "LEARNING_RATE = 0.0011"),
                          1, TEACHER + "MISMATCH at step 1"),
        "relu forgotten": (_planted(tmp_path, "relu.py", port, 'activation="relu", ', ""), 1, TEACHER + "MISMATCH at step 1"),
        "hidden layer missed": (_missed_layer(tmp_path, port), 2,
                                "--map: dense/kernel is float32 [784, 8] in the recording, but dense._kernel is float32 [784, 10]"),
        "Keras's own Adam": (_planted(tmp_path, "adam.py", port, "keras_optimizers.wrap(optimizers.Adam(learning_rate))",
                                      "keras.optimizers.Adam(learning_rate)"), 2, "--map: entry beta1_power"),
    }
    trained, resumed = (str(checks.FOLDER / f"{name}.npz") for name, _, _ in checks.RUNS)
    said = _each([("check", {"recording": trained}), ("check", {"recording": resumed}),
                  *[("check", {"recording": trained, "port": path}) for path, _, _ in slips.values()]])
    for (status, report), steps in zip(said[:2], (3, 2)):
        assert status == 0, report
        assert TEACHER + "bit-identical" in report and FREE.format(steps) + "bit-identical" in report, report
        assert "PARITY" in report.splitlines()[-1]
    for (slip, (_, status, words)), (got, report) in zip(slips.items(), said[2:]):
        assert (got, words in report) == (status, True), (slip, report)


def _missed_layer(folder, port):
    """The port without its hidden layer (its two roots then the one Dense layer left)."""
    text = port.replace("hidden, logits = model.layers", "hidden, logits = model.layers[0], model.layers[-1]")
    return _planted(folder, "layer.py", text, """                              keras.layers.Dense(HIDDEN_UNITS, activation="relu", dtype=dtype),
""", "")


def test_estimators_checkpoint_carried_by_a_map_resumes_training_as_if_never_interrupted(tmp_path):
    """model.ckpt-3 (Estimator's names: dense/kernel, global_step, beta1_power, the Adam slots)
    converted by ``tfparity checkpoint convert --map --verify``, restored into a new port, trained
    on the batches of the program's resumed run: every variable bit for bit that run's after each
    step, the callback's step and loss the hook's; and the port trained from scratch over both runs'
    batches ends where the resumed run ended. A map that leaves global_step out, or swaps Adam's
    two slots, fails."""
    mapping = checks.MAP.read_text()
    no_step = _planted(tmp_path, "no_step.json", mapping, '"optimizer._iterations"', "null")
    m, v = '"optimizer.tf1_state.slots.m.0"', '"optimizer.tf1_state.slots.v.0"'  # dense/kernel's Adam slots
    assert mapping.count(m) == mapping.count(v) == 1
    swapped = tmp_path / "swapped.json"
    swapped.write_text(mapping.replace(m, "SLOT").replace(v, m).replace("SLOT", v))
    done, left_out, crossed = _each([("resume", {"into": str(tmp_path / name), **extra}) for name, extra in (
        ("ok", {}), ("no_step", {"map_file": no_step}), ("swapped", {"map_file": str(swapped)}))])
    assert done["converted"] == 0
    assert done["resumed"] == [[] for _ in range(checks.RUNS[1][1])], done["resumed"]
    assert done["uninterrupted"] == []
    assert [step for step, _ in done["logged"]] == [4, 5]  # global_step carried: the hook's count goes on
    assert [loss for _, loss in done["logged"]] == done["losses"]  # the callback's loss is the hook's, bit for bit
    assert left_out["converted"] == 0 and "global_step" in left_out["resumed"][0], left_out
    assert [step for step, _ in left_out["logged"]] == [1, 2]
    assert crossed["converted"] == 0 and "dense/kernel" in crossed["resumed"][0], crossed


@needs_mnist
def test_the_ports_evaluation_is_the_eval_specs_and_evaluating_on_the_training_set_fails(tmp_path):
    """The port restored from the converted model.ckpt-3 and evaluated on the test set gives the
    accuracy and loss Estimator's evaluation of that checkpoint wrote (eval.json, from its event
    file), bit for bit: the accuracy a count over a count on both sides; the loss Estimator's mean
    of the batches' losses, Keras's mean weighted by the batch size, equal because the batch size,
    8, is a power of two (a product by it is exact) and every batch is full."""
    slipped = _planted(tmp_path, "train_set.py", checks.PORT.read_text(), "datasets.test.images, datasets.test.labels",
                       "datasets.train.images, datasets.train.labels")
    converted, right, wrong = _each([("convert", {"into": str(tmp_path)}), ("evaluate", {"into": str(tmp_path)}),
                             ("evaluate", {"into": str(tmp_path), "port": slipped})])
    assert converted == 0 and right["estimator"]["global_step"] == 3
    for metric in ("accuracy", "loss"):
        assert right["port"][metric] == right["estimator"][metric], (metric, right)
    assert wrong["port"]["accuracy"] != wrong["estimator"]["accuracy"], wrong


@needs_215
@needs_mnist
def test_the_program_recorded_afresh_on_tensorflow_215_passes_its_port(tmp_path, monkeypatch):
    """The committed files made again (``estimator_checks.make``): the program runs to its end twice
    (the second time resumed from the first's checkpoint), and the port passes both new recordings
    and resumes from the new checkpoint. numpy_input_fn(shuffle=True) starts at a row drawn from
    Python's ``random`` after ``random.seed(None)`` (tensorflow_estimator's feeding_functions.py,
    _OrderedDictNumpyFeedFn), so the batches, and the recordings, differ from
    the committed ones: their values are not compared, the port is checked against them."""
    monkeypatch.chdir(tmp_path)
    assert checks.make(tmp_path) == [0, 0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in checks.FOLDER.iterdir())
    said = _each([("check", {"recording": str(tmp_path / f"{name}.npz")}) for name, _, _ in checks.RUNS] +
                 [("resume", {"folder": str(tmp_path), "into": str(tmp_path / "tf2")})])
    assert [status for status, _ in said[:2]] == [0, 0], said
    assert said[2]["resumed"] == [[], []] and said[2]["uninterrupted"] == []


TUTORIAL_MODEL_DIR = pathlib.Path("/tmp/mnist_convnet_model")  # fixed in the tutorial's code


@needs_215
@needs_mnist
@pytest.mark.skipif(TUTORIAL_MODEL_DIR.exists(), reason=f"{TUTORIAL_MODEL_DIR} exists: the tutorial would resume from it")
def test_the_tf_layers_tutorials_estimator_recorded_on_215_passes_its_keras_fit_port_dropout_included(tmp_path):
    """TensorFlow's own "A Guide to TF Layers" tutorial (cnn_mnist.py: an Estimator, a convnet with
    dropout, a LoggingTensorHook), recorded unmodified but for where its data comes from, against
    its Keras 3 port trained by fit: bit-identical, Keras's Dropout taking the recorded draws; a
    port with another dropout rate fails."""
    out = tmp_path / "cnn.npz"
    try:
        done = subprocess.run([sys.executable, "-m", "tfparity.cli", "record", "--runtime", "2.15", "--strict", "--steps",
                               "2", "--stop", "--out", str(out), "--", str(HERE / "record_cases" / "cnn_mnist.py")],
                              capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
    finally:
        shutil.rmtree(TUTORIAL_MODEL_DIR, ignore_errors=True)
    port = HERE / "ports" / "cnn_mnist.py"
    slipped = _planted(tmp_path, "rate.py", port.read_text(), "LEARNING_RATE, DROPOUT = 0.001, 0.4",
                       "LEARNING_RATE, DROPOUT = 0.001, 0.5")  # keep_prob's 0.6 read as the rate
    said = [subprocess.run([sys.executable, "-m", "tfparity.cli", "check", "--recording", str(out), "--tf2",
                            f"{spec}:make_port"], capture_output=True, text=True) for spec in (port, slipped)]
    assert said[0].returncode == 0, said[0].stdout + said[0].stderr[-2000:]
    assert TEACHER + "bit-identical" in said[0].stdout and FREE.format(2) + "bit-identical" in said[0].stdout, said[0].stdout
    assert said[1].returncode == 1 and TEACHER + "MISMATCH at step 1" in said[1].stdout, said[1].stdout
