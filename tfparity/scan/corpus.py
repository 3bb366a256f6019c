"""The scanner scored on its two corpora, and timed.

parity_tests/scan_corpus/ was written with the scanner: its expected findings are trailing
comments ``# expect: SYMBOL, SYMBOL`` on their lines, read with ``tokenize`` (so an ``# expect:``
inside a string is text, not an expectation). parity_tests/scan_public/ holds real public TF1
programs as their authors wrote them, labelled by hand in its labels.tsv (file, line, symbol).
``score`` and ``score_public`` compare the labels with what the scanner finds, per (file, line,
symbol); ``score_public`` also says, per symbol, how each finding's replacement is proven (the API
map's verdicts); ``score_audit`` checks both the scanner and those labels against labels made
blind (audit/blind_labels.tsv: some of the programs labelled again without seeing either);
``speed`` times the scanner alone.
"""
import collections
import csv
import io
import os
import pathlib
import time
import tokenize

from tfparity.core.paths import ROOT
from tfparity.scan import findings, sources, statuses

CORPUS = ROOT / "parity_tests" / "scan_corpus"
PUBLIC = ROOT / "parity_tests" / "scan_public"  # real public TF1 programs, labelled in LABELS
# TensorFlow-Examples' programs the record tests run: part of the public corpus where they lie (LABELS
# names them ../legacy_corpus/...), not a second copy in PUBLIC.
LEGACY = ROOT / "parity_tests" / "legacy_corpus"
LABELS = "labels.tsv"
BLIND = "audit/blind_labels.tsv"  # some of those programs labelled again, blind (audit/README.md)
MARK = "# expect:"  # a trailing comment: pytest and the scanner both ignore it
REPEATS = 3  # the fastest of these is reported
SPEED_LINES = 40_000  # lines timed: a few seconds of CPU, so the rate is not a timer's rounding


def expected_in(code):
    """{(line, symbol)} from the ``# expect:`` comments of one parse unit (text or bytes)."""
    text = code.decode("utf-8") if isinstance(code, bytes) else code
    found = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and token.string.startswith(MARK):
                names = token.string[len(MARK):].split(",")
                found |= {(token.start[0], name.strip()) for name in names if name.strip()}
    except (tokenize.TokenError, IndentationError):
        pass  # the lines read before the error still count
    return found


def expected(files):
    keys = set()
    for path in files:
        for _, offset, code in sources.units(path):
            if not isinstance(code, ValueError):
                keys |= {(str(path), offset + line, symbol) for line, symbol in expected_in(code)}
    return keys


def folders(folder=PUBLIC):
    """The folders of the public corpus whose labels are in ``folder``: the committed one's include
    LEGACY, which its labels reach as ../legacy_corpus/."""
    return [folder, LEGACY] if folder == PUBLIC else [folder]


def programs(folder=PUBLIC):
    """The public corpus's .py files, in order."""
    return sorted(path for place in folders(folder) for path in place.rglob("*.py"))


def labelled(folder=PUBLIC, labels=LABELS):
    """{(path, line, symbol)} from ``folder``/``labels``, paths as the scanner writes them."""
    with open(folder / labels, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {(os.path.normpath(folder / row["file"]), int(row["line"]), row["symbol"]) for row in rows}


def score(table, folder=CORPUS):
    """Recall, precision and the disagreements of the scanner on the corpus in ``folder``."""
    files, found = findings.scan_paths([folder], table)
    return _score(files, found, expected(files))


def score_public(table, folder=PUBLIC):
    """``score`` against the hand labels of the public corpus, with its size, and per symbol how
    each finding's replacement is proven (``tfparity.scan.advice``: proof, page, section, verdict)."""
    files, found = findings.scan_paths(folders(folder), table)
    scored = _score(files, found, labelled(folder))
    per_symbol = collections.Counter(f["symbol"] for f in found)
    first = {}
    for f in found:
        first.setdefault(f["symbol"], f)
    symbols = [{"symbol": name, "findings": count, "status": first[name]["status"], "kind": first[name]["kind"],
                "proof": first[name]["proof"], "guide": first[name]["guide"], "section": first[name]["section"],
                "verdict": first[name]["verdict"]} for name, count in per_symbol.most_common()]
    proofs = collections.Counter(f["proof"] for f in found)
    return dict(scored, lines=sum(path.read_bytes().count(b"\n") for path in files),
                sources=sorted({p.parent.name for p in files}), per_proof=dict(proofs.most_common()),
                per_symbol=symbols)


def score_audit(table, folder=PUBLIC):
    """The scanner, and the labels of ``LABELS``, each scored against the blind labels of ``BLIND`` on
    the programs those cover: what the scanner misses or adds, what ``LABELS`` lacks or adds."""
    blind = labelled(folder, BLIND)
    paths = sorted({p for p, _, _ in blind})
    files, found = findings.scan_paths([pathlib.Path(p) for p in paths], table)
    scanner = _score(files, found, blind)
    first = {key for key in labelled(folder) if key[0] in paths}
    return {"files": len(files), "blind": len(blind), "labels": len(first), "labels_agreeing": len(first & blind),
            "labels_lacking": _listed(blind - first), "labels_beyond": _listed(first - blind),
            **{k: scanner[k] for k in ("found", "true_positives", "recall", "precision", "missed", "spurious")}}


def _listed(keys):
    relative = str(ROOT) + "/"
    return sorted(f"{p.replace(relative, '')}:{line}: {symbol}" for p, line, symbol in keys)


def _score(files, found, want):
    got = {(f["path"], f["line"], f["symbol"]) for f in found}
    hits = got & want
    return {"files": len(files), "expected": len(want), "found": len(got), "true_positives": len(hits),
            "recall": len(hits) / len(want) if want else 1.0, "precision": len(hits) / len(got) if got else 1.0,
            "missed": _listed(want - got), "spurious": _listed(got - want),
            "per_status": dict(sorted(_count(found).items()))}


def _count(found):
    counts = {}
    for f in found:
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    return counts


def speed(table, lines=SPEED_LINES, folder=PUBLIC):
    """Seconds to scan ``lines`` lines of the corpus's .py files (repeated), parse to findings: the
    fastest of ``REPEATS`` timings."""
    texts = [p.read_bytes() for p in programs(folder)]
    units, count = [], 0
    while count < lines:
        for text in texts:
            units.append(text)
            count += text.count(b"\n")
    timings = []
    for _ in range(REPEATS):
        start = time.process_time()  # CPU time of this process: one core, whatever else runs
        total = sum(len(findings.scan_units(f"unit{i}.py", [(None, 0, u)], table)) for i, u in enumerate(units))
        timings.append(time.process_time() - start)
    seconds = min(timings)  # a neighbour's load only ever adds time (shared caches, frequency)
    return {"lines": count, "seconds": round(seconds, 3), "lines_per_second": round(count / seconds),
            "findings": total, "repeats": len(timings)}


def benchmark():
    """Print the scan speed, three times (python -m tfparity.scan.corpus)."""
    table = statuses.table()
    for _ in range(3):
        print("scanned {lines} lines in {seconds} s CPU: {lines_per_second} lines/s, {findings} findings"
              .format(**speed(table)))


if __name__ == "__main__":  # python -m tfparity.scan.corpus
    benchmark()
