"""``tfparity scan`` through the real entry point, on the corpus of parity_tests/scan_corpus/.

Recall and precision are measured against the ``# expect:`` comments there; the committed status
table is re-probed from the installed TensorFlow and must agree with it.
"""
import json
import pathlib
import subprocess
import sys

import pytest

from tfparity import cli
from tfparity.core import records
from tfparity.core.paths import DOCS, ROOT
from tfparity.scan import corpus, findings, probe, statuses

TF1, NEGATIVE = corpus.CORPUS / "tf1", corpus.CORPUS / "negative"
RECALL, PRECISION = 0.95, 0.90  # the targets
KEYS = {"path", "line", "column", "symbol", "kind", "status", "replacement", "guide"}
STATUSES = {"native TF2", "only compat.v1", "raises under Keras 3", "removed", "meaning changed", "does not parse"}


def scan(capsys, *argv):
    status = cli.main(["scan", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def test_recall_and_precision_on_the_corpus(capsys, tmp_path):
    status, _, err = scan(capsys, corpus.CORPUS, "--json", tmp_path / "found.json")
    assert (status, err) == (1, "")
    document = json.loads((tmp_path / "found.json").read_text())
    got = {(f["path"], f["line"], f["symbol"]) for f in document["findings"]}
    want = corpus.expected(findings.sources.collect([corpus.CORPUS]))
    hits = got & want
    assert len(hits) / len(want) >= RECALL, f"missed: {sorted(want - got)}"
    assert len(hits) / len(got) >= PRECISION, f"spurious: {sorted(got - want)}"
    assert all(set(f) - {"cell", "cell_line"} == KEYS and f["status"] in STATUSES for f in document["findings"])
    summary = document["summary"]
    assert sum(summary["per_status"].values()) == summary["findings"] == len(document["findings"])
    assert [step["status"] for step in summary["port_order"]][:2] == ["does not parse", "removed"]


def test_tf2_code_and_names_in_comments_and_strings_are_not_findings(capsys):
    status, out, _ = scan(capsys, NEGATIVE, "--format", "json")
    assert json.loads(out)["findings"] == [] and status == 0


def test_aliases_resolve_to_the_tf1_symbol(capsys):
    _, out, _ = scan(capsys, TF1 / "contrib_slim.py", "--format", "json")
    found = {(f["line"], f["symbol"]): f for f in json.loads(out)["findings"]}
    assert found[(13, "tf.contrib.slim.conv2d")]["status"] == "removed"
    assert found[(22, "tf.contrib.rnn.BasicLSTMCell")]["column"] == 12


def test_silent_changes_are_their_own_class(capsys):
    _, out, _ = scan(capsys, TF1 / "silent_changes.py", "--format", "json")
    kinds = {(f["line"], f["kind"]) for f in json.loads(out)["findings"] if f["status"] == "meaning changed"}
    assert {(10, "positional order"), (14, "gradient into labels"), (16, "positional order")} <= kinds
    assert not any(line >= 26 and line <= 28 for line, _ in kinds)  # the same calls written for TF2


def test_a_notebook_gives_cell_lines_and_flat_lines(capsys):
    _, out, _ = scan(capsys, TF1 / "mnist_softmax.ipynb", "--format", "json")
    found = json.loads(out)["findings"]
    read = next(f for f in found if f["symbol"].endswith("read_data_sets"))
    assert (read["cell"], read["cell_line"], read["line"]) == (2, 1, 5)
    assert any(f["kind"] == "syntax" and f["cell"] == 5 for f in found)  # one bad cell, the rest scanned
    assert any(f["symbol"] == "Tensor.eval" and f["cell"] == 6 for f in found)


def test_a_file_that_does_not_parse_is_a_finding_and_the_rest_is_scanned(capsys):
    status, out, _ = scan(capsys, TF1 / "python2_print.py", TF1 / "session_feed.py")
    assert status == 1 and "python2_print.py:5:" in out and "does not parse" in out and "session_feed.py:5:" in out


@pytest.mark.parametrize("make", [lambda tmp: tmp / "missing", lambda tmp: (tmp / "gone.py").symlink_to(tmp / "no") or tmp / "gone.py"])
def test_bad_input_is_one_line_and_status_2(capsys, tmp_path, make):
    status, out, err = scan(capsys, make(tmp_path))
    assert status == 2 and out == "" and err.startswith("tfparity: error: ") and err.count("\n") == 1


def test_sarif_is_a_2_1_0_log_with_one_result_per_finding(capsys):
    _, out, _ = scan(capsys, TF1, "--format", "json")
    count = len(json.loads(out)["findings"])
    _, out, _ = scan(capsys, TF1, "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(run["results"]) == count
    for result in run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert rules[result["ruleIndex"]] == result["ruleId"] and result["level"] in ("error", "warning")
        assert region["startLine"] >= 1 and region["startColumn"] >= 1 and result["message"]["text"]


def test_the_committed_status_table_is_what_the_installed_tensorflow_says():
    committed = records.load_plain(DOCS, "scan")["table"]
    fresh = probe.probe()
    changed = {k: (committed.get(k), fresh[k]) for k in fresh if fresh[k] != committed.get(k) and k != "statuses"}
    statuses = {s: sorted(set(fresh["statuses"].get(s, [])) ^ set(committed["statuses"].get(s, [])))
                for s in set(fresh["statuses"]) | set(committed["statuses"])}
    assert {s: d for s, d in statuses.items() if d} == {} and changed == {}, (
        "the installed TensorFlow disagrees with docs/results/scan.json: re-measure the scan study")


def test_compare_upgrade_says_what_tf_upgrade_v2_did(capsys):
    status, out, _ = scan(capsys, TF1 / "silent_changes.py", TF1 / "python2_print.py", "--compare-upgrade",
                          "--format", "json")
    found = {(f["line"], f["symbol"]): f["upgrade"] for f in json.loads(out)["findings"]}
    assert found[(4, "tf.placeholder")] == "renamed to compat.v1"
    assert found[(10, "tf.nn.sigmoid_cross_entropy_with_logits")] == "changed meaning"  # kept positional
    assert found[(16, "tf.nn.dropout")] == "native"  # rate=1 - (keep_prob)
    assert found[(5, "(does not parse)")] == "flagged"


def test_importing_the_study_loads_no_tensorflow():
    code = "import sys, tfparity.scan; print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'numpy'}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_an_old_format_notebook_and_a_too_deeply_nested_file_are_scanned(capsys, tmp_path):
    cells = [{"cell_type": "code", "input": ["import tensorflow as tf\n", "x = tf.placeholder(tf.float32)"]}]
    (tmp_path / "old.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": [{"cells": cells}]}))
    (tmp_path / "deep.py").write_text("import tensorflow as tf\nx = " + "1 + " * 100_000 + "1\n")
    status, out, _ = scan(capsys, tmp_path, "--format", "json")
    found = {(pathlib.Path(f["path"]).name, f["symbol"]) for f in json.loads(out)["findings"]}
    assert status == 1 and found == {("old.ipynb", "tf.placeholder"), ("deep.py", "(does not parse)")}


def test_the_tf2_twins_which_this_scanner_was_not_written_against_have_no_finding(capsys):
    # tf2_eager/ is idiomatic TF2 by the project's own rule (never compat.v1), written by others.
    status, out, _ = scan(capsys, ROOT / "tf2_eager", "--format", "json")
    assert (status, json.loads(out)["findings"]) == (0, [])


def test_another_installed_tensorflow_is_probed_instead_of_the_committed_table(monkeypatch):
    monkeypatch.setattr(statuses, "installed", lambda: "0.0.0")
    probed = statuses.table()
    assert probed["source"].endswith("probed for this scan") and probed["status"]["tf.placeholder"] == "only compat.v1"


def test_every_page_and_function_the_advice_names_exists_and_the_rnn_cells_point_at_their_twin():
    import importlib.util
    import re

    from tfparity.scan import knowledge
    pages = {guide for _, guide in knowledge.REPLACEMENTS.values()} - {knowledge.NOT_COVERED}
    assert [page for page in sorted(pages) if not (ROOT / page).is_file()] == []
    named = {m for replacement, _ in knowledge.REPLACEMENTS.values() for m in re.findall(r"tfparity(?:\.\w+)+", replacement)}
    for dotted in named:  # a module, or a module's attribute
        module, _, attribute = dotted.rpartition(".")
        assert importlib.util.find_spec(dotted) if importlib.util.find_spec(module).submodule_search_locations \
            else hasattr(importlib.import_module(module), attribute), dotted
    for symbol in ("tf.nn.rnn_cell.BasicLSTMCell", "tf.contrib.rnn.GRUCell", "tf.nn.rnn_cell.MultiRNNCell",
                   "tf.nn.dynamic_rnn", "tf.contrib.rnn.static_rnn"):
        assert findings.advice(symbol, "removed", None)[1] == knowledge.RNN
