"""The porting template: a copied pair is discovered, run and compared with no registry to edit,
and a deliberately wrong twin is reported at its first diverging step and field."""
import pytest
from conftest import quick_options

from tfparity.core.harness import examples, run_example
from tfparity.core.modes import ALL_MODES
from tfparity.core.paths import ROOT


def install(root, packages, name="linear", edit=None):
    """Copy the three templates into fresh packages under ``root``, as a user copies them."""
    for package, source in zip(packages, ("shared_data", "tf1_graph", "tf2_eager")):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
        text = (ROOT / source / "_template.py").read_text()
        (root / package / f"{name}.py").write_text(edit(source, text) if edit else text)


def test_templates_are_not_examples_themselves():
    assert "_template" not in examples()


def test_copied_pair_is_discovered_run_and_bit_identical(tmp_path, monkeypatch):
    packages = ("my_data", "my_tf1", "my_tf2")
    install(tmp_path, packages)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert examples(packages) == ["linear"]
    result = run_example("linear", 0, modes=ALL_MODES, packages=packages)
    verdicts = dict(result["parity"]["verdicts"])
    xla = verdicts.pop("tf2_xla")  # a new example has no XLA bound: reported as measured
    assert xla.max_abs < 1e-4, xla  # XLA rounds its fused step differently; it computes the same
    statuses = {m: v.status for m, v in verdicts.items()}
    assert statuses == {"tf2_eager": "bit-identical", "tf2_function": "bit-identical", "tf2_loop": "bit-identical"}
    trace = result["traces"]["tf1_graph"]
    assert abs(trace["w"][-1] - 3) < 0.1 and abs(trace["b"][-1] - 2) < 0.1  # it learned y = 3x + 2


def test_a_wrong_twin_is_reported_at_its_first_diverging_step_and_field(tmp_path, monkeypatch):
    packages = ("wrong_data", "wrong_tf1", "wrong_tf2")
    # A classic porting slip: the TF2 loss sums over the batch where TF1 averaged.
    slip = (lambda source, text: text.replace("tf.reduce_mean(", "tf.reduce_sum(")
            if source == "tf2_eager" else text)
    install(tmp_path, packages, edit=slip)
    monkeypatch.syspath_prepend(str(tmp_path))
    verdict = run_example("linear", 0, packages=packages)["parity"]["verdicts"]["tf2_eager"]
    assert verdict.status == "mismatch"
    assert (verdict.first_mismatch["step"], verdict.first_mismatch["field"]) == (1, "w")
    assert str(verdict).startswith("MISMATCH at step 1, field w: desired ")


@pytest.mark.parametrize("name", examples())
def test_every_discovered_example_agrees_on_a_quick_run(name):
    """New twin pairs are picked up here automatically, on small settings their inputs accept.
    The whole loop in one tf.function is bit-identical, unless the example declares a bound for it
    whose cause is active here (test_tolerances switches the causes off); XLA within its bound."""
    verdicts = run_example(name, 0, modes=ALL_MODES, **quick_options(name))["parity"]["verdicts"]
    assert all(v.ok for v in verdicts.values()), verdicts
    assert verdicts["tf2_loop"].status == "bit-identical" or verdicts["tf2_loop"].causes, verdicts["tf2_loop"]


@pytest.mark.parametrize("name", examples())
def test_the_same_seed_twice_gives_identical_traces_in_every_mode(name):
    options = quick_options(name)
    first, second = (run_example(name, 3, modes=ALL_MODES, **options)["traces"] for _ in range(2))
    for mode in first:
        for field, values in first[mode].items():
            assert values.tobytes() == second[mode][field].tobytes(), (mode, field)
