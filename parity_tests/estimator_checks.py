"""What test_estimator.py runs: the Estimator program parity_tests/record_cases/estimator_mnist.py,
recorded on TensorFlow 2.15 twice (trained from scratch, then run again in the same model_dir:
resumed from its checkpoint), and its Keras 3 port (parity_tests/ports/estimator_mnist.py) checked
against both, its checkpoint carried over and its evaluation compared.

``make(folder)`` makes the committed files under TensorFlow 2.15 (``tfparity record --runtime
2.15``); every other function runs on the installed TensorFlow, in a process started with oneDNN
as the recordings were made (off: ``--strict``), given to ``tfparity.core.fresh.call``:

- ``check``: ``tfparity check --recording`` of a port, its exit status and report;
- ``resume``: Estimator's checkpoint converted (``tfparity checkpoint convert --map --verify``),
  restored into a new port, trained on the resumed run's batches, against that run;
- ``evaluate``: the port restored from the converted checkpoint, evaluated as the EvalSpec did.
"""
import contextlib
import importlib.util
import io
import json
import pathlib
import shutil

import numpy as np

HERE = pathlib.Path(__file__).parent
FOLDER = HERE / "recordings" / "estimator_mnist"  # the committed recordings, checkpoint and evaluation
PROGRAM = HERE / "record_cases" / "estimator_mnist.py"
PORT, MAP = HERE / "ports" / "estimator_mnist.py", HERE / "ports" / "estimator_mnist.map.json"
FLAGS = ("--batch_size", "8", "--hidden_units", "8")  # the program's flags: a recording small enough to commit
RUNS = (("trained", 3, 3), ("resumed", 2, 5))  # (file, training runs recorded, --train_steps): 3 from scratch, then 2 more
CHECKPOINT = "model.ckpt-3"  # what the first run's Estimator saved at its end, and the second restored


def make(folder):
    """Record the program twice under TensorFlow 2.15 into ``folder`` (``trained.npz``,
    ``resumed.npz``), keep the checkpoint between them and the first run's evaluation (``eval.json``,
    read from Estimator's eval event file); returns the program's exit statuses."""
    from tfparity.cli import main
    folder, model_dir = pathlib.Path(folder), pathlib.Path(folder) / "model_dir"
    statuses = [main(["record", "--runtime", "2.15", "--strict", "--steps", str(steps), "--force", "--out",
                      str(folder / f"{name}.npz"), "--", str(PROGRAM), "--model_dir", str(model_dir),
                      "--train_steps", str(train_steps), *FLAGS]) for name, steps, train_steps in RUNS]
    for part in (".index", ".data-00000-of-00001"):
        shutil.copyfile(model_dir / f"{CHECKPOINT}{part}", folder / f"{CHECKPOINT}{part}")
    (folder / "eval.json").write_text(json.dumps(evaluation(model_dir / "eval", step=RUNS[0][2]), indent=1) + "\n")
    shutil.rmtree(model_dir)
    return statuses


def evaluation(folder, step):
    """{tag: value} of the evaluation Estimator wrote at global step ``step`` into ``folder``'s event
    file (``simple_value``: float32, written out exactly as a float64)."""
    import tensorflow as tf
    found = {}
    for path in sorted(pathlib.Path(folder).glob("events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            if event.step == step:
                found.update({v.tag: float(v.simple_value) for v in event.summary.value if v.tag != "checkpoint_path"})
    return {"global_step": step, **found}


def _module(path):
    spec = importlib.util.spec_from_file_location(f"port_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(recording, port=str(PORT), map_file=str(MAP)):
    """``tfparity check --recording RECORDING --tf2 PORT:make_port [--map MAP]``: [status, its output
    and its error lines]."""
    from tfparity.cli import main
    report = io.StringIO()
    with contextlib.redirect_stdout(report), contextlib.redirect_stderr(report):
        status = main(["check", "--recording", recording, "--tf2", f"{port}:make_port",
                       *(["--map", map_file] if map_file else [])])
    return [int(status), report.getvalue()]


def _by_tf1_name(roots, mapping):
    from tfparity.checkpoint.convert import paths
    found = paths(roots)
    return {name: found[path] for name, path in mapping.items() if path is not None}


def _differing(variables, state):
    """TF1 names whose port variable is not bit for bit the recorded ``state`` ({name: array})."""
    return [name for name, var in variables.items()
            if not _same_bits(np.asarray(var.numpy()), np.asarray(state[name]))]


def _same_bits(actual, desired):
    return actual.dtype == desired.dtype and actual.shape == desired.shape and \
        np.ascontiguousarray(actual).tobytes() == np.ascontiguousarray(desired).tobytes()


def convert(folder=str(FOLDER), port=str(PORT), map_file=str(MAP), into=None):
    """``tfparity checkpoint convert FOLDER/model.ckpt-3 INTO/ckpt --map MAP_FILE --verify PORT:fresh_roots``:
    its exit status."""
    from tfparity.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        return int(main(["checkpoint", "convert", str(pathlib.Path(folder) / CHECKPOINT), str(pathlib.Path(into) / "ckpt"),
                         "--force", "--map", map_file, "--verify", f"{port}:fresh_roots"]))


def resume(folder=str(FOLDER), port=str(PORT), map_file=str(MAP), into=None):
    """Estimator's checkpoint converted by ``tfparity checkpoint convert --map MAP_FILE --verify`` into
    ``into``, restored into a new port and trained on the resumed run's batches: {"converted": the
    command's status, "resumed": [differing TF1 names after each step], "logged": the callback's
    (step, loss), "losses": the hook's, "uninterrupted": differing names after the port's run from
    the first recording's initial state over both runs' batches}."""
    import tensorflow as tf

    from tfparity.record import recording, replay
    folder, module = pathlib.Path(folder), _module(port)
    with open(MAP) as file:  # the right map, to read the port's variables by: map_file may be a slipped one
        mapping = json.load(file)
    converted = convert(str(folder), port, map_file, into)
    into = pathlib.Path(into) / "ckpt"
    if converted != 0:
        return {"converted": int(converted)}
    trained, resumed = (recording.load(folder / f"{name}.npz") for name, _, _ in RUNS)
    model, logged = module.make_model(), []
    roots = module.checkpoint_roots(model)
    tf.train.Checkpoint(**roots).restore(str(into)).expect_partial()  # Keras's learning_rate: not in it, not read by TF1's rule
    variables = _by_tf1_name(roots, mapping)
    _, runs = replay.training_runs(resumed)
    after = []
    for run in runs:
        index, images, labels = (tf.constant(d["value"]) for d in run["dequeued"])
        module.train_step(model, images, labels, logged)
        after.append(_differing(variables, {v["name"]: v["value"] for v in run["variables"]}))
    losses = [float(f["value"]) for run in runs for f in run["fetches"] if f["path"].startswith("LossLoggerHook")]

    model, again = module.make_model(), []  # never interrupted: from the first run's initial state
    variables = _by_tf1_name(module.checkpoint_roots(model), mapping)
    session, first = replay.training_runs(trained)
    for var_name, var in variables.items():
        var.assign(next(v["value"] for v in session["variables"] if v["name"] == var_name))
    for run in first + runs:
        index, images, labels = (tf.constant(d["value"]) for d in run["dequeued"])
        module.train_step(model, images, labels, again)
    uninterrupted = _differing(variables, {v["name"]: v["value"] for v in runs[-1]["variables"]})
    return {"converted": 0, "resumed": after, "logged": [[int(s), float(v)] for s, v in logged], "losses": losses,
            "uninterrupted": uninterrupted}


def evaluate(folder=str(FOLDER), port=str(PORT), into=None):
    """The port restored from the converted checkpoint in ``into`` (``convert``'s) and evaluated by
    its ``evaluate`` on MNIST as input_data gave it: {its metrics, and Estimator's (eval.json)}."""
    import tensorflow as tf

    from tfparity.record import input_data
    module = _module(port)
    model = module.make_model()
    tf.train.Checkpoint(**module.checkpoint_roots(model)).restore(str(pathlib.Path(into) / "ckpt")).expect_partial()
    # The test split is the one the EvalSpec read; the training split is cut to its last 10,000 images
    # (a validation split of 50,000): a port that evaluates on it reads as many images as the test set
    ported = module.evaluate(model, input_data.read_data_sets("unused", validation_size=50000))
    return {"port": {key: float(value) for key, value in ported.items()},
            "estimator": json.loads((pathlib.Path(folder) / "eval.json").read_text())}
