"""``tfparity scan`` through the real entry point, on the corpus of parity_tests/scan_corpus/.

Recall and precision are measured against the ``# expect:`` comments there and against the hand
labels of the real public programs in parity_tests/scan_public/; the committed status table is
re-probed from the installed TensorFlow and must agree with it; the advice comes from the API
map's table (docs/notes/api_map.tsv), which must agree with the pages that prove it.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from tfparity import cli
from tfparity.core import records
from tfparity.core.paths import DOCS, ROOT
import re

from tfparity.scan import advice as scan_advice
from tfparity.scan import corpus, findings, probe, resolve, statuses

TF1, NEGATIVE = corpus.CORPUS / "tf1", corpus.CORPUS / "negative"
RECALL, PRECISION = 0.97, 0.95  # issue 32's targets, on the public corpus (the written one is held to them too)
SPEED = 20_000  # issue 32's target, lines per second of CPU on one core
KEYS = {"path", "line", "column", "symbol", "kind", "status", "replacement", "guide", "note", "section", "verdict",
        "proof"}
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


def test_recall_precision_and_speed_on_the_real_public_programs():
    table = statuses.table()
    scored = corpus.score_public(table)
    assert scored["files"] >= 40 and scored["expected"] > 0
    assert scored["recall"] >= RECALL, scored["missed"]
    assert scored["precision"] >= PRECISION, scored["spurious"]
    committed = records.load_plain(DOCS, "scan")
    assert committed["speed"]["lines_per_second"] >= SPEED  # measured by tfparity docs, on one core
    # A fresh, short timing on a machine the suite shares: a gross slowdown fails, not a busy neighbour.
    assert corpus.speed(table, lines=5_000)["lines_per_second"] >= SPEED / 2
    fresh = {k: v for k, v in scored.items()}
    assert {k: committed["public"][k] for k in fresh} == fresh, (
        "docs/results/scan.json's public corpus score is stale: python -m tfparity.scan.measurement, "
        "then tfparity docs --render-only")
    assert committed["audit"] == corpus.score_audit(table), "docs/results/scan.json's blind audit is stale"


def test_the_public_labels_lack_nothing_the_blind_labels_have():
    # audit/blind_labels.tsv was made without seeing labels.tsv: where they differ, labels.tsv is fixed
    # (or the blind label shown wrong by the labelling rules of scan_public/README.md, in a commit).
    blind = corpus.labelled(corpus.PUBLIC, corpus.BLIND)
    audited = {p for p, _, _ in blind}
    assert len(audited) >= 8 and {p.split("/")[-2] for p in audited} >= {"tensorflow_examples", "tensorflow_cookbook"}
    first = {key for key in corpus.labelled() if key[0] in audited}
    assert (sorted(blind - first), sorted(first - blind)) == ([], [])


def test_the_blind_audit_counts_each_disagreement(tmp_path):
    # A label only the blind file has is both lacking from labels.tsv and missed by the scanner; a
    # label only labels.tsv has is beyond the blind labels; a finding nobody labelled blind is spurious.
    (tmp_path / "one.py").write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = 1\n")
    (tmp_path / "audit").mkdir()
    (tmp_path / "labels.tsv").write_text("file\tline\tsymbol\none.py\t1\ttf.Session\n")
    (tmp_path / corpus.BLIND).write_text("file\tline\tsymbol\none.py\t3\ttf.device\n")
    audit = corpus.score_audit(statuses.table(), tmp_path)
    assert (audit["files"], audit["blind"], audit["labels"], audit["labels_agreeing"]) == (1, 1, 1, 0)
    assert (audit["labels_lacking"], audit["labels_beyond"]) == ([f"{tmp_path}/one.py:3: tf.device"],
                                                                 [f"{tmp_path}/one.py:1: tf.Session"])
    assert (audit["missed"], audit["spurious"]) == ([f"{tmp_path}/one.py:3: tf.device"],
                                                    [f"{tmp_path}/one.py:2: tf.placeholder"])
    assert (audit["recall"], audit["precision"]) == (0.0, 0.0)


def test_every_public_program_has_its_source_commit_and_a_permissive_licence():
    readme = (corpus.PUBLIC / "README.md").read_text()
    programs = [pathlib.Path(os.path.relpath(p, corpus.PUBLIC)).as_posix() for p in corpus.programs()]
    assert programs and all(f"`{p}`" in readme for p in programs)
    for folder in {pathlib.PurePosixPath(p).parent for p in programs}:
        licence = (corpus.PUBLIC / folder / "LICENSE").read_text()
        assert licence.startswith(("The MIT License", "MIT License", "Apache License")), folder
    labelled = {pathlib.Path(os.path.relpath(p, corpus.PUBLIC)).as_posix() for p, _, _ in corpus.labelled()}
    assert labelled <= set(programs)


def test_a_label_the_scanner_does_not_find_counts_against_it(tmp_path):
    # The scorer itself: a planted label on a line with no TF1 use is missed, a removed one is spurious.
    for name in ("one.py", "LICENSE"):
        (tmp_path / name).write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = 1\n")
    (tmp_path / "LICENSE").unlink()
    (tmp_path / "labels.tsv").write_text("file\tline\tsymbol\none.py\t3\ttf.placeholder\n")
    scored = corpus.score_public(statuses.table(), tmp_path)
    assert (scored["recall"], scored["precision"], len(scored["missed"]), len(scored["spurious"])) == (0.0, 0.0, 1, 1)


def _examples_using(symbol):
    """Example pages whose TF1 twin uses ``symbol`` (by its last name, or a mapping rule naming it)."""
    from tfparity.core.harness import examples
    from tfparity.guide import book, mapping
    name = symbol.rsplit(".", 1)[-1]
    found = set()
    for example in examples():
        tf1_source, tf2_source = book.sources(example)
        named = {s for rule, _, _ in mapping.rows(tf1_source, tf2_source) for s in _rule_symbols(rule)}
        if symbol in named or re.search(rf"\b{re.escape(name)}\b", tf1_source):
            found.add(f"docs/{example}.md")
    return found


def _rule_symbols(rule):
    """The TF1 symbols an API-map rule's construct names: ``tf1.variable_scope(name)`` ->
    [``tf.variable_scope``]; ``tf.contrib.rnn.* (A, B)`` -> [``tf.contrib.rnn.A``, ``tf.contrib.rnn.B``]."""
    match = re.match(r"(?:tf1|tf)\.([\w.]+?)(\.\* \(([^)]*)\))?(?:[^\w.]|$)", rule[0])
    if not match:
        return []
    if match.group(2):
        return [f"tf.{match.group(1)}.{name.strip()}" for name in match.group(3).split(",")]
    return [f"tf.{match.group(1)}"]


def _disagreements(table):
    """Rows naming an example page whose TF1 twin does not use the symbol, and symbols an example page
    proves (an API-map rule that applies to it) that the scanner does not call proven."""
    from tfparity.core.harness import examples
    from tfparity.guide import book, mapping
    found = [f"{s}: {r['page']} does not use it" for s, r in table["advice"].items()
             if r["page"].removeprefix("docs/").removesuffix(".md") in examples() and r["page"] not in _examples_using(s)]
    for example in examples():
        for rule, _, _ in mapping.rows(*book.sources(example)):
            for symbol in [s for s in _rule_symbols(rule) if findings.status(s, table) != findings.NATIVE]:
                if findings.advice(symbol, "only compat.v1", table)[2]["proof"] != scan_advice.PROVEN:
                    found.append(f"{symbol}: proven by docs/{example}.md, the scanner says not")
    return sorted(set(found))


def test_the_scanner_and_the_pages_agree_on_what_is_proven():
    """A page that proves a symbol the scanner calls uncovered, or a row that names a page whose twin
    does not use the symbol, fails here."""
    assert _disagreements(statuses.table()) == []


def test_a_planted_disagreement_is_caught(tmp_path, monkeypatch):
    # variable_scope's row loses its page (so the convnet page proves what the scanner calls uncovered);
    # assign_add's names the MLP's page, whose TF1 twin has no assign_add.
    rows = [r.split("\t") for r in scan_advice.TABLE.read_text().splitlines()]
    planted = ["\t".join(r[:3] + ["", "", "", ""] if r[0] == "tf.variable_scope" else r) for r in rows]
    planted.append("tf.assign_add\tvariable.assign_add(delta)\t\tdocs/mlp.md\tNotes\tmlp:verdicts/tf2_function\t")
    (tmp_path / "api_map.tsv").write_text("\n".join(planted) + "\n")
    monkeypatch.setattr(scan_advice, "TABLE", tmp_path / "api_map.tsv")
    found = _disagreements(statuses.table())
    assert {"tf.assign_add: docs/mlp.md does not use it",
            "tf.variable_scope: proven by docs/convnet.md, the scanner says not"} <= set(found)
    assert {f.split(":")[0] for f in found} == {"tf.assign_add", "tf.variable_scope"}


def test_every_row_names_an_existing_page_and_section_and_a_recorded_verdict():
    for symbol, row in statuses.table()["advice"].items():
        if row["page"]:
            headings = [line.lstrip("#").strip() for line in (ROOT / row["page"]).read_text().splitlines()
                        if line.startswith("#")]
            assert any(h.startswith(row["section"]) for h in headings), (symbol, row["section"])
        if row["evidence"]:
            assert row["verdict"] == "measured" or row["verdict"] == "bit-identical" or \
                row["verdict"].startswith("within the "), (symbol, row["verdict"])


def test_every_replacement_is_tf2_code_whose_names_exist():
    import ast
    import importlib

    import keras  # noqa: F401 (names below resolve against it)
    import tensorflow as tf
    roots = {"tf": tf, "keras": keras}
    for row in scan_advice.rows():
        if not row["replacement"]:
            assert not row["page"], f"{row['symbol']}: a page with no replacement"
            continue
        tree = ast.parse(row["replacement"])  # a line of Python, or a dotted name
        inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in inner:  # a whole chain
                chain = resolve.dotted(node)
                if chain is None:
                    continue
                head, *rest = chain.split(".")
                if head == "tfparity":
                    module, _, attribute = chain.rpartition(".")
                    assert hasattr(importlib.import_module(module), attribute), chain
                elif head in roots:
                    value = roots[head]
                    for part in rest:
                        value = getattr(value, part)  # AttributeError names what does not exist
        assert "compat" not in row["replacement"], row["symbol"]


def test_every_finding_offers_a_line_of_code_or_none():
    # Keyword and positional findings too: a call that parses, never prose in place of code.
    import ast
    files, found = findings.scan_paths([corpus.CORPUS, *corpus.folders()], statuses.table())
    assert found
    for finding in found:
        if finding["replacement"]:
            ast.parse(finding["replacement"])
        else:
            assert finding["note"] and finding["proof"] == scan_advice.NOT_COVERED, finding


def test_a_false_friend_only_where_its_namesake_was_measured_to_differ():
    table = statuses.table()
    sgd = findings.advice("tf.train.GradientDescentOptimizer", "only compat.v1", table)
    adam = findings.advice("tf.train.AdamOptimizer", "only compat.v1", table)
    assert sgd[0] == "keras.optimizers.SGD(learning_rate)" and sgd[2]["verdict"] == "bit-identical"
    assert "tfparity.port.optimizers.Adam" in adam[0] and "differs" in adam[2]["note"]
    kinds = {f["symbol"]: f["kind"] for f in findings.scan_units("x.py", [(None, 0, (
        "import tensorflow as tf\na = tf.train.GradientDescentOptimizer(0.1)\nb = tf.train.AdamOptimizer(0.1)\n"))],
        table)}
    assert kinds == {"tf.train.GradientDescentOptimizer": "symbol", "tf.train.AdamOptimizer": "false friend"}


def test_the_advice_the_issue_found_wrong_is_right():
    table = statuses.table()
    for symbol, page in (("tf.variable_scope", "docs/convnet.md"), ("tf.get_variable", "docs/convnet.md"),
                         ("tf.train.Saver", "docs/checkpoints.md"), ("tf.nn.dropout", "docs/pitfalls.md"),
                         ("tf.nn.rnn_cell.BasicLSTMCell", "docs/mnist_rnn.md"),
                         ("tf.contrib.rnn.GRUCell", "docs/mnist_rnn.md"), ("tf.nn.dynamic_rnn", "docs/mnist_rnn.md")):
        assert findings.advice(symbol, "only compat.v1", table)[1] == page, symbol
    replacement = findings.advice("tf.examples.tutorials.mnist.input_data", "removed", table)[0]
    from tfparity.record import input_data
    assert replacement == "tfparity.record.input_data.read_data_sets" and hasattr(input_data.DataSet, "next_batch")


def test_a_row_added_to_the_table_is_what_the_scanner_says(tmp_path, monkeypatch):
    # The one place: a new row changes the scanner's advice and verdict, with nothing else edited.
    text = scan_advice.TABLE.read_text() + ("tf.train.exponential_decay\tkeras.optimizers.schedules.ExponentialDecay"
                                            "\t\tdocs/regression.md\tMeasured parity\tregression:verdicts/tf2_eager\t\n")
    (tmp_path / "api_map.tsv").write_text(text)
    monkeypatch.setattr(scan_advice, "TABLE", tmp_path / "api_map.tsv")
    table = statuses.table()
    replacement, guide, extra = findings.advice("tf.train.exponential_decay", "only compat.v1", table)
    assert (replacement, guide, extra["verdict"]) == ("keras.optimizers.schedules.ExponentialDecay",
                                                      "docs/regression.md", "bit-identical")
