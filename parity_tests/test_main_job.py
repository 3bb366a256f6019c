"""The main job, `tfparity run --all`: by default a mode an example declares in FIRST_EPOCHS runs its
first epochs only (or not at all) and is compared with the same span of the TF1 Session's run, which
no mode outruns; every verdict, line and row of such a mode says it is partial; `--full` runs
everything. The prefix rule is proven on every example that declares such a mode: the reference's
first epochs, as the rule slices them, are the reference run on those epochs alone, bit for bit."""
from types import SimpleNamespace

import numpy as np
import pytest

from tfparity.cli import main
from tfparity.core import report
from tfparity.core.compare import compare
from tfparity.core.harness import as_partial, examples, first_epochs, load, reference_prefix, run_example, run_mode
from tfparity.core.modes import REFERENCE, epochs_run

DECLARING = [name for name in examples() if getattr(load(name)[0], "FIRST_EPOCHS", None)]


def small_run(name):
    """(data module, twins, inputs): the example's QUICK size, one epoch more than any mode's first epochs."""
    data, *twins = load(name)
    epochs = max(data.FIRST_EPOCHS.values()) + 1
    return data, twins, data.make_inputs(0, **dict(data.QUICK, epochs=epochs))


def test_the_slow_modes_are_declared_where_the_main_job_spends_its_time():
    assert DECLARING, "no example declares FIRST_EPOCHS: the main job runs everything in full"
    for name in DECLARING:
        declared = load(name)[0].FIRST_EPOCHS
        assert declared.get(REFERENCE, 1) >= 1, f"{name}: the reference always runs"
        assert all(isinstance(k, int) and k >= 0 for k in declared.values()), name


def test_no_mode_runs_further_than_the_reference():
    data = SimpleNamespace(FIRST_EPOCHS={"tf1_graph": 2, "tf2_eager": 1, "tf2_keras": 5, "tf1_eager": 0})
    modes = ("tf1_graph", "tf1_eager", "tf2_eager", "tf2_function", "tf2_keras")
    # A mode not named runs as far as the reference; one named further is held to it; 0: not run.
    assert first_epochs(data, 4, modes) == {"tf1_graph": 2, "tf1_eager": 0, "tf2_eager": 1, "tf2_function": 2,
                                            "tf2_keras": 2}
    assert first_epochs(data, 2, modes) == {"tf1_eager": 0, "tf2_eager": 1}  # the rest run every epoch


@pytest.mark.parametrize("name", [n for n in DECLARING if any(load(n)[0].FIRST_EPOCHS.values())])
def test_the_prefix_of_the_full_reference_is_the_reference_run_on_those_epochs(name):
    # The rule's slice, taken from a full run, must be what a run of the first epochs records:
    # per-update and per-epoch series cut to their first values, fields recorded once at the end
    # (final weights, predictions) left out. A wrong slice (the last values, an epoch too many,
    # a final field) would differ here.
    data, twins, inputs = small_run(name)
    full = run_mode(twins, REFERENCE, inputs)
    for k in sorted({k for k in first_epochs(data, inputs["epochs"]).values() if k}):
        short = run_mode(twins, REFERENCE, dict(inputs, epochs=k))
        desired, actual, not_compared = reference_prefix(full, short, k, inputs["epochs"])
        assert set(not_compared) == {f for f, v in full.items() if len(v) == 1}, k
        assert set(desired) == set(full) - set(not_compared) and desired, k
        for field in desired:
            assert len(desired[field]) < len(full[field]), f"{field}: not a prefix"
            assert desired[field].tobytes() == actual[field].tobytes(), f"epochs 1-{k}, {field}: the wrong slice"
        # The same span compared one epoch later is not the same: the check is not vacuous.
        later = {f: full[f][len(v):2 * len(v)] for f, v in actual.items()}
        assert compare(later, actual).status == "mismatch", k


def test_a_field_neither_a_series_nor_recorded_once_is_refused():
    reference = {"loss": np.arange(6, dtype=np.float32), "odd": np.arange(4, dtype=np.float32)}
    trace = {"loss": np.arange(2, dtype=np.float32), "odd": np.arange(2, dtype=np.float32)}
    with pytest.raises(ValueError, match="odd: 2 values in epochs 1-1 against 4 in all 3"):
        reference_prefix(reference, trace, 1, 3)


@pytest.mark.parametrize("name", DECLARING)
def test_partial_modes_say_so_and_keep_their_parity(name):
    data, twins, inputs = small_run(name)
    options = dict(data.QUICK, epochs=inputs["epochs"])
    result = run_example(name, 0, partial=True, **options)
    scope = first_epochs(data, inputs["epochs"])
    full = run_example(name, 0, **options)
    lines = report.verdict_lines(result)
    for mode in full["traces"]:
        if scope.get(mode) == 0:
            assert mode not in result["traces"] and mode in report.not_run(result)
            assert f"{name}: {mode}: {report.NOT_RUN}" in lines
            continue
        if mode == REFERENCE:
            continue
        verdict = result["parity"]["verdicts"][mode]
        if mode in scope:
            assert verdict.ok and verdict.partial["epochs"] == scope[mode] and verdict.partial["of"] == inputs["epochs"]
            assert str(verdict).startswith(f"partial, {epochs_run(scope[mode], inputs['epochs'])}"), str(verdict)
            assert report.ran(result, mode) == epochs_run(scope[mode], inputs["epochs"])
        else:
            assert verdict.partial is None and result["traces"][mode].keys() == full["traces"][mode].keys()
            for field, values in result["traces"][mode].items():  # the other modes run as before, bit for bit
                assert values.tobytes() == full["traces"][mode][field].tobytes(), (mode, field)
    assert all(v.partial is None for v in full["parity"]["verdicts"].values())  # the default: every epoch
    assert full["parity"]["scope"] == {}


def test_run_marks_partial_modes_in_every_line_and_full_runs_everything(capsys):
    from shared_data import mlp
    args = ["run", "mlp", "--epochs", "5", "--train-size", "96", "--test-size", "16"]
    assert main(args) == 0
    out = capsys.readouterr().out
    eager, reference = (epochs_run(mlp.FIRST_EPOCHS[mode], 5) for mode in ("tf2_eager", "tf1_graph"))
    # Eager stopped before the Session: its first epochs against the Session's, the final fields left out.
    # (After the local layer, one update from the Session's state, comes the trajectory.)
    lines = {line.split(": local, ")[0]: line for line in out.splitlines() if ": local, " in line}
    assert f"trajectory: partial, {eager} (5 fields recorded at the end not compared): " in lines["mlp: tf2_eager vs tf1_graph"]
    # tf.function ran as far as the Session: compared whole, final weights too, and still partial.
    assert f"trajectory: partial, {reference}: bit-identical" in lines["mlp: tf2_function vs tf1_graph"]
    rows = {row["mode"]: row for row in report.read_summary(out.splitlines())}
    assert rows["tf2_eager"]["ran"] == eager and rows["tf2_eager"]["verdict"].endswith(", partial")
    assert rows["tf1_graph"]["ran"] == rows["tf2_keras"]["ran"] == reference
    assert all(row["partial"] for row in rows.values())
    assert main(args + ["--full"]) == 0
    out = capsys.readouterr().out
    assert "partial" not in out
    assert {row["ran"] for row in report.read_summary(out.splitlines())} == {"all 5 epochs"}


def test_the_progress_line_counts_a_partial_mode_to_its_own_end():
    import io

    from tfparity.cli.progress import Bars
    stream = io.StringIO()
    bars = Bars("mlp", epochs=30, stream=stream, live=True, scope={"tf2_eager": 2})
    bars("tf2_eager", 0, None)
    assert bars.bar.total == 2 and "mlp tf2_eager (epochs 1–2 of 30)" in bars.bar.desc
    bars("tf2_function", 0, None)
    assert bars.bar.total == 30
    bars.close()


def test_the_summary_table_reads_back_as_printed():
    verdict = compare({"loss": np.ones(3, np.float32)}, {"loss": np.ones(3, np.float32)})
    result = {"inputs": {"epochs": 30}, "traces": {m: {"loss": np.ones(3, np.float32)} for m in ("tf1_graph", "tf2_eager", "tf2_function")},
              "parity": {"verdicts": {"tf2_eager": as_partial(verdict, 2, 30), "tf2_function": verdict},
                         "scope": {"tf2_eager": 2}}}
    lines = report.summary({"x": result}, {"x": {"tf1_graph": 1.5, "tf2_eager": 12.5}})
    rows = report.read_summary(["== parity summary", *lines, "", "anything after"])
    assert [(r["mode"], r["verdict"], r["ran"], r["partial"]) for r in rows] == [
        ("tf1_graph", "reference", "all 30 epochs", False), ("tf2_eager", "bit-identical, partial", "epochs 1–2 of 30", True),
        ("tf2_function", "bit-identical", "all 30 epochs", False)]
    assert rows[0]["seconds"] == 1.5 and rows[1]["seconds"] == 12.5 and np.isnan(rows[2]["seconds"])
