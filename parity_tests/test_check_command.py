"""``tfparity check`` on a user's pair: its exit statuses, bounds by cause from pyproject.toml or
--tolerances, --strict, --write-bound, --bench and --json, all through the real entry point."""
import json
import subprocess
import sys

import pytest

from tfparity import cli
from tfparity.check import bounds_file
from tfparity.check.parity_report import FIELD_ROW
from tfparity.core.exits import Exit

USER = "user_port"
PAIR = ["check", "--inputs", f"{USER}.data:make_inputs", "--tf1", f"{USER}.old:run"]
CLASSIFICATION = ["check", "--inputs", "shared_data.classification:make_inputs",
                  "--tf1", "tf1_graph.classification:run", "--tf2", "tf2_eager.classification:run"]
SLIP = 'step(x, y, w, b, inputs["learning_rate"] * (1 + 2 ** -20))'  # a planted slip of ULPs


@pytest.fixture
def user_repo(tmp_path, monkeypatch):
    assert cli.main(["new", USER, "--dir", str(tmp_path)]) == 0
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for name in [m for m in sys.modules if m.split(".")[0] == USER]:
        monkeypatch.delitem(sys.modules, name)
    port = tmp_path / USER / "new.py"
    (tmp_path / USER / "slipped.py").write_text(
        port.read_text().replace('step(x, y, w, b, inputs["learning_rate"])', SLIP))
    (tmp_path / USER / "raises.py").write_text(port.read_text().replace(
        "    w, b = tf.Variable(", "    if function:\n        raise RuntimeError('my own bug')\n    w, b = tf.Variable("))
    return tmp_path


def _cli(folder, *arguments):
    return subprocess.run([sys.executable, "-m", "tfparity.cli", *arguments], cwd=folder,
                          capture_output=True, text=True)


def test_parity_exits_0_and_writes_json(user_repo, capsys):
    assert cli.main(PAIR + ["--tf2", f"{USER}.new:run", "--json", "report.json"]) == Exit.OK
    assert "tf2_function: bit-identical" in capsys.readouterr().out
    report = json.loads((user_repo / "report.json").read_text())
    assert report["ok"] and report["modes"]["tf2_eager"]["status"] == "bit-identical"


@pytest.mark.parametrize("arguments, message", [
    (["--tf2", "no_such_module:run"], "no module named 'no_such_module'"),
    (["--tf2", f"{USER}.new:nothing"], f"{USER}.new has no function 'nothing'"),
    (["--tf2", f"{USER}.old:run"], "cannot be called with one positional argument and function="),
    (["--tf2", "missing.py:run"], "no file missing.py"),
    (["--tf2", f"{USER}.new"], "expected module:function"),
    (["--tf2", f"{USER}.new:run", "--modes", "tf2_fast"], "--modes tf2_fast: known are"),
    (["--tf2", f"{USER}.new:run", "--modes", "tf2_xla"], "the loop modes need a tf2_loop function (--loop"),
    (["--tf2", f"{USER}.new:run", "--tolerances", "absent.toml"], "cannot read absent.toml"),
    (["--tf2", f"{USER}.new:run", "--traces"], "--traces writes the traces into the JSON report: give --json"),
])
def test_bad_input_is_one_line_and_exit_2(user_repo, capsys, arguments, message):
    assert cli.main(PAIR + arguments) == Exit.USAGE
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_an_error_in_the_users_code_exits_3_with_their_traceback(user_repo, capsys):
    assert cli.main(PAIR + ["--tf2", f"{USER}.raises:run"]) == Exit.USER_CODE
    err = capsys.readouterr().err
    assert "raises.py" in err and "RuntimeError: my own bug" in err, err
    assert "error inside your own code, in tf2_run (tf2_function)" in err


def test_a_mismatch_exits_1(user_repo):
    assert cli.main(PAIR + ["--tf2", f"{USER}.slipped:run", "--no-attribute"]) == Exit.MISMATCH


def test_the_json_has_each_fields_distance_at_every_step_and_the_traces_when_asked(user_repo, capsys):
    arguments = PAIR + ["--tf2", f"{USER}.slipped:run", "--no-attribute", "--modes", "tf2_eager", "--json", "r.json"]
    assert cli.main(arguments + ["--traces"]) == Exit.MISMATCH
    out = capsys.readouterr().out
    assert "    final values that differ (" in out and " (TF1) vs " in out, out
    document = json.loads((user_repo / "r.json").read_text())
    traces = {(row["run"], row["field"]): row["values"] for row in document["traces"]}
    assert {run for run, _ in traces} == {"tf1_graph", "tf2_eager"}
    for row in document["fields"]:
        assert list(row) == list(FIELD_ROW) and row["mode"] == "tf2_eager"
        assert len(row["max_ulp"]) == len(row["max_abs"]) == row["steps_tf1"] == len(traces["tf1_graph", row["field"]])
        steps = [s + 1 for s, ulp in enumerate(row["max_ulp"]) if ulp != 0]
        assert row["first_step"] == (steps[0] if steps else None), row
    slipped = [row for row in document["fields"] if row["first_step"]]
    assert slipped and min(row["first_step"] for row in slipped) == document["modes"]["tf2_eager"]["first_difference"]["step"]
    assert cli.main(arguments + ["--force"]) == Exit.MISMATCH
    assert "traces" not in json.loads((user_repo / "r.json").read_text())


def test_the_help_names_every_key_of_a_field_row():
    text = subprocess.run([sys.executable, "-m", "tfparity.cli", "check", "--help"], capture_output=True,
                          text=True).stdout
    assert "--traces" in text and [key for key in FIELD_ROW if key not in text] == [], text


def test_a_bound_in_pyproject_applies_while_its_cause_is_active_and_never_under_strict(user_repo):
    (user_repo / "pyproject.toml").write_text(
        '[[tool.tfparity.bounds]]\nmode = "tf2_eager"\ncause = "grappler_arithmetic"\nulp = 32768\n'
        'measured = "planted: the widest rounding bound, large enough to hide a slip of ULPs"\n')
    allowed = _cli(user_repo, *PAIR, "--tf2", f"{USER}.slipped:run", "--no-attribute", "--modes", "tf2_eager")
    assert allowed.returncode == 0 and "for grappler_arithmetic" in allowed.stdout, allowed.stdout + allowed.stderr
    strict = _cli(user_repo, *PAIR, "--tf2", f"{USER}.slipped:run", "--strict", "--modes", "tf2_eager")
    assert strict.returncode == 1 and "oneDNN off, strict" in strict.stdout, strict.stdout + strict.stderr
    (user_repo / "pyproject.toml").write_text('[[tool.tfparity.bounds]]\ncause = "luck"\nulp = 1\nmeasured = ""\n')
    wrong = _cli(user_repo, *PAIR, "--tf2", f"{USER}.new:run")
    assert wrong.returncode == 2 and "unknown cause 'luck'" in wrong.stderr, wrong.stderr


def test_write_bound_measures_an_explained_difference_over_seeds(tmp_path, capsys):
    target = tmp_path / "bounds.toml"
    assert cli.main(CLASSIFICATION + ["--modes", "tf2_eager", "--write-bound", str(target), "--seeds", "2"]) == Exit.OK
    assert "bound written to" in capsys.readouterr().out
    [bound] = bounds_file.load(target)["tf2_eager"]
    assert bound.cause == "grappler_arithmetic" and bound.ulp > 0 and "over seeds 0-1" in bound.measured
    assert cli.main(CLASSIFICATION + ["--modes", "tf2_eager", "--tolerances", str(target), "--no-attribute"]) == Exit.OK


def test_write_bound_refuses_a_measured_difference_larger_than_rounding(monkeypatch):
    # A difference some cause explained (bit-identical with it off) but grown past rounding, as a
    # chaotic trajectory grows one: no bound is written for it.
    import numpy as np

    from tfparity.check import parity
    from tfparity.check.parity_report import Report
    from tfparity.core.compare import compare
    desired = {"w": np.float32([[0.5, 0.25]])}
    grown = {"w": desired["w"] * np.float32(1 + 2 ** -6)}
    report = Report({"tf2_eager": compare(desired, grown)}, {"tf2_eager": ("onednn",)}, traces={"tf1_graph": desired})
    monkeypatch.setattr(parity, "check", lambda *args, **kwargs: report)
    entries, refused = bounds_file.measure({"inputs": None, "tf1": None, "tf2": None}, ("tf2_eager",), True, False, 2)
    assert entries == [] and "larger than rounding" in refused["tf2_eager"], refused
    exact = Report({"tf2_eager": compare(desired, desired)}, traces={"tf1_graph": desired})
    monkeypatch.setattr(parity, "check", lambda *args, **kwargs: exact)
    assert bounds_file.measure({"inputs": None, "tf1": None, "tf2": None}, ("tf2_eager",), True, False, 2) == ([], {})


def test_bench_times_every_mode_beside_its_parity_class(user_repo, capsys):
    assert cli.main(PAIR + ["--tf2", f"{USER}.new:run", "--bench", "--json", "bench.json"]) == Exit.OK
    out = capsys.readouterr().out
    assert "first run s" in out and "tf2_function" in out.split("first run s")[1], out
    bench = json.loads((user_repo / "bench.json").read_text())["bench"]
    assert set(bench) == {"tf1_graph", "tf2_eager", "tf2_function"} and bench["tf2_eager"]["median"] > 0
