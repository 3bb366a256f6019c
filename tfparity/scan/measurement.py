"""The scan study's record: the probed status table, both corpora's scores, tf_upgrade_v2 on the corpus.

Loads TensorFlow (the probe); ``tfparity docs`` saves the record as docs/results/scan.json, and
the scanner reads its table from there. ``python -m tfparity.scan.measurement`` measures and saves
this record alone (about a minute), as after a row is added to docs/notes/api_map.tsv; then
``tfparity docs --render-only`` writes the pages.
"""
from tfparity.core.machine import fingerprint
from tfparity.core.paths import ROOT
from tfparity.scan import corpus, findings, probe, sources, statuses, upgrade

SHOWN = ("meaning changed", "raises under Keras 3", "removed")  # statuses whose outcomes the page lists one by one


def compare_on_corpus(table):
    files, found = findings.scan_paths([corpus.CORPUS], table)
    summary = upgrade.compare(files, found, table)
    relative = str(ROOT) + "/"
    summary["findings"] = [[f["path"].replace(relative, ""), f["line"], f["symbol"], f["status"], f["upgrade"]]
                           for f in found if f["status"] in SHOWN]
    return summary


def measure():
    probed = probe.probe()
    table = statuses.index(probed)
    return {"example": "scan", "machine": fingerprint(), "table": probed, "corpus": corpus.score(table),
            "public": corpus.score_public(table), "audit": corpus.score_audit(table),
            "upgrade": compare_on_corpus(table), "speed": corpus.speed(table),
            "suffixes": list(sources.SUFFIXES)}


if __name__ == "__main__":  # python -m tfparity.scan.measurement
    from tfparity.core import records
    from tfparity.core.paths import DOCS
    records.save(DOCS, measure())
