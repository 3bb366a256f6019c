"""A user's own pair, written by ``tfparity new`` into a directory outside this checkout, proven
with tfparity.check, with assert_parity in the user's own pytest run, and with ``tfparity check``;
planted porting slips are named by the report's hints; differences with a cause are explained."""
import importlib
import subprocess
import sys

import pytest

from tfparity import cli
from tfparity.check import parity
from tfparity.core.exits import Exit
from tfparity.core.tolerances import Bound, active

USER = "user_port"
CHECK = ["check", "--inputs", f"{USER}.data:make_inputs", "--tf1", f"{USER}.old:run", "--tf2"]
# Each slip planted in the scaffold's TF2 port, and the words of the hint that must name it.
PLANTS = {
    "sum for mean": ("loss = tf.reduce_mean(", "loss = tf.reduce_sum(", "the loss reduction differs"),
    "learning rate": ('step(x, y, w, b, inputs["learning_rate"])', 'step(x, y, w, b, 10 * inputs["learning_rate"])',
                      "the step size (learning rate)"),
    "initial values": ('tf.Variable(inputs["w0"], name="w")', 'tf.Variable(inputs["w0"] + 0.5, name="w")',
                       "initial values not from the shared inputs"),
    "read before the update": ("        loss = step(", "        trace['w'].append(w.numpy()); trace['b'].append(b.numpy())\n"
                               "        loss = step(", "read before the update"),
}


def _plant(folder, name, old, new):
    port = folder / USER / "new.py"
    text = port.read_text()
    assert old in text, name
    if name == "read before the update":  # the values read after the update are dropped
        text = text.replace('(("w", w), ("b", b), ("loss", loss))', '(("loss", loss),)')
    (folder / USER / "planted.py").write_text(text.replace(old, new))
    return importlib.import_module(f"{USER}.planted")


@pytest.fixture
def user_repo(tmp_path, monkeypatch):
    assert cli.main(["new", USER, "--dir", str(tmp_path)]) == 0
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for name in [m for m in sys.modules if m.split(".")[0] == USER]:  # import this copy
        monkeypatch.delitem(sys.modules, name)
    return tmp_path


def _pytest(folder):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"test_{USER}.py"],
                          cwd=folder, capture_output=True, text=True)


def test_the_scaffold_is_proven_by_check_and_by_the_users_own_pytest_run(user_repo):
    from user_port import data, new, old
    report = parity.check(data.make_inputs, old.run, new.run)
    assert report.ok and {m: v.status for m, v in report.verdicts.items()} == {
        "tf2_eager": "bit-identical", "tf2_function": "bit-identical"}, report
    done = _pytest(user_repo)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    assert cli.main(["new", USER, "--dir", str(user_repo)]) == Exit.USAGE  # nothing is overwritten


def test_a_slip_fails_the_users_pytest_run_at_its_first_step(user_repo):
    port = user_repo / USER / "new.py"
    port.write_text(port.read_text().replace("loss = tf.reduce_mean(", "loss = tf.reduce_sum("))
    done = _pytest(user_repo)
    assert done.returncode == 1 and "AssertionError: parity against the TF1 run" in done.stdout, done.stdout
    assert "tf2_eager: MISMATCH at step 1, field " in done.stdout and "hint: loss is 64x" in done.stdout


@pytest.mark.parametrize("plant", PLANTS)
def test_each_planted_slip_is_named_by_a_hint(user_repo, plant):
    from user_port import data, old
    old_text, new_text, words = PLANTS[plant]
    report = parity.check(data.make_inputs, old.run, _plant(user_repo, plant, old_text, new_text).run,
                            attribute=False)
    assert not report.ok and all(any(words in hint for hint in report.hints[m]) for m in report.verdicts), report


def test_an_optimizer_namesake_is_named_and_the_exact_rule_is_bit_identical(user_repo):
    from user_port import data

    from parity_tests.planted import momentum
    exact = parity.check(data.make_inputs, momentum.tf1_run, momentum.tf2_run)
    assert {v.status for v in exact.verdicts.values()} == {"bit-identical"}, exact
    namesake = parity.check(data.make_inputs, momentum.tf1_run, momentum.keras_run, attribute=False)
    assert not namesake.ok and "optimizer namesake" in namesake.hints["tf2_eager"][0], namesake


def test_a_bound_applies_only_for_its_cause(user_repo):
    # A planted slip of 2^-20 in the learning rate: an XLA bound must not excuse it in eager.
    from user_port import data, new, old
    slipped = lambda inputs, **kw: new.run(dict(inputs, learning_rate=inputs["learning_rate"] * (1 + 2 ** -20)), **kw)
    bounds = {"tf2_eager": [Bound("xla", 1 << 15, 0.0, "Measured: planted, to show it cannot apply")]}
    report = parity.check(data.make_inputs, old.run, slipped, tolerances=bounds)
    assert report.verdicts["tf2_eager"].status == "mismatch" and not report.explained, report


def test_dtype_shape_and_missing_fields_are_verdicts(user_repo):
    import numpy as np
    from user_port import data, new, old
    as64 = lambda inputs, **kw: {k: v.astype(np.float64) for k, v in new.run(inputs, **kw).items()}
    report = parity.check(data.make_inputs, old.run, as64, modes=("tf2_eager",))
    assert str(report.verdicts["tf2_eager"]) == (
        "MISMATCH: field w: dtype float64, desired float32 (after casting: bit-identical)"), report
    short = lambda inputs, **kw: {k: v[:-1] for k, v in new.run(inputs, **kw).items() if k != "b"}
    verdict = parity.check(data.make_inputs, old.run, short, modes=("tf2_eager",)).verdicts["tf2_eager"]
    assert str(verdict) == "MISMATCH: field b is absent in the TF2 trace, present in the TF1 trace"


def test_a_grappler_difference_is_explained_not_failed():
    from shared_data import classification
    from tf1_graph import classification as tf1_twin
    from tf2_eager import classification as tf2_twin
    report = parity.check(classification.make_inputs, tf1_twin.run, tf2_twin.run)
    eager = report.verdicts["tf2_eager"]
    assert eager.status == "mismatch" and report.ok, report  # no bound given: explained, so it passes
    assert report.explained == {"tf2_eager": ("grappler_arithmetic",)}, report
    assert "explained by grappler_arithmetic (bit-identical with " in str(report)
    # Passing, it still names what differs at the end, both values, or says that nothing does.
    [final] = [line for line in str(report).splitlines() if line.startswith("    final values")]
    assert " (TF1) vs " in final or "bit-identical at the end" in final, report


def test_onednn_is_switched_off_in_a_fresh_process():
    from parity_tests.planted import pairs
    from tf1_graph import mlp as tf1_twin
    from tf2_eager import mlp as tf2_twin
    report = parity.check(pairs.mlp_inputs, tf1_twin.run, tf2_twin.run)
    if active("onednn", "tf2_eager"):  # the fused MatMul + BiasAdd: grappler fuses, oneDNN computes
        assert report.explained == {"tf2_eager": ("grappler_remapper",)}, report
    assert report.ok, report
