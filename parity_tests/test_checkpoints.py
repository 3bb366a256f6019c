"""A checkpoint written by a plain TF1 script (variable_scope names, Adam, a Saver) carried into
TF2 by ``tfparity checkpoint convert`` and back: training resumed from it equals the run that was
never interrupted, bit for bit; every bad input is one line, exit 2, and nothing is written."""
import json
import shutil

import numpy as np
import pytest
import tensorflow as tf

from parity_tests.outside import tf1_script, tf2_port
from parity_tests.outside.tf2_port import HAND_MAP
from tfparity import cli
from tfparity.core.exits import Exit

SAVED_AT, STEPS = 5, 12  # save after 5 of 12 updates: Adam's slots and powers are mid-run
PORT = "parity_tests.outside.tf2_port"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkpoints")
    inputs = tf1_script.make_inputs(0, STEPS)
    first, _ = tf1_script.train(inputs, 0, SAVED_AT, save_to=str(folder / "tf1"))
    whole, weights = tf1_script.train(inputs, 0, STEPS)
    return {"folder": folder, "inputs": inputs, "first": first, "whole": whole, "weights": weights}


def _resume_in_tf2(runs, prefix):
    objects = tf2_port.objects(runs["inputs"])
    tf.train.Checkpoint(**tf2_port.roots(objects)).restore(prefix).assert_existing_objects_matched()
    assert objects["step"].numpy() == SAVED_AT
    return tf2_port.train(runs["inputs"], objects, SAVED_AT, STEPS - SAVED_AT)


def _assert_uninterrupted(runs, losses, weights):
    assert np.concatenate([runs["first"], losses]).tobytes() == runs["whole"].tobytes()
    assert all(weights[name].tobytes() == value.tobytes() for name, value in runs["weights"].items())


def test_inspect_names_each_slot_of_each_variable(runs, tmp_path, capsys):
    assert cli.main(["checkpoint", "inspect", str(runs["folder"] / "tf1"), "--json", str(tmp_path / "rows.json")]) == 0
    assert "Adam m of hidden/weights" in capsys.readouterr().out
    rows = {row["name"]: row for row in json.loads((tmp_path / "rows.json").read_text())}
    assert rows["hidden/weights/Adam_1"] == {"name": "hidden/weights/Adam_1", "shape": [4, 8], "dtype": "float32",
                                             "optimizer": "Adam", "variable": "hidden/weights", "slot": "v"}
    assert rows["beta2_power"]["variable"] is None and "optimizer" not in rows["global_step"]


def test_resuming_from_a_hand_mapped_checkpoint_equals_the_uninterrupted_run(runs, tmp_path):
    (tmp_path / "map.json").write_text(json.dumps(HAND_MAP))
    assert cli.main(["checkpoint", "convert", str(runs["folder"] / "tf1"), str(tmp_path / "tf2"),
                     "--map", str(tmp_path / "map.json"), "--into", f"{PORT}:checkpoint_roots"]) == 0
    _assert_uninterrupted(runs, *_resume_in_tf2(runs, str(tmp_path / "tf2")))


def test_the_derived_map_and_the_roll_back_to_tf1_resume_the_same(runs, tmp_path):
    assert cli.main(["checkpoint", "convert", str(runs["folder"] / "tf1"), str(tmp_path / "tf2"),
                     "--auto", f"{PORT}:checkpoint_roots", "--write-map", str(tmp_path / "map.json")]) == 0
    assert json.loads((tmp_path / "map.json").read_text()) == HAND_MAP
    assert cli.main(["checkpoint", "convert", str(tmp_path / "tf2"), str(tmp_path / "back"),
                     "--map", str(tmp_path / "map.json"), "--reverse"]) == 0
    losses, weights = tf1_script.train(runs["inputs"], SAVED_AT, STEPS - SAVED_AT, restore_from=str(tmp_path / "back"))
    _assert_uninterrupted(runs, losses, weights)


def _truncated(runs, tmp_path):
    for source in (runs["folder"]).glob("tf1.*"):
        shutil.copy(source, tmp_path / source.name)
    data = next(tmp_path.glob("tf1.data-*"))
    data.write_bytes(data.read_bytes()[:100])
    return tmp_path / "tf1"


@pytest.mark.parametrize("case, message", [
    ("left out", "variable global_step of"),
    ("no source", "map entry hidden/kernel: "),
    ("unknown path", "map entry hidden/weights: no variable at model.hidden.kernel in the objects"),
    ("shape", "hidden/weights: float32 [4, 8] in the checkpoint, but model.hidden.weights is float32 [4, 9]"),
    ("truncated data", "cannot read "),
    ("missing index", ".index does not exist"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(runs, tmp_path, capsys, case, message):
    source, mapping, into = runs["folder"] / "tf1", dict(HAND_MAP), f"{PORT}:checkpoint_roots"
    if case == "left out":
        del mapping["global_step"]
    elif case == "no source":
        mapping["hidden/kernel"] = "model.hidden.kernel"
    elif case == "unknown path":
        mapping["hidden/weights"] = "model.hidden.kernel"
    elif case == "shape":
        into = f"{PORT}:wider_roots"
    elif case == "truncated data":
        source = _truncated(runs, tmp_path)
    else:
        source = tmp_path / "absent"
    (tmp_path / "map.json").write_text(json.dumps(mapping))
    status = cli.main(["checkpoint", "convert", str(source), str(tmp_path / "tf2"), "--map", str(tmp_path / "map.json"),
                       "--into", into])
    err = capsys.readouterr().err
    assert status == Exit.USAGE and message in err and err.count("\n") == 1, err
    assert not list(tmp_path.glob("tf2*")) and not list(tmp_path.glob(".tfparity-*"))


def test_the_traps_the_page_names_hold_on_this_tensorflow(runs, tmp_path):
    import keras
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        keras.Variable(1.0, name="conv1/weights")
    module = tf.Module()
    module.kernel, module.bias = keras.Variable(1.0, name="kernel"), tf.Variable(2.0, name="bias")
    assert [v.name for v in module.trainable_variables] == ["bias:0"]  # the Keras variable is not listed...
    tf.train.Checkpoint(model=module).write(str(tmp_path / "m"))
    assert "model/kernel/.ATTRIBUTES/VARIABLE_VALUE" in dict(tf.train.list_variables(str(tmp_path / "m")))  # ...but saved


def test_saver_reads_an_object_based_checkpoint_only_by_the_names_variables_were_created_with(tmp_path):
    import tensorflow.compat.v1 as tf1
    module = tf.Module()
    module.weights = tf.Variable(3.0, name="hidden/weights")
    tf.train.Checkpoint(model=module).write(str(tmp_path / "m"))
    for name, readable in (("hidden/weights", True), ("model/weights", False)):
        with tf1.Graph().as_default():
            variable = tf1.Variable(0.0, name=name)
            saver = tf1.train.Saver()
            with tf1.Session() as session:
                if readable:
                    saver.restore(session, str(tmp_path / "m"))
                    assert session.run(variable) == 3.0
                else:
                    with pytest.raises(tf.errors.NotFoundError):
                        saver.restore(session, str(tmp_path / "m"))


RESUMED = ["mlp", "convnet"]


@pytest.fixture(scope="module")
def strict_runs():
    """{example: its resumed verdicts with every cause off}, the examples one after another in one fresh process."""
    from tfparity.core import fresh
    found = fresh.call("tfparity.core.fresh:each", {"calls": [
        ["tfparity.studies.checkpoints:verdicts", {"example": example, "strict": True}] for example in RESUMED]},
        {"TF_ENABLE_ONEDNN_OPTS": "0"})
    return dict(zip(RESUMED, found))


@pytest.mark.parametrize("example", RESUMED)
def test_resumed_in_tf2_equals_the_uninterrupted_tf1_run_and_bit_for_bit_with_causes_off(example, strict_runs):
    from tfparity.core import machine, records
    from tfparity.core.paths import DOCS
    from tfparity.studies import checkpoints as resume
    here = resume.verdicts(example)
    # The convnet's bounds are local: a resumed trajectory that differs while oneDNN is on is reported
    # ("differs"), not judged here (its updates are judged by the example's local layer, test_local_steps).
    assert set(here["statuses"].values()) <= {"bit-identical", "within", "differs"}, here["verdicts"]
    if example == "mlp":  # the checkpoint into Keras, saved, loaded and predicting in a fresh process
        keras = here["keras"]
        assert [keras[kind]["same_predictions"] for kind in ("keras", "weights.h5")] == [keras["test_images"]] * 2
        assert [keras[kind]["logits"] for kind in ("keras", "weights.h5")] == ["bit-identical"] * 2
    else:  # the resumed convnet as a SavedModel, loaded in a fresh process
        assert here["saved_model"]["same_predictions"] == here["saved_model"]["test_images"]
        assert {row["slot"] for row in here["inspect"] if row.get("optimizer")} == {"m", "v", "beta1_power", "beta2_power"}
    strict = strict_runs[example]
    assert set(strict["statuses"].values()) == {"bit-identical"}, strict["verdicts"]
    record = records.load_plain(DOCS, resume.NAME)
    if machine.same_bits(record["machine"]):
        assert record[example]["verdicts"] == here["verdicts"], "re-measure: the committed record is stale"
    assert record[example]["map"] == here["map"]
