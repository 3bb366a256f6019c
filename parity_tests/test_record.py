"""The recording (tfparity record --out FILE): a TF1 script's Session.run calls, its variables, its
random draws and its first training runs, in one file that loads without pickle."""
import os
import pathlib
import signal

import numpy as np
import pytest

from tfparity.cli import main
from tfparity.record.recorder import SEED
from tfparity.record.recording import load

CORPUS = pathlib.Path(__file__).parent / "legacy_corpus"
needs_mnist = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
# A dropout network trained RUNS times by plain gradient descent; it prints each loss's bits and
# the weights' at the end. SEED_LINE is where a script's own graph-level seed goes.
DROPOUT = """
import numpy as np
import tensorflow as tf
{seed_line}
x = tf.placeholder(tf.float32, [None, 4], name="x")
keep = tf.placeholder(tf.float32, name="keep")
w = tf.Variable(tf.random_normal([4, 3]), name="w")
b = tf.Variable(tf.zeros([3]), name="b")
h = tf.nn.dropout(tf.matmul(x, w) + b, keep)
loss = tf.reduce_mean(tf.square(h))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
data = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
try:
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range({runs}):
            _, value = sess.run([train, loss], {{x: data, keep: 0.5}})
            print("loss", value.tobytes().hex())
        print("w", sess.run(w).tobytes().hex())
except Exception:  # a script's own handler must not swallow --stop
    print("caught")
print("ended")
"""
DATA = np.arange(8, dtype=np.float32).reshape(2, 4) / 8


def _script(tmp_path, runs=4, seed_line="", name="script.py"):
    path = tmp_path / name
    path.write_text(DROPOUT.format(runs=runs, seed_line=seed_line))
    return str(path)


def _record(script, out, *options):
    return main(["record", *options, "--out", str(out), "--", script])


def test_variables_feeds_fetches_random_draws_and_steps(tmp_path, capsys):
    out = tmp_path / "r.npz"
    assert _record(_script(tmp_path, runs=3), out, "--steps", "3") == 0
    printed = capsys.readouterr()
    assert printed.err.strip().splitlines()[-1].startswith(f"tfparity: recorded 4 Session.run calls, 3 of 3 "
                                                           f"training runs: {out}, ")
    recording = load(out)
    assert recording["trained"] == 3 and recording["seeds"] == {"graph": SEED, "numpy": SEED}
    (session,) = recording["sessions"]
    assert session["graph_seed"] == SEED and session["initialized_after_run"] == 0
    w0, b0 = session["variables"]
    assert [(v["name"], v["shape"], v["dtype"]) for v in (w0, b0)] == [("w", [4, 3], "float32"), ("b", [3], "float32")]
    init, *steps = recording["runs"]
    assert [f["name"] for f in init["fetches"]] == ["init"] and init["fetches"][0]["value"] is None
    (draw,) = init["random"]  # the initializer's draw is the initial value (random_normal: mean 0, stddev 1)
    assert draw["name"] == "random_normal/RandomStandardNormal" and draw["value"].tobytes() == w0["value"].tobytes()
    assert not init["training"] and init["variables"] is None
    losses = [bytes.fromhex(line.split()[1]) for line in printed.out.splitlines() if line.startswith("loss")]
    w, b = w0["value"], b0["value"]
    for number, run in enumerate(steps, 1):
        assert run["training"] and run["step"] == number
        assert [f["name"] for f in run["feeds"]] == ["x:0", "keep:0"]
        assert run["feeds"][0]["value"].tobytes() == DATA.tobytes() and run["feeds"][1]["value"].dtype == np.float32
        assert [(f["path"], f["name"]) for f in run["fetches"]] == [("0", "GradientDescent"), ("1", "Mean:0")]
        assert run["fetches"][1]["value"].tobytes() == losses[number - 1]  # what the script got
        (mask,) = run["random"]
        assert mask["name"] == "dropout/random_uniform/RandomUniform" and mask["value"].shape == (2, 3)
        # The recorded draw is the one the run used: the loss recomputed from it (NumPy's float32
        # rounding differs from the kernels', hence a tolerance: this checks the draw, not parity).
        kept = (mask["value"] >= np.float32(0.5)) * ((DATA @ w + b) / np.float32(0.5))
        assert np.allclose(np.mean(kept ** 2), run["fetches"][1]["value"], rtol=1e-5)
        assert [v["name"] for v in run["variables"]] == ["w", "b"]
        w, b = (v["value"] for v in run["variables"])
    assert w.tobytes() != w0["value"].tobytes()
    assert w.tobytes().hex() == printed.out.split("w ")[1].split()[0]  # after the last step, as the script read it


def test_nothing_is_recorded_after_the_steps_and_the_script_goes_on(tmp_path, capsys):
    out = tmp_path / "r.npz"
    assert _record(_script(tmp_path, runs=4), out, "--steps", "2") == 0
    out_text = capsys.readouterr().out
    assert out_text.count("loss") == 4 and out_text.endswith("ended\n")
    recording = load(out)
    assert recording["trained"] == 2 and len(recording["runs"]) == 3


def test_stop_ends_the_script_after_the_last_step_and_writes_the_file(tmp_path, capsys):
    out = tmp_path / "r.npz"
    assert _record(_script(tmp_path, runs=5), out, "--steps", "2", "--stop") == 0
    printed = capsys.readouterr()
    # It ends inside the second training run: recorded, never returned to the script.
    assert printed.out.count("loss") == 1 and "caught" not in printed.out and "ended" not in printed.out
    assert "2 of 2 training runs (then stopped)" in printed.err
    assert load(out)["trained"] == 2


def test_two_recordings_of_a_script_are_the_same_bytes(tmp_path, capsys):
    script = _script(tmp_path)  # no seed of its own: the recorder's
    assert _record(script, tmp_path / "a.npz") == 0 and _record(script, tmp_path / "b.npz") == 0
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_recording_does_not_change_what_the_script_computes(tmp_path, capsys):
    # The script's own seed makes an unrecorded run reproducible; the recorded run fetches the
    # dropout draws and reads the variables beside it, and the script's printed bits are the same.
    script = _script(tmp_path, runs=5, seed_line="tf.set_random_seed(3)")
    assert main(["record", "--plain", "--", script]) == 0
    plain = capsys.readouterr().out
    assert _record(script, tmp_path / "r.npz", "--steps", "5") == 0
    recorded = capsys.readouterr().out
    assert plain == recorded and plain.count("loss") == 5
    assert load(tmp_path / "r.npz")["sessions"][0]["graph_seed"] == 3  # the script's seed, not the recorder's


def test_interactive_session_eval_and_monitored_session_are_recorded(tmp_path, capsys):
    script = tmp_path / "sessions.py"
    script.write_text("""
import numpy as np
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.get_variable("w", [2, 1], initializer=tf.truncated_normal_initializer())
loss = tf.reduce_mean(tf.matmul(x, w))
step = tf.train.get_or_create_global_step()
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
with tf.train.MonitoredTrainingSession() as sess:
    sess.run(train, {x: np.ones((3, 2), np.float32)})
sess = tf.InteractiveSession()
sess.run(tf.global_variables_initializer())
loss.eval({x: np.ones((3, 2), np.float32)})
""")
    assert _record(str(script), tmp_path / "r.npz", "--steps", "5") == 0
    recording = load(tmp_path / "r.npz")
    monitored, interactive = recording["sessions"]
    assert [v["name"] for v in monitored["variables"]] == ["w", "global_step"]
    (trained,) = [run for run in recording["runs"] if run["training"]]
    assert trained["session"] == 0 and [f["path"] for f in trained["fetches"]] == ["caller"]  # the hooks' merge
    assert [v["name"] for v in trained["variables"]] == ["w", "global_step"]
    evaluated = recording["runs"][-1]
    assert evaluated["session"] == 1 and [f["name"] for f in evaluated["fetches"]] == ["Mean:0"]


def test_an_error_in_the_script_is_exit_3_and_nothing_is_written(tmp_path, capsys):
    script = tmp_path / "boom.py"
    script.write_text("import tensorflow as tf\nwith tf.Session() as s:\n    s.run(tf.constant(1))\n1 / 0\n")
    assert _record(str(script), tmp_path / "r.npz") == 3
    assert "ZeroDivisionError" in capsys.readouterr().err and os.listdir(tmp_path) == ["boom.py"]


def test_ctrl_c_leaves_no_file(tmp_path, capsys):
    script = tmp_path / "interrupted.py"
    script.write_text(DROPOUT.format(runs=3, seed_line="") + "import signal\nsignal.raise_signal(signal.SIGINT)\n")
    assert _record(str(script), tmp_path / "r.npz") == 128 + signal.SIGINT
    assert os.listdir(tmp_path) == ["interrupted.py"]


@pytest.mark.parametrize("options, message", [
    ([], "name the recording's file with --out FILE (or run without recording: --plain)"),
    (["--out", "r.npz", "--steps", "0"], "argument --steps: must be positive and finite, got '0'"),
    (["--out", "."], "cannot write --out .: . is a folder, not a regular file"),
    (["--out", "old.npz"], "cannot write --out old.npz: it exists; pass --force to replace it"),
    (["--out", "script.py"], "cannot write --out script.py: it is "),
    (["--plain", "--out", "r.npz", "--stop"], "--out, --stop: options of a recording; --plain records nothing"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, options, message):
    monkeypatch.chdir(tmp_path)
    _script(tmp_path)
    (tmp_path / "old.npz").write_bytes(b"")
    assert main(["record", *options, "--", "script.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tfparity: error: {message}"), err
    assert sorted(os.listdir(tmp_path)) == ["old.npz", "script.py"]


@needs_mnist
def test_a_public_tf1_program_is_recorded_unmodified(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(CORPUS)
    out = tmp_path / "r.npz"
    assert main(["record", "--steps", "3", "--stop", "--out", str(out), "neural_network_raw.py"]) == 0
    recording = load(out)
    (session,) = recording["sessions"]
    names = [v["name"] for v in session["variables"]]
    assert names[:6] == ["Variable", "Variable_1", "Variable_2", "Variable_3", "Variable_4", "Variable_5"]
    assert "beta1_power" in names and "Variable/Adam" in names  # Adam's state is the graph's too
    assert session["variables"][0]["shape"] == [784, 256]
    init, *runs = recording["runs"]
    assert len(init["random"]) == 6  # each weight's random_normal
    assert [run["step"] for run in runs] == [1, None, 2, 3]  # step 1's loss and accuracy: not a training run
    assert [f["name"] for f in runs[1]["fetches"]] == ["Mean:0", "Mean_1:0"] and not runs[1]["training"]
    steps = [run for run in runs if run["training"]]
    assert all(run["feeds"][0]["value"].shape == (128, 784) for run in steps)
    first, second = steps[0]["feeds"][0]["value"], steps[1]["feeds"][0]["value"]
    assert first.tobytes() != second.tobytes()  # next_batch moved on
    assert "Optimization Finished!" not in capsys.readouterr().out


def test_a_run_tensorflow_refuses_is_the_scripts_error_in_tensorflows_words(tmp_path, capsys):
    script = tmp_path / "bad_fetch.py"
    script.write_text("import tensorflow as tf\nwith tf.Session() as s:\n    s.run(tf.constant(1), {'nowhere:0': 1})\n")
    assert _record(str(script), tmp_path / "r.npz") == 3
    err = capsys.readouterr().err
    assert "Cannot interpret feed_dict key as Tensor" in err and f'File "{script}", line 3' in err


def test_a_random_op_inside_a_cond_is_listed_as_unrecorded(tmp_path, capsys):
    script = tmp_path / "cond.py"
    script.write_text("""
import tensorflow as tf
flag = tf.placeholder(tf.bool, name="flag")
noise = tf.cond(flag, lambda: tf.random_uniform([2], name="inside"), lambda: tf.zeros([2]))
outside = tf.random_normal([2], name="outside")
with tf.Session() as sess:
    sess.run([noise, outside], {flag: True})
""")
    assert _record(str(script), tmp_path / "r.npz") == 0
    (run,) = load(tmp_path / "r.npz")["runs"]
    assert [r["name"] for r in run["random"]] == ["outside/RandomStandardNormal"]
    assert run["unrecorded_random"] == ["cond/inside/RandomUniform"]


def test_sparse_fetches_and_metric_updates(tmp_path, capsys):
    """An IndexedSlices fetched is recorded as its arrays; a metric's update (a local variable
    written) is not a training run and spends none of --steps."""
    out = tmp_path / "r.npz"
    assert _record(str(pathlib.Path(__file__).parent / "record_cases" / "sparse_and_metrics.py"), out, "--steps", "2") == 0
    assert "gradient rows [0, 2, 2]" in capsys.readouterr().out
    recorded = load(out)
    sliced = next(run for run in recorded["runs"] if any(f["path"] == "indices" for f in run["fetches"]))
    assert {f["path"]: f["value"].tolist() for f in sliced["fetches"]}["indices"] == [0, 2, 2]
    assert [run["step"] for run in recorded["runs"] if run["training"]] == [1, 2]
    assert recorded["trained"] == 2 and len(recorded["runs"][-1]["variables"]) == 1  # the table only


def test_what_is_not_a_recording_is_one_line(tmp_path):
    from tfparity.record.recording import NotARecording
    np.save(tmp_path / "one.npy", np.zeros(3))
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    (tmp_path / "junk.npz").write_bytes(b"junk")
    said = {"one.npy": "one .npy array", "other.npz": "without __index__", "junk.npz": "not an .npz archive",
            "absent.npz": "cannot read"}
    for name, words in said.items():
        with pytest.raises(NotARecording, match=words):
            load(tmp_path / name)


def test_no_mnist_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    assert main(["record", "--plain", "--", str(CORPUS / "logistic_regression.py")]) == 2
    err = capsys.readouterr().err
    assert "set MNIST_DIR" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_strict_records_with_grappler_off_and_puts_it_back(tmp_path, capsys):
    """--strict: grappler's passes off for the recording (and on again after it); oneDNN cannot be
    switched off once TensorFlow has loaded with it on, which is one line and exit 2."""
    import tensorflow as tf

    from tfparity.core.machine import onednn_active
    out = tmp_path / "r.npz"
    status = _record(_script(tmp_path), out, "--strict", "--steps", "1")
    if onednn_active():
        assert status == 2 and "--strict cannot switch oneDNN off" in capsys.readouterr().err
        return
    assert status == 0
    assert load(out)["grappler"] == {"grappler_arithmetic": False, "grappler_remapper": False}
    assert tf.config.optimizer.get_experimental_options().get("arithmetic_optimization", True)


def test_a_run_that_goes_on_is_timed_recorded_and_not(tmp_path, capsys):
    assert _record(_script(tmp_path, runs=5), tmp_path / "r.npz", "--steps", "2") == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("tfparity: a recorded training run took") and "(medians of 2 and 2)" in last
    assert load(tmp_path / "r.npz")["grappler"] == {"grappler_arithmetic": True, "grappler_remapper": True}


def test_the_survey_measures_one_program():
    from tfparity.record import survey
    found = survey.measure(str(CORPUS / "linear_regression.py"), 2)
    assert found["outcome"] == "recorded" and found["trained"] == 2 and found["overhead"] > 0
    assert main(["bench", "--recorder", "--quick"]) == 2  # a survey of the corpus, not of the examples


def test_an_array_fed_at_every_run_is_kept_once(tmp_path):
    import json
    out = tmp_path / "r.npz"
    assert _record(_script(tmp_path, runs=4), out, "--steps", "4") == 0
    with np.load(out, allow_pickle=False) as archive:
        index = json.loads(bytes(archive["__index__"]).decode())
    fed = {feed["value"] for run in index["runs"] for feed in run["feeds"] if feed["name"] == "x:0"}
    assert len(fed) == 1  # DATA, four times: one member
    draw = index["runs"][0]["random"][0]["value"]
    assert draw == index["sessions"][0]["variables"][0]["value"]  # w's initial value is its draw


def test_a_batch_from_a_queue_is_recorded_and_replayed(tmp_path, capsys):
    """Queue runner threads fill the queue (their runs are not recorded); each training run's batch,
    dequeued in the graph, is recorded beside it and given to the port's step."""
    out = tmp_path / "r.npz"
    script = pathlib.Path(__file__).parent / "record_cases" / "queue_pipeline.py"
    assert _record(str(script), out, "--steps", "3") == 0
    recorded = load(out)
    training = [run for run in recorded["runs"] if run["training"]]
    assert len(training) == 3 and not any(run["feeds"] for run in training)
    features = np.arange(24, dtype=np.float32).reshape(8, 3) / 24
    batches = [run["dequeued"][0]["value"] for run in training]
    assert [b.tolist() for b in batches] == [features[:4].tolist(), features[4:].tolist(), features[:4].tolist()]
    port = pathlib.Path(__file__).parent / "ports" / "queue_pipeline.py"
    capsys.readouterr()
    assert main(["check", "--recording", str(out), "--tf2", f"{port}:make_port"]) == 0
    out_text = capsys.readouterr().out
    assert "feeds: batch:0 -> x, batch:1 -> y" in out_text and "not compared" not in out_text  # the loss is compared
    assert "teacher-forced (tf2_eager, each step from the TF1 run's state before it): bit-identical" in out_text


def test_emit_port_writes_a_port_to_start_from(tmp_path, capsys, monkeypatch):
    """--emit-port DIR: a module whose variables the replay matches by name, every one (the optimizer's
    slots too), and whose step, until written, is the user's NotImplementedError (exit 3)."""
    import importlib.util

    from tfparity.record import replay
    out, folder = tmp_path / "r.npz", tmp_path / "port"
    assert _record(_script(tmp_path), out, "--steps", "2", "--emit-port", str(folder)) == 0
    spec = importlib.util.spec_from_file_location("emitted_port", folder / "port.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "LEARNING_RATE", 0.1)
    roots, step = module.make_port()
    recorded = load(out)
    _, how = replay.name_map(recorded["sessions"][0]["variables"], replay.port_variables(roots))
    assert set(how.values()) == {"name"} and set(how) == {"w", "b"}
    assert list(__import__("inspect").signature(step).parameters) == ["x", "keep"]
    capsys.readouterr()
    assert main(["check", "--recording", str(out), "--tf2", f"{folder / 'port.py'}:make_port"]) == 3
    assert "NotImplementedError: write the forward pass" in capsys.readouterr().err
    assert _record(_script(tmp_path), tmp_path / "r2.npz", "--emit-port", str(folder)) == 2  # not over port.py
    assert "port.py" in capsys.readouterr().err


def test_emit_port_leaves_every_argument_the_rule_requires_to_the_user():
    from tfparity.record import emit
    variable = {"name": "w", "shape": [2], "dtype": "float32"}
    index = {"sessions": [{"variables": [variable, {**variable, "name": "w/Momentum"}]}],
             "runs": [{"session": 0, "step": 1, "feeds": [{"name": "x:0"}], "dequeued": []}]}
    source = emit.port_source(index, "train.py")
    assert "MOMENTUM = None" in source and "optimizers.Momentum(learning_rate=LEARNING_RATE, momentum=MOMENTUM)" in source
    assert "def step(x):" in source
