"""The guide cannot drift: committed pages equal what the code generates from the records, and
the records equal a fresh measurement (the MLP's in the slow full-run test)."""
import json
import shutil

import numpy as np
import pytest

from tfparity.cli import docs
from tfparity.core import paths, records
from tfparity.core.harness import examples, run_example
from tfparity.core.machine import same_bits
from tfparity.guide import book
from tfparity.render import pages

DOCS = paths.DOCS


def fresh_record(name, **options):
    record = records.make_record(run_example(name, 0, **options))
    return json.loads(json.dumps(record))


def committed_record(name):
    return json.loads(records.record_path(DOCS, name).read_text())


def test_every_example_has_a_committed_record_and_page():
    for name in examples():
        assert records.record_path(DOCS, name).exists(), f"run: tfparity docs {name}"
        assert (DOCS / f"{name}.md").exists()


def test_the_readme_lists_every_example_in_its_table():
    """The README's examples table is written by hand: it stopped at data_parallel for two examples."""
    rows = [line for line in (paths.ROOT / "README.md").read_text().splitlines() if line.startswith("| [`")]
    assert sorted(line.split("`")[1] for line in rows) == sorted(examples())


def test_committed_pages_are_what_the_code_generates(tmp_path):
    shutil.copytree(DOCS / "results", tmp_path / "results")
    docs.build(tmp_path, measure=False)
    generated = {p.name for p in tmp_path.glob("*.md")}
    assert generated == {p.name for p in DOCS.glob("*.md")}
    for name in generated:
        assert (tmp_path / name).read_text() == (DOCS / name).read_text(), (
            f"docs/{name} is stale: run `tfparity docs --render-only`")
    # Figures are redrawn without error; their bytes depend on the matplotlib release, so only
    # the set of files is compared.
    assert {p.name for p in (tmp_path / "img").glob("*.png")} == {p.name for p in (DOCS / "img").glob("*.png")}


def _class(verdict):
    return verdict if verdict == "bit-identical" else verdict.split(" ")[0].replace("max", "within")


@pytest.mark.parametrize("name", ["simple_network", "regression", "classification"])
def test_scalar_records_match_a_fresh_measurement(name):
    # Bit for bit where the record (or its other oneDNN setting) was measured on a machine that
    # gives the same bits; elsewhere the same parity classes and final values within 1e-5.
    fresh, committed = fresh_record(name), committed_record(name)
    here, other = fresh.pop("machine"), committed.pop("other_setting")
    if same_bits(committed.pop("machine"), here):
        assert fresh == committed, f"re-measure: tfparity docs {name}"
    elif same_bits(other["machine"], here):
        for group in ("verdicts", "manual_vs_auto", "final"):
            assert fresh[group] == other[group], f"re-measure: tfparity docs {name}"
    else:
        assert {m: _class(v) for m, v in fresh["verdicts"].items()} == {
            m: _class(v) for m, v in committed["verdicts"].items()}
        for mode, final in committed["final"].items():
            for field, value in final.items():
                np.testing.assert_allclose(fresh["final"][mode][field], value, rtol=1e-5, err_msg=field)


def test_sections_and_mapping_lines_come_from_the_twins():
    tf1_source, tf2_source = book.sources("regression")
    assert [s[0] for s in pages.sections(tf1_source)] == ["model", "loss", "step", "train", "one step from a state"]
    assert [s[0] for s in pages.sections(tf2_source)] == ["model", "loss", "step", "train", "one step from a state",
                                                          "whole loop", "keras fit"]
    rows = {rule[0]: (a, b) for rule, a, b in book.mapping.rows(tf1_source, tf2_source)}
    line = rows["tf1.placeholder"][0]
    assert "tf1.placeholder(" in tf1_source.splitlines()[line - 1]
    # The Keras stage's rows point into the TF2 twin's Keras section.
    keras = {rule[0]: b for rule, a, b in book.mapping.rows(tf1_source, tf2_source, book.mapping.KERAS_RULES)}
    start = next(line for name, line, _ in pages.sections(tf2_source) if name == "keras fit")
    assert keras and all(line >= start for line in keras.values()), keras
