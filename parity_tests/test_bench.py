"""The benchmark runner end to end on quick settings: every mode timed in its own process with its
parity class, repeat runs bit-identical, the determinism matrix, the outputs. Nothing is timed
against a target here: the targets are printed by `tfparity bench`, not asserted."""
import json

import pytest

from tfparity.cli import main
from tfparity.core.modes import ALL_MODES
from tfparity.studies.performance import report, runner, worker


def test_bench_writes_json_table_and_chart_with_a_parity_class_per_mode(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    status = main(["bench", "simple_network", "--quick", "--repeats", "1", "--no-determinism",
                   "--json", str(tmp_path / "bench.json"), "--out", str(out)])
    assert status == 0
    modes = json.loads((tmp_path / "bench.json").read_text())["examples"]["simple_network"]
    assert list(modes) == list(ALL_MODES)
    for mode, m in modes.items():
        assert m["repeatable"] is True, mode  # the same run twice gives the same bytes
        assert {"per_step_s", "run_s", "setup_s", "peak_rss_mib", "ratio_to_session"} <= set(m)
    assert [modes[m]["parity"] for m in ALL_MODES[:4]] == ["reference"] + ["bit-identical"] * 3
    assert modes["tf2_xla"]["status"] == "differs"  # XLA's float64 update: its bound is local, the trajectory differs
    assert (out / "bench.png").stat().st_size > 0
    printed = capsys.readouterr().out
    assert (out / "bench.md").read_text() in printed and ("- PASS: " in printed or "- MISS: " in printed)


def test_determinism_matrix_runs_each_setting_in_its_own_process(monkeypatch, tmp_path):
    monkeypatch.setattr(runner, "SETTINGS", {"default": {}, "1 intra-op thread": {"TF_NUM_INTRAOP_THREADS": "1"}})
    _, traces = worker.trace_all(["regression"], ["tf1_graph"], quick=True)
    matrix = runner.determinism(["regression"], {"regression": traces["regression"]["tf1_graph"]},
                                True, tmp_path, progress=lambda line: None)
    for setting in ("default", "1 intra-op thread"):
        row = matrix["regression"][setting]
        assert [row[m] for m in ALL_MODES[:4]] == ["bit-identical"] * 4, row
        assert "ULP" in row["tf2_xla"] and "beyond" not in row["tf2_xla"]
    assert "| regression | whole loop in one tf.function | bit-identical | bit-identical |" in (
        report.determinism_table(matrix))


def test_slope_sizes_differ_by_an_epoch_or_by_a_factor_of_steps():
    from shared_data import mlp, regression
    assert worker.sizes(mlp.make_inputs, quick=False) == ({"epochs": 1}, {"epochs": 2})
    assert worker.sizes(regression.make_inputs, quick=True) == ({"steps": 50}, {"steps": 500})
    assert worker.sizes(regression.make_inputs, quick=False, mode="tf2_loop")[1] == {"steps": 100000}


def test_a_variant_is_timed_with_its_own_inputs_and_named_in_the_report():
    """An example's own option (`--rnn dynamic`, as `tfparity run` takes it) reaches the worker's
    make_inputs: the variant's run has the updates its own sizes give, and the report names it."""
    plain, _ = worker.time_mode("mlp", "tf1_graph", quick=True, repeats=1)
    halved, _ = worker.time_mode("mlp", "tf1_graph", quick=True, repeats=1, variant={"batch_size": 16})
    assert halved["updates"] == [2 * n for n in plain["updates"]], (plain["updates"], halved["updates"])
    from tfparity.core.machine import fingerprint
    text = report.markdown({"machine": fingerprint(), "python": "3.11", "repeats": 1, "quick": True, "determinism": {},
                            "examples": {"mlp": {"tf1_graph": dict(halved, parity="reference", ratio_to_session=1.0)}}, "options": {"mlp": {"batch_size": 16}}})
    assert "### mlp (--batch-size 16)" in text


@pytest.mark.parametrize("args, message", [
    (["bench", "nosuch"], "unknown example 'nosuch'"),
    (["bench", "regression", "--repeats", "0"], "--repeats must be at least 1"),
    (["bench", "regression", "--out", "/nonexistent/folder"], "not a folder"),
    (["bench", "regression", "--rnn", "dynamic", "--no-determinism"], "--rnn does not apply to example regression"),
    (["bench", "mnist_rnn", "--rnn", "dynamic"], "--rnn times that variant only: add --no-determinism"),
    (["bench", "mnist_rnn", "--rnn", "sideways", "--no-determinism"], "invalid choice: 'sideways'"),
])
def test_bench_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_docs_keep_other_machines_determinism_beside_this_ones(tmp_path):
    from tfparity.studies import performance
    (tmp_path / "results").mkdir()
    committed = {"examples": {"regression": {"timed": "earlier"}}, "machine": {"isa": "AVX2"},
                 "determinism": {"AVX2 machine": {"matrix": {"regression": {}}}}}
    (tmp_path / "results" / "performance.json").write_text(json.dumps(committed))
    new = {"examples": {}, "machine": {"isa": "AVX-512"}, "determinism": {"AVX-512 machine": {"matrix": {}}}}
    merged = performance.merged(tmp_path, new)  # --determinism-only: the committed timings stay
    assert merged["examples"] == committed["examples"] and merged["machine"] == {"isa": "AVX2"}
    assert list(merged["determinism"]) == ["AVX2 machine", "AVX-512 machine"]
    timed = performance.merged(tmp_path, dict(new, examples={"regression": {"timed": "now"}}))
    assert timed["examples"] == {"regression": {"timed": "now"}} and len(timed["determinism"]) == 2
    # Some examples re-timed on the machine that timed the others: the others' timings stay.
    here = dict(new, machine=committed["machine"], examples={"mlp": {"timed": "now"}})
    assert performance.merged(tmp_path, here)["examples"] == {"regression": {"timed": "earlier"}, "mlp": {"timed": "now"}}


def test_main_job_is_timed_in_a_fresh_process_and_merged_keeping_the_rest(monkeypatch, tmp_path):
    # A small stand-in for `tfparity run --all` (which takes minutes): the same path, one example.
    from tfparity.studies import performance
    monkeypatch.setattr(runner, "MAIN_JOB", ("run", "simple_network"))
    job = runner.main_job()
    assert job["exit_status"] == 0 and job["command"] == "tfparity run simple_network"
    assert [row["mode"] for row in job["modes"]] == ["tf1_graph", "tf2_eager", "tf2_function"]
    assert job["seconds"] > sum(row["seconds"] for row in job["modes"]) > 0  # TensorFlow's import too
    assert job["cpu_seconds"] > 0 and job["load_average"] >= 0
    assert {row["ran"] for row in job["modes"]} == {"whole run"} and not any(row["partial"] for row in job["modes"])
    (tmp_path / "results").mkdir()
    committed = {"examples": {"regression": {"timed": "earlier"}}, "determinism": {"a machine": {}}}
    (tmp_path / "results" / "performance.json").write_text(json.dumps(committed))
    merged = performance.with_main_job(tmp_path, job)
    assert merged == dict(committed, main_job=job)
    section = report.main_job_section(job)
    assert f"took {job['seconds']:.0f} s" in section and "| simple_network | tf2_eager | whole run |" in section


def test_main_job_refuses_what_it_does_not_time(capsys):
    assert main(["bench", "--main-job", "regression"]) == 2
    assert "--main-job times the whole `tfparity run --all`: drop EXAMPLE" in capsys.readouterr().err


def test_the_readme_quotes_the_main_job_from_the_record():
    # The README's marked line is what `tfparity docs` writes from docs/results/performance.json.
    from tfparity.core.paths import DOCS, README
    from tfparity.studies import performance
    text = README.read_text()
    assert performance.readme(text, DOCS) == text, "the README's main-job line is stale: run `tfparity docs --render-only`"
    record = json.loads((DOCS / "results" / "performance.json").read_text())
    assert f"took {record['main_job']['seconds']:.0f} s" in next(
        line for line in text.splitlines() if line.endswith(performance.README_MARK))
    with pytest.raises(ValueError, match="exactly one line ending with"):
        performance.readme(text.replace(performance.README_MARK, ""), DOCS)
