"""docs/scan.md: docs/notes/scan.md, then every number from the scan record (docs/results/scan.json)."""
from tfparity.core import records
from tfparity.core.files import write_atomic
from tfparity.core.machine import describe
from tfparity.core.paths import NOTES
from tfparity.render.pages import GENERATED, table
from tfparity.scan import advice

NAME = "scan"  # the record's and the page's name
EXAMPLES = 4  # names shown per status


def _statuses(record):
    probed = record["table"]
    known = [r["symbol"] for r in advice.rows() if r["symbol"].startswith("tf.")]  # familiar names first

    def examples(names):
        chosen = [n for n in known if n in set(names)] + [n for n in names if n not in known]
        return ", ".join(f"`{n}`" for n in chosen[:EXAMPLES])
    rows = [[status, len(names), examples(names)] for status, names in probed["statuses"].items()]
    moved = [[f"`{s}`", m["position"], f"`{m['tf1']}`", f"`{m['tf2']}`",
              "an int literal there" if m["trigger"] == "int" else "any positional use"]
             for s, m in probed["positional"].items()]
    gradients = [[f"`{s}`", g["tf1"], g["tf2"]] for s, g in probed["gradients"].items()]
    apis = [[f"`{s}`", ", ".join(a["tf1"]), ", ".join(a["tf2"])] for s, a in probed["other_api"].items()]
    idioms = [[f"`{name}`", status] for name, status in probed["idioms"].items()]
    return [f"## Status classes, probed on {describe(record['machine'])}",
            "Names the probe walked or looked up, per status:", table(["status", "names", "for example"], rows),
            f"Functions whose TF1 version takes keywords TF2's does not: {len(probed['keywords'])}; "
            f"TF1 classes with members their TF2 namesake lacks: {len(probed['members'])}.",
            "Positional arguments whose meaning changed (confirmed against the TF2 signature):",
            table(["call", "position", "TF1 meant", "TF2 reads", "flagged for"], moved),
            "Gradients that changed:", table(["call", "TF1", "TF2"], gradients),
            "Names TF2 kept for another API (parameters as probed):", table(["call", "TF1", "TF2"], apis),
            "Idioms that are not symbols:", table(["idiom", "status"], idioms)]


def _corpus(record):
    score = record["corpus"]
    rows = [["files", score["files"]], ["expected findings (file, line, symbol)", score["expected"]],
            ["found", score["found"]], ["found and expected", score["true_positives"]],
            ["recall", f"{score['recall']:.1%}"], ["precision", f"{score['precision']:.1%}"]]
    rows += [[f"found with status {s}", n] for s, n in score["per_status"].items()]
    missed = "\n".join(f"- missed: `{m}`" for m in score["missed"]) or "- missed: none"
    spurious = "\n".join(f"- not expected: `{m}`" for m in score["spurious"]) or "- not expected: none"
    return ["## The written corpus (`parity_tests/scan_corpus/`)",
            "Files written with the scanner, one per idiom class, with files that must give no finding:",
            table(["", "value"], rows), missed, spurious]


def _public(record):
    """The coverage figure: the public corpus's recall, precision and how each finding is proven."""
    score = record["public"]
    total = score["found"]
    rows = [["programs", score["files"]], ["lines", f"{score['lines']:,}"],
            ["sources", ", ".join(f"`{s}`" for s in score["sources"])],
            ["labels (file, line, symbol)", score["expected"]], ["found", total],
            ["found and labelled", score["true_positives"]],
            ["**recall**", f"**{score['recall']:.1%}**"], ["**precision**", f"**{score['precision']:.1%}**"]]
    proofs = [[proof, count, f"{count / total:.0%}"] for proof, count in score["per_proof"].items()]
    symbols = [[f"`{s['symbol']}`", s["findings"], s["status"], s["proof"],
                f"{s['guide']} § {s['section']}" if s["section"] else s["guide"], s["verdict"] or "—"]
               for s in score["per_symbol"]]
    uncovered = [s for s in score["per_symbol"] if s["proof"] == advice.NOT_COVERED]
    proven = score["per_proof"].get(advice.PROVEN, 0)
    missed = "\n".join(f"- missed: `{m}`" for m in score["missed"]) or "- missed: none"
    spurious = "\n".join(f"- not labelled: `{m}`" for m in score["spurious"]) or "- not labelled: none"
    return ["## Real public TF1 programs (`parity_tests/scan_public/`): the coverage figure",
            "Programs written by others, vendored as they are with their licences and labelled by hand "
            "([how](../parity_tests/scan_public/README.md)):", table(["", "value"], rows), missed, spurious,
            f"**{proven} of {total} findings ({proven / total:.0%}) have a replacement proven by a twin** "
            "(bit-identical, or within a named cause's bound on local steps); each finding's proof, from "
            "the API map's table ([api_map](api_map.md#every-tf1-symbol-tfparity-scan-reports-and-what-proves-its-replacement)):",
            table(["proof", "findings", "share"], proofs),
            f"Not covered yet, by frequency ({len(uncovered)} symbols, {sum(s['findings'] for s in uncovered)} "
            "findings): " + ", ".join(f"`{s['symbol']}` ({s['findings']})" for s in uncovered) + ".",
            "Every symbol found, by frequency:",
            table(["symbol", "findings", "status", "proof", "page § section", "verdict"], symbols)] + _audit(record)


def _audit(record):
    """The blind check of the public corpus's labels (parity_tests/scan_public/audit/)."""
    audit = record["audit"]
    rows = [["programs labelled again, blind", audit["files"]], ["blind labels", audit["blind"]],
            ["labels.tsv's labels on those programs", audit["labels"]],
            ["of which the blind labels have too", audit["labels_agreeing"]],
            ["scanner: found", audit["found"]], ["scanner: found and labelled blind", audit["true_positives"]],
            ["scanner: **recall** against the blind labels", f"**{audit['recall']:.1%}**"],
            ["scanner: **precision** against the blind labels", f"**{audit['precision']:.1%}**"]]
    listed = ([f"- labels.tsv lacks: `{m}`" for m in audit["labels_lacking"]]
              + [f"- labels.tsv has, the blind labels not: `{m}`" for m in audit["labels_beyond"]]
              + [f"- scanner misses: `{m}`" for m in audit["missed"]]
              + [f"- scanner finds, not labelled blind: `{m}`" for m in audit["spurious"]])
    return ["### The labels checked blind",
            "Programs of the public corpus labelled again by a labeller who saw neither labels.tsv nor the "
            "scanner's output ([how](../parity_tests/scan_public/audit/README.md)), and both scored against them:",
            table(["", "value"], rows), "\n".join(listed) or "- no disagreement"]


def _upgrade(record):
    compared = record["upgrade"]
    outcomes = list(compared["per_outcome"])
    total = sum(compared["per_outcome"].values())
    rows = [[status] + [counts[o] for o in outcomes] for status, counts in compared["per_status"].items()]
    rows.append(["**all**"] + [f"**{compared['per_outcome'][o]}** ({compared['per_outcome'][o] / total:.0%})"
                               for o in outcomes])
    listed = [[f"`{path}:{line}`", f"`{symbol}`", status, outcome]
              for path, line, symbol, status, outcome in compared["findings"]]
    return ["## Against `tf_upgrade_v2`, finding by finding on the corpus",
            f"Outcome of each of the {total} findings after the installed `tf_upgrade_v2` converted the corpus "
            f"({compared['files_not_converted']} of its {compared['files']} files it did not convert: it could not "
            "parse them, or crashed on them):",
            table(["status"] + outcomes, rows),
            "The findings that stop a program or change its numbers, one by one:",
            table(["where", "symbol", "status", "tf_upgrade_v2"], listed)]


def _speed(record):
    speed = record["speed"]
    return ["## Speed", f"{speed['lines']:,} lines of the public corpus's programs (repeated), parsed and resolved "
            f"to {speed['findings']:,} findings in {speed['seconds']} s of CPU time on one core (the fastest of "
            f"{speed.get('repeats', 1)} runs): "
            f"{speed['lines_per_second']:,} lines per second."]


def page(record, notes):
    return "\n\n".join([notes.strip(), GENERATED] + _public(record) + _speed(record) + _statuses(record)
                       + _corpus(record) + _upgrade(record)) + "\n"


def render(folder):
    if records.record_path(folder, NAME).exists():
        write_atomic(folder / f"{NAME}.md", page(records.load_plain(folder, NAME), (NOTES / f"{NAME}.md").read_text()))
